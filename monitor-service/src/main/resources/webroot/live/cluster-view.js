// The cluster as one would draw it on a whiteboard: one column per shard, its master on top and its
// replicas below, replication links between them. Each node keeps its SVG element from one snapshot to
// the next, so a change is a transition: a promoted replica slides up into the master's place and
// glows, a failed master turns red and drops below it.

import {place, s} from './dom.js';
import {slotCount} from './format.js';

const BOX_H = 74;
const TOP = 46;          // first node's y inside a shard column
const LINK_GAP = 46;     // room between the master and the first replica for the links
const STACK_GAP = 14;    // between replicas
const COLUMN_GAP = 18;
const MIN_COLUMN = 250;
const PADDING = 14;
const PROMOTED_MS = 12000;
const UNASSIGNED = '(no shard)';

/** Flags as the page names them: Redis's fail? is PFAIL. */
export function flagsOf(node) {
  return (node.flags || []).map(flag => (flag === 'fail?' ? 'pfail' : flag));
}

/** Not serving: the monitor gets no answer, or the masters agreed it failed (PFAIL is only a suspicion). */
function isDown(node) {
  return !node.reachable || flagsOf(node).includes('fail');
}

function isFailed(node) {
  return isDown(node) || flagsOf(node).includes('pfail');
}

/** Top of the index-th node of a shard column: the master, a gap for the links, then its replicas. */
function nodeY(index) {
  return index === 0 ? TOP : TOP + BOX_H + LINK_GAP + (index - 1) * (BOX_H + STACK_GAP);
}

/** Rendered width of an SVG text element, or a guess while it is not laid out. */
function textWidth(text, guess) {
  try {
    const measured = text.getComputedTextLength();
    return measured > 0 ? measured : guess;
  } catch (notRendered) {
    return guess;
  }
}

/** First slot of a range list, for ordering shards left to right. */
function firstSlot(key) {
  const match = /^(\d+)/.exec(key || '');
  return match ? Number(match[1]) : Number.MAX_SAFE_INTEGER;
}

export class ClusterView {
  constructor(container, onSelect) {
    this.container = container;
    this.onSelect = onSelect;
    this.svg = null;
    this.nodeElements = new Map();   // node id -> <g>
    this.shardElements = new Map();  // shard key -> <g>
    this.shardOf = new Map();        // node id -> shard key, remembered so a failed master stays in its shard
    this.previousRole = new Map();   // node id -> role in the last snapshot
    this.promotedAt = new Map();     // node id -> epoch ms (browser clock) it was seen promoted
    this.selected = null;
    this.snapshot = null;
    window.addEventListener('resize', () => this.snapshot && this.render(this.snapshot));
    // Promotion glows fade out on their own: re-render when one expires.
    setInterval(() => {
      const now = Date.now();
      for (const [id, at] of this.promotedAt) {
        if (now - at > PROMOTED_MS) {
          this.promotedAt.delete(id);
          if (this.snapshot) {
            this.render(this.snapshot);
          }
        }
      }
    }, 1000);
  }

  select(address) {
    this.selected = address;
    if (this.snapshot) {
      this.render(this.snapshot);
    }
  }

  /**
   * A promotion the monitor announced (topology event) ageMs ago: glow even if the snapshot
   * showing it was missed, but not for old news (the recent events replayed at page load).
   */
  promoted(nodeId, ageMs) {
    if (nodeId && ageMs < PROMOTED_MS) {
      this.promotedAt.set(nodeId, Date.now() - Math.max(0, ageMs));
    }
  }

  update(snapshot) {
    for (const node of snapshot.nodes) {
      if (this.previousRole.get(node.id) === 'replica' && node.role === 'master' && node.slots) {
        this.promotedAt.set(node.id, Date.now());
      }
      this.previousRole.set(node.id, node.role);
    }
    this.snapshot = snapshot;
    this.render(snapshot);
  }

