// The live page: the state at load from the monitor's HTTP API, then every change from the event bus
// through the SockJS bridge (outbound only). Reconnects by itself when the monitor restarts, and
// reloads the state then, since a new monitor may know a different story.

import {BridgeClient, bridgeUrl} from './bridge.js';
import {StatsCharts} from './charts.js';
import {ChaosPanel} from './chaos.js';
import {ClientsTable} from './clients.js';
import {ClusterView} from './cluster-view.js';
import {EventsView} from './events.js';
import {duration} from './format.js';
import {IncidentsView} from './incidents.js';

const ADDRESS = {
  snapshot: 'failoverlab.topology.snapshot',
  event: 'failoverlab.topology.event',
  stats: 'failoverlab.client.stats',
  outage: 'failoverlab.client.outage',
  incident: 'failoverlab.incident',
  chaos: 'failoverlab.chaos.action',
  migration: 'failoverlab.migration.progress',
};

const $ = id => document.getElementById(id);

/**
 * The monitor's clock as seen from here: snapshots are stamped by the monitor, so the smallest
 * (stamp - arrival) of recent ones is its offset plus the shortest delivery delay.
 */
class MonitorClock {
  constructor() {
    this.samples = [];
  }

  sample(stamp) {
    this.samples.push(stamp - Date.now());
    if (this.samples.length > 50) {
      this.samples.shift();
    }
  }

  now() {
    return Date.now() + (this.samples.length ? Math.max(...this.samples) : 0);
  }
}

const monitorClock = new MonitorClock();
const state = {snapshot: null, lastSnapshotAt: 0, connection: 'connecting', newestTopologyEvent: 0, loaded: false};

const cluster = new ClusterView($('cluster'), select);
const chaos = new ChaosPanel({
  token: $('token'),
  select: $('node-select'),
  seconds: $('hang-seconds'),
  result: $('action-result'),
  buttons: [$('action-crash'), $('action-hang'), $('action-failover'), $('action-isolate'), $('action-restart')],
  onSelect: address => cluster.select(address),
});
const charts = new StatsCharts(new Map([['writer', $('chart-writer')], ['reader', $('chart-reader')]]),
  $('error-legend'), () => monitorClock.now());
const clients = new ClientsTable($('clients-card'), $('clients-body'), () => monitorClock.now());
const incidents = new IncidentsView($('incidents'), $('incidents-count'), () => monitorClock.now());
const events = new EventsView($('events'));

function select(address) {
  cluster.select(address);
  chaos.choose(address);
}

function applySnapshot(snapshot) {
  if (!snapshot || (state.snapshot && snapshot.timestamp < state.snapshot.timestamp)) {
    return;
  }
  monitorClock.sample(snapshot.timestamp);
  state.snapshot = snapshot;
  state.lastSnapshotAt = Date.now();
  bridge.expectFramesEvery(snapshot.pollIntervalMs || 200);
  cluster.update(snapshot);
  $('cluster').dataset.snapshotAt = String(snapshot.timestamp);
  chaos.nodesChanged(snapshot);
  const replicas = snapshot.nodes.filter(node => node.role === 'replica').length;
  const stateItem = $('summary-state');
  stateItem.dataset.state = snapshot.clusterState;
  stateItem.textContent = `cluster ${snapshot.clusterState}`;
  $('summary-masters').textContent = `${snapshot.masters} masters`;
  $('summary-replicas').textContent = `${replicas} replicas`;
  const uncovered = $('summary-uncovered');
  uncovered.textContent = `${snapshot.uncoveredSlots.toLocaleString('en-US')} uncovered slots`;
  uncovered.dataset.bad = String(snapshot.uncoveredSlots > 0);
}

function topologyEvent(event) {
  state.newestTopologyEvent = Math.max(state.newestTopologyEvent, event.timestamp);
  events.topology(event);
  if (event.type === 'promoted') {
    cluster.promoted(event.nodeId, monitorClock.now() - event.timestamp);
    charts.mark(event.timestamp, 'promoted', `promoted ${event.node}`);
  }
}

