// The buttons that cause a failure through the monitor's kill endpoint (POST api/chaos/{action}).
// The token is read from its password field at each click and sent only in the Authorization header:
// it is never stored (no cookie, no web storage), so it is gone when the page is closed. What the
// endpoint answers is shown as it is, refusals included.

import {h, replaceChildren} from './dom.js';
import {flagsOf} from './cluster-view.js';

export class ChaosPanel {
  constructor(elements) {
    this.token = elements.token;
    this.select = elements.select;
    this.seconds = elements.seconds;
    this.result = elements.result;
    this.buttons = elements.buttons;
    this.onSelect = elements.onSelect;
    this.nodes = [];
    for (const button of this.buttons) {
      button.addEventListener('click', () => this.submit(button.dataset.action, button));
    }
    this.select.addEventListener('change', () => this.onSelect(this.select.value));
  }

  /** Refreshes the node list, keeping the current choice. */
  nodesChanged(snapshot) {
    const nodes = [...snapshot.nodes].sort((a, b) => a.address.localeCompare(b.address, 'en', {numeric: true}));
    const signature = nodes.map(n => `${n.address}|${n.role}|${n.slots}|${n.reachable}|${flagsOf(n)}`).join(';');
    if (signature === this.signature) {
      return;
    }
    this.signature = signature;
    const current = this.select.value;
    const options = nodes.map(node => {
      const flags = flagsOf(node).filter(flag => flag === 'fail' || flag === 'pfail').map(f => f.toUpperCase());
      const state = node.reachable ? flags.join(' ') : ['down', ...flags].join(' ');
      const role = node.role === 'master' ? `master ${node.slots || '(no slots)'}` : node.role;
      return h('option', {value: node.address, text: `${node.address} · ${role}${state ? ` · ${state}` : ''}`});
    });
    replaceChildren(this.select, [h('option', {value: '', text: 'pick a node (or click one)'}), ...options]);
    if (nodes.some(node => node.address === current)) {
      this.select.value = current;
    }
  }

  choose(address) {
    this.select.value = address;
  }

  async submit(action, button) {
    const node = this.select.value;
    if (!node) {
      this.show('refused', 'Pick a node first: click it in the drawing or choose it in the list.');
      return;
    }
    const body = {node};
    if (action === 'hang' || action === 'isolate') {
      body.seconds = Number(this.seconds.value);
    }
    const headers = {'Content-Type': 'application/json'};
    const token = this.token.value.trim();
    if (token) {
      headers.Authorization = `Bearer ${token}`;
    }
    button.disabled = true;
    this.show('pending', `${action} ${node}…`);
    try {
      const response = await fetch(`api/chaos/${encodeURIComponent(action)}`, {
        method: 'POST', headers, body: JSON.stringify(body), credentials: 'omit', cache: 'no-store'});
      const text = await response.text();
      if (response.ok) {
        let summary = text;
        try {
          const accepted = JSON.parse(text);
          summary = `${response.status} accepted: ${accepted.action} ${accepted.node} (${accepted.method}), `
            + `id ${accepted.id}`;
        } catch (ignored) {
          // not JSON: show it as it came
        }
        this.show('accepted', summary);
      } else {
        this.show('refused', `${response.status} ${errorText(text)}`);
      }
    } catch (error) {
      this.show('refused', `the monitor did not answer: ${error.message}`);
    } finally {
      button.disabled = false;
    }
  }

  show(outcome, text) {
    this.result.dataset.outcome = outcome;
    this.result.textContent = text;
  }
}

/** The endpoint's error as it wrote it ({"status": n, "error": "..."}), or the raw body. */
function errorText(text) {
  try {
    const body = JSON.parse(text);
    if (body && typeof body.error === 'string') {
      return body.error;
    }
  } catch (ignored) {
    // not JSON
  }
  return text;
}