  /** Groups the nodes by shard: the owner of a slot range, its replicas, and its failed former owner. */
  shards(snapshot) {
    const byId = new Map(snapshot.nodes.map(node => [node.id, node]));
    for (const node of snapshot.nodes) {
      if (node.role === 'master' && node.slots) {
        this.shardOf.set(node.id, node.slots);
      }
    }
    for (const node of snapshot.nodes) {
      if (node.role === 'replica' && node.masterId) {
        const master = byId.get(node.masterId);
        const key = master && master.role === 'master' && master.slots ? master.slots : this.shardOf.get(node.masterId);
        if (key) {
          this.shardOf.set(node.id, key);
        }
      }
    }
    const groups = new Map();
    for (const node of snapshot.nodes) {
      const key = this.shardOf.get(node.id) || UNASSIGNED;
      if (!groups.has(key)) {
        groups.set(key, []);
      }
      groups.get(key).push(node);
    }
    for (const [key, members] of groups) {
      // The node serving the slots first, then live replicas, then the rest; ties by address.
      const rank = node => (node.role === 'master' && node.slots === key ? 0 : isFailed(node) ? 2 : 1);
      members.sort((a, b) => rank(a) - rank(b) || a.address.localeCompare(b.address, 'en', {numeric: true}));
      groups.set(key, members);
    }
    return [...groups.entries()].sort((a, b) => firstSlot(a[0]) - firstSlot(b[0]));
  }

  render(snapshot) {
    const shards = this.shards(snapshot);
    const width = Math.max(480, this.container.clientWidth || 900);
    // As many shard columns side by side as fit (a 6-master cluster wraps onto two rows).
    const columns = Math.max(1, Math.min(shards.length, Math.floor((width + COLUMN_GAP) / (MIN_COLUMN + COLUMN_GAP))));
    const columnWidth = (width - COLUMN_GAP * (columns - 1)) / columns;
    const deepest = Math.max(1, ...shards.map(([, members]) => members.length));
    const rowHeight = nodeY(deepest - 1) + BOX_H + PADDING + 4;
    const rows = Math.max(1, Math.ceil(shards.length / columns));
    const height = rows * rowHeight + (rows - 1) * COLUMN_GAP;

    if (!this.svg) {
      this.container.replaceChildren();
      this.svg = s('svg', {class: 'cluster-svg', role: 'img', 'aria-label': 'cluster topology'});
      this.shardLayer = s('g', {class: 'shards'});
      this.linkLayer = s('g', {class: 'links'});
      this.nodeLayer = s('g', {class: 'nodes'});
      this.svg.append(this.shardLayer, this.linkLayer, this.nodeLayer);
      this.container.append(this.svg);
    }
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.svg.setAttribute('width', width);
    this.svg.setAttribute('height', height);

    const positions = new Map();
    const seenShards = new Set();
    const seenNodes = new Set();
    const byId = new Map(snapshot.nodes.map(node => [node.id, node]));
    let masters = 0;
    let replicas = 0;

    shards.forEach(([key, members], position) => {
      const x = (position % columns) * (columnWidth + COLUMN_GAP);
      const top = Math.floor(position / columns) * (rowHeight + COLUMN_GAP);
      seenShards.add(key);
      const owner = members.find(node => node.role === 'master' && node.slots === key);
      const covered = owner && !isDown(owner);
      this.drawShard(key, x, top, columnWidth, rowHeight, covered, members.length);

      members.forEach((node, index) => {
        const y = top + nodeY(index);
        const boxX = x + PADDING;
        const boxW = columnWidth - 2 * PADDING;
        positions.set(node.id, {x: boxX, y, w: boxW});
        seenNodes.add(node.id);
        this.drawNode(node, key, boxX, y, boxW, byId);
        if (node.role === 'master' && node.slots && !isDown(node)) {
          masters += 1;
        } else if (node.role === 'replica') {
          replicas += 1;
        }
      });
    });

    for (const [key, element] of this.shardElements) {
      if (!seenShards.has(key)) {
        element.remove();
        this.shardElements.delete(key);
      }
    }
    for (const [id, element] of this.nodeElements) {
      if (!seenNodes.has(id)) {
        element.remove();
        this.nodeElements.delete(id);
      }
    }
    this.drawLinks(snapshot, positions);
    this.container.dataset.masters = String(masters);
    this.container.dataset.replicas = String(replicas);
    this.container.dataset.shards = String(shards.filter(([key]) => key !== UNASSIGNED).length);
  }