function chaosAction(action) {
  events.chaos(action);
  if (action.action !== 'restart') {
    charts.mark(action.at, 'chaos', `${action.action} ${action.node}`);
  }
}

function onMessage(address, body) {
  if (!body) {
    return;
  }
  switch (address) {
    case ADDRESS.snapshot: applySnapshot(body); break;
    case ADDRESS.event: topologyEvent(body); break;
    case ADDRESS.stats: charts.add(body); clients.add(body); break;
    case ADDRESS.outage: events.outage(body); break;
    case ADDRESS.incident: incidents.update(body); break;
    case ADDRESS.chaos: chaosAction(body); break;
    case ADDRESS.migration: events.migration(body); break;
    default: break;
  }
}

async function getJson(path) {
  const response = await fetch(path, {cache: 'no-store', credentials: 'omit'});
  if (!response.ok) {
    throw new Error(`${path}: HTTP ${response.status}`);
  }
  return response.json();
}

/** The monitor's current story: topology, recent events, incidents, recent chaos actions. */
async function loadState() {
  const since = Date.now();
  try {
    const [topology, incidentList, chaosList] = await Promise.all(
      [getJson('api/topology'), getJson('api/incidents'), getJson('api/chaos')]);
    applySnapshot(topology.snapshot);
    const recent = (topology.recentEvents || []).slice().reverse();
    const first = !state.loaded;
    const newest = state.newestTopologyEvent;
    for (const event of recent) {
      if (first || event.timestamp > newest) {
        topologyEvent(event);
      }
    }
    if (first) {
      for (const action of (chaosList.actions || []).slice().reverse()) {
        chaosAction(action);
      }
    }
    incidents.reset(incidentList.incidents || [], since);
    state.loaded = true;
  } catch (error) {
    // The bridge's reconnect brings us back here; until then say what failed.
    console.warn('live page: could not load the monitor state', error);
    $('disconnected-detail').textContent = `Could not load the monitor's state: ${error.message}`;
  }
}

function onState(connection, detail) {
  state.connection = connection;
  const element = $('connection');
  element.dataset.state = connection;
  const text = {
    connecting: 'connecting…',
    connected: 'live',
    reconnecting: `reconnecting… (attempt ${detail.attempt})`,
    disconnected: `disconnected · retry in ${Math.ceil((detail.retryInMs || 0) / 1000)} s`,
  }[connection];
  $('connection-text').textContent = text;
  const banner = $('disconnected-banner');
  banner.hidden = connection === 'connected' || connection === 'connecting';
  if (connection === 'disconnected') {
    const reason = detail.reason.charAt(0).toUpperCase() + detail.reason.slice(1);
    $('disconnected-detail').textContent = `${reason}. What you see is the last known state; `
      + `retrying in ${Math.ceil((detail.retryInMs || 0) / 1000)} s (attempt ${detail.attempt}).`;
  } else if (connection === 'reconnecting') {
    $('disconnected-detail').textContent = `Reconnecting (attempt ${detail.attempt})…`;
  }
  document.body.classList.toggle('offline', connection === 'disconnected' || connection === 'reconnecting');
  if (connection === 'connected') {
    loadState();
  }
}

function onError(text) {
  // The bridge refused something this page asked for: worth knowing, not fatal.
  console.warn(`event-bus bridge refused a request: ${text}`);
  $('connection').title = `the bridge said: ${text}`;
}

const bridge = new BridgeClient(bridgeUrl(window.location), Object.values(ADDRESS), {onMessage, onState, onError});
bridge.start();

// Connected but silent: say how long the view has not changed (a monitor that stopped polling).
setInterval(() => {
  if (state.connection !== 'connected' || !state.snapshot) {
    return;
  }
  const silentMs = Date.now() - state.lastSnapshotAt;
  const stale = silentMs > Math.max(5000, 5 * (state.snapshot.pollIntervalMs || 200));
  $('connection').dataset.stale = String(stale);
  $('connection-text').textContent = stale ? `live · no update for ${duration(silentMs)}` : 'live';
  clients.render();
}, 1000);
