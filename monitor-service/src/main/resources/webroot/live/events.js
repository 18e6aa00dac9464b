// A running narrative: topology events, chaos actions and client outages, newest first.

import {h} from './dom.js';
import {clock, duration} from './format.js';

const KEPT = 80;

const TONE = {
  node_pfail: 'warn', node_fail: 'bad', node_unreachable: 'bad', slots_uncovered: 'bad', cluster_state_fail: 'bad',
  replica_link_down: 'warn', promoted: 'promoted', demoted: 'info', node_recovered: 'good', node_reachable: 'good',
  replica_link_up: 'good', cluster_state_ok: 'good', slots_covered: 'good', node_added: 'info', node_removed: 'warn',
};

export class EventsView {
  constructor(list) {
    this.list = list;
  }

  clear() {
    this.list.replaceChildren();
  }

  topology(event) {
    this.add(event.timestamp, event.type.replace(/_/g, ' '), event.description, TONE[event.type] || 'info', event.type);
  }

  chaos(action) {
    const what = action.action === 'failover' && action.master ? `${action.node} replaces ${action.master}` : action.node;
    this.add(action.at, action.action, `${what} · ${action.method} · asked by ${action.requestedBy}`,
      action.action === 'restart' ? 'info' : 'chaos', `chaos_${action.action}`);
  }

  outage(outage) {
    const text = outage.phase === 'start'
      ? `${outage.service} fails on shard ${outage.shard}`
      : `${outage.service} works again on shard ${outage.shard} after ${duration(outage.durationMs)}`;
    this.add(outage.timestamp, outage.phase === 'start' ? 'outage' : 'recovered', text,
      outage.phase === 'start' ? 'bad' : 'good', `outage_${outage.phase}`);
  }

  /** One line per migration, updated as its slots move: a migration of 1000 slots is not 1000 lines. */
  migration(progress) {
    const label = `migration ${progress.state}`;
    const tone = progress.state === 'failed' ? 'bad' : progress.state === 'done' ? 'good' : 'chaos';
    const text = `${progress.from} → ${progress.to}: ${progress.slotsDone}/${progress.slotsTotal} slots, `
      + `${progress.keysMoved} keys` + (progress.state === 'failed' ? ` · stopped: ${progress.error}` : '');
    const existing = [...this.list.children].find(item => item.dataset.migration === progress.id);
    if (existing) {
      existing.className = `event ${tone}`;
      existing.querySelector('.event-label').textContent = label;
      existing.querySelector('.event-text').textContent = text;
      return;
    }
    this.add(progress.at, label, text, tone, 'migration').dataset.migration = progress.id;
  }

  add(at, label, text, tone, type) {
    const item = h('li', {class: `event ${tone}`, dataset: {type, at}}, [
      h('time', {text: clock(at)}),
      h('span', {class: 'event-label', text: label}),
      h('span', {class: 'event-text', text}),
    ]);
    // Keep time order even when a late message (an outage start stamped earlier) arrives.
    const after = [...this.list.children].find(existing => Number(existing.dataset.at) <= at);
    this.list.insertBefore(item, after || null);
    while (this.list.children.length > KEPT) {
      this.list.lastElementChild.remove();
    }
    return item;
  }
}