  drawShard(key, x, y, width, height, covered, size) {
    let group = this.shardElements.get(key);
    if (!group) {
      group = s('g', {class: 'shard', dataset: {shard: key}}, [
        s('rect', {class: 'shard-box', rx: 14, ry: 14}),
        s('text', {class: 'shard-title', x: 16, y: 26}),
        s('text', {class: 'shard-state', y: 26, 'text-anchor': 'end'}),
      ]);
      this.shardLayer.append(group);
      this.shardElements.set(key, group);
    }
    const [rect, title, state] = group.children;
    place(group, x, y);
    rect.setAttribute('width', width);
    rect.setAttribute('height', height - 4);
    title.textContent = key === UNASSIGNED ? 'no slots' : `shard ${key}`;
    state.setAttribute('x', width - 16);
    state.textContent = key === UNASSIGNED ? `${size} node${size === 1 ? '' : 's'}`
      : covered ? `${slotCount(key).toLocaleString('en-US')} slots` : 'no live master';
    group.classList.toggle('uncovered', key !== UNASSIGNED && !covered);
  }

  drawNode(node, shardKey, x, y, width, byId) {
    let group = this.nodeElements.get(node.id);
    if (!group) {
      group = s('g', {class: 'node', tabindex: 0, role: 'button'}, [
        s('rect', {class: 'select-ring', x: -5, y: -5, rx: 14, ry: 14, height: BOX_H + 10}),
        s('rect', {class: 'node-box', rx: 10, ry: 10, height: BOX_H}),
        s('rect', {class: 'role-pill', x: 12, y: 11, rx: 8, ry: 8, height: 17}),
        s('text', {class: 'role-text', x: 20, y: 23.5}),
        s('text', {class: 'address', x: 12, y: 48}),
        s('text', {class: 'detail', x: 12, y: 65}),
        s('g', {class: 'badges'}),
        s('title'),
      ]);
      group.addEventListener('click', () => this.onSelect(group.dataset.node));
      group.addEventListener('keydown', event => {
        if (event.key === 'Enter' || event.key === ' ') {
          this.onSelect(group.dataset.node);
        }
      });
      this.nodeLayer.append(group);
      this.nodeElements.set(node.id, group);
      // A node that appears fades in where it belongs instead of flying in from the corner.
      group.classList.add('entering');
      place(group, x, y);
      requestAnimationFrame(() => group.classList.remove('entering'));
    }
    const flags = flagsOf(node);
    const failed = flags.includes('fail');
    const suspected = flags.includes('pfail');
    const promoted = this.promotedAt.has(node.id) && node.role === 'master';
    const master = node.masterId ? byId.get(node.masterId) : null;
    const masterAddress = master ? master.address : node.master;

    Object.assign(group.dataset, {
      node: node.address,
      nodeId: node.id,
      role: node.role,
      flags: flags.join(' '),
      reachable: String(node.reachable),
      link: node.role === 'replica' ? (node.linkUp ? 'up' : 'down') : '',
      shard: shardKey,
      master: masterAddress || '',
      slots: node.slots || '',
      promoted: String(promoted),
    });
    group.setAttribute('aria-label', `${node.address} ${node.role}${failed ? ' failed' : ''}`);
    group.classList.toggle('master', node.role === 'master');
    group.classList.toggle('replica', node.role === 'replica');
    group.classList.toggle('failed', failed || !node.reachable);
    group.classList.toggle('suspected', suspected && !failed);
    group.classList.toggle('promoted', promoted);
    group.classList.toggle('selected', this.selected === node.address);
    place(group, x, y);

    const [ring, box, pill, roleText, address, detail, badges, tooltip] = group.children;
    ring.setAttribute('width', width + 10);
    box.setAttribute('width', width);
    const roleLabel = node.role === 'master' ? 'MASTER' : node.role === 'replica' ? 'REPLICA' : 'UNKNOWN';
    roleText.textContent = roleLabel;
    pill.setAttribute('width', textWidth(roleText, roleLabel.length * 8.2) + 17);
    address.textContent = node.address;
    detail.textContent = this.describe(node, masterAddress);
    tooltip.textContent = [`${node.address} (${node.id})`, `${node.role}${node.slots ? `, slots ${node.slots}` : ''}`,
      flags.length ? `flags: ${flags.join(', ')}` : 'no failure flags',
      node.reachable ? 'answers the monitor' : 'does not answer the monitor',
      `config epoch ${node.configEpoch}`, 'click to pick it for an action'].join('\n');

    const labels = [];
    if (promoted) {
      labels.push(['promoted', 'PROMOTED']);
    }
    if (failed) {
      labels.push(['fail', 'FAIL']);
    } else if (suspected) {
      labels.push(['pfail', 'PFAIL']);
    }
    if (!node.reachable) {
      // In a narrow box next to other badges, the short form.
      const room = width - 24 - Number(pill.getAttribute('width')) - labels.length * 50;
      labels.push(['unreachable', room > 125 ? 'UNREACHABLE' : 'DOWN']);
    }
    badges.replaceChildren();
    let right = width - 12;
    for (const [kind, label] of labels) {
      const text = s('text', {'text-anchor': 'middle', y: 23.5, text: label});
      const rect = s('rect', {y: 10, height: 19, rx: 9.5, ry: 9.5});
      badges.append(s('g', {class: `badge ${kind}`, dataset: {flag: kind}}, [rect, text]));
      const w = textWidth(text, label.length * 7.9) + 16;
      right -= w;
      rect.setAttribute('x', right);
      rect.setAttribute('width', w);
      text.setAttribute('x', right + w / 2);
      right -= 6;
    }
  }

