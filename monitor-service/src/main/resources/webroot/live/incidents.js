// The current and recent incidents, newest first: each as a timeline of its phases (detection,
// election, the writers' unavailability) with its milestones, the phase durations, and what the
// clients suffered. Lost writes are red.

import {h, replaceChildren, s} from './dom.js';
import {clock, count, duration} from './format.js';

const SHOWN = 6;
const MILESTONES = [
  ['faultInjectedAt', 'fault'],
  ['firstClientErrorAt', '1st error'],
  ['failAgreedAt', 'FAIL'],
  ['promotedAt', 'promoted'],
  ['clusterOkAt', 'cluster ok'],
  ['writerRecoveredAt', 'writer ok'],
  ['readerRecoveredAt', 'reader ok'],
];

export class IncidentsView {
  constructor(container, counter, now) {
    this.container = container;
    this.counter = counter;
    this.now = now;
    this.incidents = new Map();
    this.receivedAt = new Map();
    this.cards = new Map();
    setInterval(() => this.hasOpen() && this.render(), 1000);
    window.addEventListener('resize', () => this.render());
  }

  /**
   * Replaces everything with what the monitor knows (page load, reconnect: a restarted monitor has
   * forgotten), except what arrived live after the request was sent: that is newer.
   */
  reset(list, requestedAt) {
    const fresh = new Map(list.map(incident => [incident.id, incident]));
    for (const [id, incident] of this.incidents) {
      if ((this.receivedAt.get(id) || 0) >= requestedAt) {
        fresh.set(id, incident);
      }
    }
    this.incidents = fresh;
    this.render();
  }

  update(incident) {
    this.incidents.set(incident.id, incident);
    this.receivedAt.set(incident.id, Date.now());
    this.render();
  }

  hasOpen() {
    return [...this.incidents.values()].some(incident => incident.state === 'open');
  }

  render() {
    const list = [...this.incidents.values()].sort((a, b) => b.openedAt - a.openedAt);
    this.counter.textContent = list.length === 0 ? '' : `${list.length} kept by the monitor`;
    if (list.length === 0) {
      this.cards.clear();
      replaceChildren(this.container, [h('p', {class: 'empty', text: 'No incident yet.'})]);
      return;
    }
    // A card is rebuilt only when its incident changed (an open one: every second, its clock runs),
    // so the others stay put under the reader's eyes.
    const width = this.container.clientWidth;
    const shown = list.slice(0, SHOWN).map(incident => {
      const signature = `${JSON.stringify(incident)}|${width}`
        + (incident.state === 'open' ? `|${Math.floor(this.now() / 1000)}` : '');
      const cached = this.cards.get(incident.id);
      if (cached && cached.signature === signature) {
        return cached.element;
      }
      const element = this.card(incident);
      this.cards.set(incident.id, {signature, element});
      return element;
    });
    const ids = new Set(list.slice(0, SHOWN).map(incident => incident.id));
    for (const id of [...this.cards.keys()]) {
      if (!ids.has(id)) {
        this.cards.delete(id);
      }
    }
    const current = [...this.container.children];
    if (current.length !== shown.length || current.some((element, i) => element !== shown[i])) {
      replaceChildren(this.container, shown);
    }
  }

