// The clients under test (the lab's --clients, compose's client containers): one row each, from the
// per-second stats every client publishes on the event bus, as the writer and reader do. A client is
// any service other than our writer and reader; its label is "library:config".

import {h, replaceChildren} from './dom.js';

const OURS = new Set(['writer', 'reader']);
/** A client that has published nothing for this long is shown as silent (stopped, failed, or frozen). */
const SILENT_MS = 3000;

export class ClientsTable {
  constructor(card, body, now) {
    this.card = card;
    this.body = body;
    this.now = now;
    this.rows = new Map();
  }

  /** One client's last second; the writer's and reader's are drawn by the charts instead. */
  add(stats) {
    if (!stats || OURS.has(stats.service) || !stats.intervalMs) {
      return;
    }
    const perSecond = 1000 / stats.intervalMs;
    const errors = Object.values(stats.commandErrors || {}).reduce((sum, n) => sum + n, 0);
    this.rows.set(stats.service, {
      service: stats.service,
      ops: stats.succeeded * perSecond,
      failed: stats.failed * perSecond,
      errors: errors * perSecond,
      outage: stats.shardsInOutage || [],
      lost: (stats.totals || {}).lostWrites || 0,
      at: stats.timestamp,
    });
    this.render();
  }

  render() {
    this.card.hidden = this.rows.size === 0;
    const now = this.now();
    const rows = [...this.rows.values()].sort((a, b) => a.service.localeCompare(b.service)).map(row => {
      const [library, config] = row.service.split(':');
      const silent = now - row.at > SILENT_MS;
      const state = silent ? 'silent' : row.outage.length ? 'outage' : 'serving';
      return h('tr', {dataset: {client: row.service, state}}, [
        h('td', {text: library}),
        h('td', {text: config || ''}),
        h('td', {class: 'num', text: Math.round(row.ops)}),
        h('td', {class: 'num', text: Math.round(row.errors)}),
        h('td', {class: 'num', text: row.lost}),
        h('td', {class: `state ${state}`,
          text: silent ? `silent ${Math.round((now - row.at) / 1000)} s`
            : row.outage.length ? `outage: ${row.outage.join(', ')}` : 'serving'}),
      ]);
    });
    replaceChildren(this.body, rows);
  }
}