  describe(node, masterAddress) {
    if (node.role === 'master') {
      if (node.slots) {
        return `slots ${node.slots}`;
      }
      return node.reachable ? 'master without slots' : 'no slots: replaced by its replica';
    }
    if (node.role === 'replica') {
      return `replica of ${masterAddress || '?'} · link ${node.linkUp ? 'up' : 'down'}`;
    }
    return node.reachable ? 'role unknown' : 'does not answer';
  }

  drawLinks(snapshot, positions) {
    const wanted = new Map();
    for (const node of snapshot.nodes) {
      if (node.role !== 'replica' || !node.masterId) {
        continue;
      }
      const from = positions.get(node.masterId);
      const to = positions.get(node.id);
      if (!from || !to) {
        continue;
      }
      const up = node.linkUp && node.reachable;
      // From the master's bottom edge to the replica's top edge, bending round boxes in between.
      const x1 = from.x + from.w / 2;
      const y1 = from.y + BOX_H;
      const x2 = to.x + to.w / 2;
      const y2 = to.y;
      const d = to.y > from.y + BOX_H
        ? `M${x1},${y1} C${x1},${y1 + 24} ${x2},${y2 - 24} ${x2},${y2}`
        : `M${from.x},${from.y + BOX_H / 2} C${from.x - 30},${from.y + BOX_H / 2} `
          + `${to.x - 30},${to.y + BOX_H / 2} ${to.x},${to.y + BOX_H / 2}`;
      wanted.set(`${node.id}>${node.masterId}`, {d, up});
    }
    const existing = new Map([...this.linkLayer.children].map(path => [path.dataset.key, path]));
    for (const [key, path] of existing) {
      const link = wanted.get(key);
      if (!link) {
        path.remove();
      } else if (path.getAttribute('d') !== link.d) {
        // Moved: draw it afresh once the nodes have slid into place.
        path.remove();
        existing.delete(key);
      } else {
        path.classList.toggle('up', link.up);
        path.classList.toggle('down', !link.up);
      }
    }
    for (const [key, link] of wanted) {
      if (!existing.has(key) || !existing.get(key).isConnected) {
        this.linkLayer.append(s('path', {class: `link fresh ${link.up ? 'up' : 'down'}`, d: link.d, dataset: {key}}));
      }
    }
  }
}