  card(incident) {
    const m = incident.milestones || {};
    const d = incident.durationsMs || {};
    const open = incident.state === 'open';
    const start = m.faultInjectedAt ?? incident.openedAt;
    const end = open ? Math.max(this.now(), ...Object.values(m).filter(v => v !== null)) : incident.closedAt;
    const lost = incident.lostWrites || 0;

    const title = [h('span', {class: `state ${open ? 'open' : 'closed'}`, text: open ? 'OPEN' : 'closed'}),
      h('span', {class: 'incident-id', text: incident.id})];
    if (incident.failedNode) {
      title.push(h('span', {class: 'failed-node', text: incident.failedNode}));
    }
    if (incident.promotedNode) {
      title.push(h('span', {class: 'arrow', text: '→'}), h('span', {class: 'promoted-node', text: incident.promotedNode}));
    }
    if (lost > 0) {
      title.push(h('span', {class: 'lost-badge', text: `${count(lost)} lost write${lost === 1 ? '' : 's'}`}));
    }

    const subtitle = `${describeCause(incident)} · opened ${clock(incident.openedAt)} · `
      + (open ? `open for ${duration(end - incident.openedAt)}`
        : `lasted ${duration(incident.closedAt - incident.openedAt)}`);

    const phases = [
      ['detection', 'detection', d.detection],
      ['election', 'election', d.election],
      ['writeUnavailability', 'writes unavailable', d.writeUnavailability],
      ['clientRecoveryAfterPromotion', 'client recovery after promotion', d.clientRecoveryAfterPromotion],
    ].map(([key, label, value]) => h('div', {class: `phase ${key}`, dataset: {phase: key, ms: value ?? ''}}, [
      h('span', {class: 'phase-label', text: label}),
      // Unknown yet while open; a closed incident without that phase (no failover) never had it.
      h('span', {class: 'phase-value',
        text: value === null || value === undefined ? (open ? '…' : '–') : duration(value)}),
    ]));

    const writes = h('div', {class: 'writes'}, [
      h('span', {class: `lost ${lost > 0 ? 'some' : 'none'}`, dataset: {lostWrites: lost}},
        [h('strong', {text: count(lost)}), ' lost writes']),
      h('span', {class: `unknown ${incident.unknownOutcomeWrites > 0 ? 'some' : 'none'}`},
        [h('strong', {text: count(incident.unknownOutcomeWrites || 0)}), ' unknown outcome']),
      h('span', {class: 'healthy'}, [h('strong', {text: count(sum(incident.healthyShardErrors))}),
        ' errors on healthy shards']),
    ]);

    const errors = Object.entries(incident.errorsByService || {}).map(([service, byType]) => {
      const text = Object.entries(byType).filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1]).map(([type, n]) => `${type} ${count(n)}`).join(', ');
      return h('div', {class: 'errors-line'}, [h('span', {class: 'service', text: service}), text || 'no errors']);
    });

    return h('article', {class: `incident ${open ? 'open' : 'closed'}`, dataset: {
      incidentId: incident.id, state: incident.state, failedNode: incident.failedNode || '',
      promotedNode: incident.promotedNode || '', lostWrites: lost}}, [
      h('header', {class: 'incident-head'}, title),
      h('p', {class: 'incident-sub', text: subtitle}),
      this.timeline(incident, start, end),
      h('div', {class: 'phases'}, phases),
      writes,
      ...errors,
    ]);
  }

  timeline(incident, start, end) {
    const m = incident.milestones || {};
    const d = incident.durationsMs || {};
    const width = Math.max(300, this.container.clientWidth - 4 || 420);
    const left = 8;
    const right = 8;
    const span = Math.max(1, end - start);
    const x = t => left + ((Math.min(Math.max(t, start), end) - start) / span) * (width - left - right);
    const parts = [s('rect', {class: 'track', x: left, y: 8, width: width - left - right, height: 30, rx: 5, ry: 5})];

    const band = (key, from, to, y, label) => {
      if (from === null || from === undefined || to === null || to === undefined) {
        return;
      }
      const x1 = x(from);
      const w = Math.max(2, x(to) - x1);
      parts.push(s('g', {class: `band ${key}`, dataset: {phase: key}}, [
        s('rect', {x: x1, y, width: w, height: 13, rx: 3, ry: 3}),
        w > label.length * 6.3 + 6 ? s('text', {x: x1 + 4, y: y + 10, text: label}) : null,
      ]));
    };
    if (m.failAgreedAt && d.detection !== null && d.detection !== undefined) {
      band('detection', m.failAgreedAt - d.detection, m.failAgreedAt, 10, 'detection');
    }
    band('election', m.failAgreedAt, m.promotedAt, 10, 'election');
    if (m.writerRecoveredAt && d.writeUnavailability !== null && d.writeUnavailability !== undefined) {
      band('writeUnavailability', m.writerRecoveredAt - d.writeUnavailability, m.writerRecoveredAt, 24,
        'writes unavailable');
    } else if (m.firstClientErrorAt && incident.state === 'open') {
      band('writeUnavailability', m.firstClientErrorAt, end, 24, 'writes failing');
    }

    // Milestones: a tick each on the track; labels of milestones at the same moment share one line of
    // text, and labels are staggered over three rows so that neighbours do not collide.
    const present = MILESTONES.filter(([key]) => m[key] !== null && m[key] !== undefined)
      .map(([key, label]) => ({key, label, t: m[key], x: x(m[key])})).sort((a, b) => a.t - b.t);
    const groups = [];
    for (const milestone of present) {
      parts.push(s('g', {class: `milestone ${milestone.key}`, dataset: {milestone: milestone.key, at: milestone.t}}, [
        s('line', {x1: milestone.x, x2: milestone.x, y1: 6, y2: 44}),
        s('title', {text: `${milestone.label}: ${clock(milestone.t)} (+${duration(milestone.t - start)})`}),
      ]));
      const last = groups[groups.length - 1];
      if (last && milestone.x - last.x < 6) {
        last.labels.push(milestone.label);
      } else {
        groups.push({x: milestone.x, key: milestone.key, labels: [milestone.label]});
      }
    }
    const rowEnds = [-Infinity, -Infinity, -Infinity];
    for (const group of groups) {
      const text = group.labels.join(' · ');
      const w = text.length * 5.9;
      const cx = Math.min(Math.max(group.x, left + w / 2), width - right - w / 2);
      let row = rowEnds.findIndex(end => cx - w / 2 > end + 5);
      if (row < 0) {
        row = rowEnds.indexOf(Math.min(...rowEnds));
      }
      rowEnds[row] = cx + w / 2;
      const y = 54 + row * 12;
      parts.push(s('line', {class: 'leader', x1: group.x, x2: group.x, y1: 44, y2: y - 9}));
      parts.push(s('text', {class: `milestone-label ${group.key}`, x: cx, y, 'text-anchor': 'middle', text}));
    }
    parts.push(s('text', {class: 'edge', x: left, y: 94, text: clock(start)}));
    parts.push(s('text', {class: 'edge', x: width - right, y: 94, 'text-anchor': 'end',
      text: `+${duration(end - start)}`}));
    return s('svg', {class: 'timeline', width, height: 98, viewBox: `0 0 ${width} 98`, role: 'img',
      'aria-label': `timeline of ${incident.id}`}, parts);
  }
}

function describeCause(incident) {
  const opened = {fault_injected: 'fault injected', client_outage: 'client outage', topology: 'topology change'};
  const cause = opened[incident.openedBy] || String(incident.openedBy || 'unknown cause').replace(/_/g, ' ');
  return incident.failedShard ? `${cause} on shard ${incident.failedShard}` : cause;
}

function sum(counts) {
  return Object.values(counts || {}).reduce((total, n) => total + n, 0);
}
