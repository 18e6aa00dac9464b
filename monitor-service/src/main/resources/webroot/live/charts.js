// Live charts of each client service: operations per second, and failed commands per second by error
// type (stacked), over the last few minutes, from the ClientStats every client publishes once a second.
// Chaos actions and promotions are drawn across both as vertical markers.

import {h, replaceChildren, s} from './dom.js';
import {clock, rate} from './format.js';

/** The longest history shown; a page open for less shows what it has, at least MIN_WINDOW_MS. */
export const WINDOW_MS = 180000;
const MIN_WINDOW_MS = 60000;
const KEEP_MS = WINDOW_MS + 10000;
const LEFT = 46;
const RIGHT = 14;
const OPS_TOP = 30;
const PLOT_H = 64;
const ERR_TOP = OPS_TOP + PLOT_H + 20;
const AXIS_Y = ERR_TOP + PLOT_H;
const HEIGHT = AXIS_Y + 22;

/** Error types in the order they stack, with their colours (the metrics' error_type values). */
export const ERROR_TYPES = [
  ['moved', '#f59e0b'],
  ['ask', '#eab308'],
  ['clusterdown', '#dc2626'],
  ['tryagain', '#a855f7'],
  ['connection', '#e11d48'],
  ['timeout', '#0ea5e9'],
  ['readonly', '#14b8a6'],
  ['loading', '#84cc16'],
  ['other', '#64748b'],
];
const COLOURS = new Map(ERROR_TYPES);

export class StatsCharts {
  /**
   * @param containers  service name -> element
   * @param legend      element for the error-type legend
   * @param now         () => the monitor's current time (epoch ms), so the time axis follows its clock
   */
  constructor(containers, legend, now) {
    this.containers = containers;
    this.legend = legend;
    this.now = now;
    this.series = new Map([...containers.keys()].map(service => [service, new Map()])); // second -> point
    this.markers = [];
    setInterval(() => this.render(), 1000);
    window.addEventListener('resize', () => this.render());
  }

  /** One ClientStats message. Instances of the same service add up per second. */
  add(stats) {
    const series = this.series.get(stats.service);
    if (!series || !stats.intervalMs) {
      return;
    }
    const second = Math.floor(stats.timestamp / 1000);
    const perSecond = 1000 / stats.intervalMs;
    const point = series.get(second) || {t: second * 1000, ops: 0, errors: {}};
    point.ops += stats.succeeded * perSecond;
    for (const [type, n] of Object.entries(stats.commandErrors || {})) {
      const known = COLOURS.has(type) ? type : 'other';
      point.errors[known] = (point.errors[known] || 0) + n * perSecond;
    }
    series.set(second, point);
    const oldest = Math.floor((stats.timestamp - KEEP_MS) / 1000);
    for (const key of series.keys()) {
      if (key < oldest) {
        series.delete(key);
      }
    }
  }

  /** A vertical marker: kind is chaos or promoted. */
  mark(t, kind, label) {
    this.markers.push({t, kind, label});
    this.markers = this.markers.filter(marker => marker.t > t - KEEP_MS);
  }

  render() {
    const end = this.now();
    const oldest = Math.min(end, ...[...this.series.values()].flatMap(series => [...series.values()].map(p => p.t - 1000)));
    const start = end - Math.min(WINDOW_MS, Math.max(MIN_WINDOW_MS, end - oldest + 5000));
    const typesSeen = new Set();
    for (const [service, container] of this.containers) {
      const points = [...this.series.get(service).values()]
        .filter(point => point.t >= start - 1000)
        .sort((a, b) => a.t - b.t);
      points.forEach(point => Object.keys(point.errors).forEach(type => point.errors[type] > 0 && typesSeen.add(type)));
      container.dataset.points = String(points.length);
      this.draw(container, service, points, start, end);
    }
    this.drawLegend(typesSeen);
  }

  draw(container, service, points, start, end) {
    const width = Math.max(360, container.clientWidth || 800);
    const plotW = width - LEFT - RIGHT;
    const x = t => LEFT + ((t - start) / (end - start)) * plotW;
    const last = points[points.length - 1];
    const errorsOf = point => ERROR_TYPES.reduce((sum, [type]) => sum + (point.errors[type] || 0), 0);
    container.dataset.lastErrors = last ? String(Math.round(errorsOf(last))) : '0';
    // Headroom above the steady rate, for the marker labels.
    const maxOps = niceMax(1.3 * Math.max(10, ...points.map(point => point.ops)));
    const maxErr = niceMax(Math.max(10, ...points.map(errorsOf)));
    const yOps = v => OPS_TOP + PLOT_H - (v / maxOps) * PLOT_H;
    const yErr = v => ERR_TOP + PLOT_H - (v / maxErr) * PLOT_H;

    const parts = [];
    const clip = `clip-${service}`;
    parts.push(s('defs', {}, [s('clipPath', {id: clip}, [s('rect', {x: LEFT, y: 0, width: plotW, height: HEIGHT})])]));
    parts.push(s('text', {class: 'chart-title', x: 0, y: 16, text: service}));
    parts.push(s('text', {class: 'chart-now', x: width - RIGHT, y: 16, 'text-anchor': 'end',
      text: last ? `${rate(last.ops)} ops/s · ${rate(errorsOf(last))} errors/s` : 'waiting for stats…'}));

    // Grid, axes and labels.
    for (const [top, max, unit] of [[OPS_TOP, maxOps, 'ops/s'], [ERR_TOP, maxErr, 'errors/s']]) {
      parts.push(s('line', {class: 'grid', x1: LEFT, x2: width - RIGHT, y1: top, y2: top}));
      parts.push(s('line', {class: 'grid', x1: LEFT, x2: width - RIGHT, y1: top + PLOT_H / 2, y2: top + PLOT_H / 2}));
      parts.push(s('line', {class: 'axis', x1: LEFT, x2: width - RIGHT, y1: top + PLOT_H, y2: top + PLOT_H}));
      parts.push(s('text', {class: 'tick', x: LEFT - 6, y: top + 4, 'text-anchor': 'end', text: rate(max)}));
      parts.push(s('text', {class: 'tick', x: LEFT - 6, y: top + PLOT_H + 3, 'text-anchor': 'end', text: '0'}));
      parts.push(s('text', {class: 'unit', x: LEFT + 4, y: top + 11, text: unit}));
    }
    const tickMs = end - start > 100000 ? 30000 : 10000;
    for (let t = Math.ceil(start / tickMs) * tickMs; t <= end; t += tickMs) {
      parts.push(s('line', {class: 'grid vertical', x1: x(t), x2: x(t), y1: OPS_TOP, y2: AXIS_Y}));
      const tx = Math.min(Math.max(x(t), LEFT + 24), width - RIGHT - 24); // whole labels at both ends
      parts.push(s('text', {class: 'tick', x: tx, y: AXIS_Y + 14, 'text-anchor': 'middle', text: clock(t, false)}));
    }

    const plots = s('g', {'clip-path': `url(#${clip})`});
    if (points.length > 0) {
      // Each point covers the second before its timestamp: draw it as a step.
      const steps = value => points.flatMap(point => [[x(point.t - 1000), value(point)], [x(point.t), value(point)]]);
      const ops = steps(point => point.ops);
      plots.append(s('path', {class: 'ops-area', d: area(ops.map(([px, v]) => [px, yOps(v)]), yOps(0))}));
      plots.append(s('path', {class: 'ops-line', d: line(ops.map(([px, v]) => [px, yOps(v)]))}));
      let below = points.map(() => 0);
      for (const [type, colour] of ERROR_TYPES) {
        const above = points.map((point, i) => below[i] + (point.errors[type] || 0));
        if (above.some((v, i) => v > below[i])) {
          const top = points.flatMap((point, i) => [[x(point.t - 1000), yErr(above[i])], [x(point.t), yErr(above[i])]]);
          const bottom = points.flatMap((point, i) => [[x(point.t - 1000), yErr(below[i])], [x(point.t), yErr(below[i])]]);
          plots.append(s('path', {class: 'err-area', fill: colour, stroke: colour, dataset: {type},
            d: band(top, bottom)}));
        }
        below = above;
      }
    }
    // Markers: a line each (its details on hover); labels right of the line (left of it near the end),
    // newest first on up to three rows; a label that finds no room is left out, not drawn over another.
    const rows = [[], [], []];
    const labels = [];
    for (const marker of this.markers.filter(m => m.t >= start && m.t <= end).sort((a, b) => b.t - a.t)) {
      const mx = x(marker.t);
      plots.append(s('line', {class: `marker ${marker.kind}`, x1: mx, x2: mx, y1: OPS_TOP - 4, y2: AXIS_Y}, [
        s('title', {text: `${clock(marker.t)} ${marker.label}`}),
      ]));
      const w = marker.label.length * 6.2;
      const leftward = mx + 4 + w > width - RIGHT;
      const from = leftward ? mx - 4 - w : mx + 4;
      const to = from + w;
      const row = rows.findIndex(taken => taken.every(([a, b]) => to + 6 < a || from > b + 6));
      if (row < 0) {
        continue;
      }
      rows[row].push([from, to]);
      labels.push(s('text', {class: `marker-label ${marker.kind}`, x: leftward ? mx - 4 : mx + 4,
        y: OPS_TOP + 11 + row * 13, 'text-anchor': leftward ? 'end' : 'start', text: marker.label}));
    }
    parts.push(plots, ...labels);

    const svg = s('svg', {class: 'chart-svg', width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`,
      role: 'img', 'aria-label': `${service} operations and errors per second`}, parts);
    replaceChildren(container, [svg]);
  }

  drawLegend(typesSeen) {
    const items = [h('span', {class: 'legend-item'}, [h('span', {class: 'swatch ops'}), 'ops/s'])];
    for (const [type] of ERROR_TYPES.filter(([type]) => typesSeen.has(type))) {
      const swatch = h('span', {class: `swatch err-${type}`});
      items.push(h('span', {class: 'legend-item'}, [swatch, type]));
    }
    if (typesSeen.size === 0) {
      items.push(h('span', {class: 'legend-item muted', text: 'no errors in view'}));
    }
    items.push(h('span', {class: 'legend-item'}, [h('span', {class: 'line chaos'}), 'fault']));
    items.push(h('span', {class: 'legend-item'}, [h('span', {class: 'line promoted'}), 'promotion']));
    replaceChildren(this.legend, items);
  }
}

function niceMax(value) {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    if (value <= step * magnitude) {
      return step * magnitude;
    }
  }
  return 10 * magnitude;
}

function line(points) {
  return points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${px.toFixed(1)},${py.toFixed(1)}`).join('');
}

function area(points, base) {
  if (points.length === 0) {
    return '';
  }
  return `${line(points)}L${points[points.length - 1][0].toFixed(1)},${base}L${points[0][0].toFixed(1)},${base}Z`;
}

function band(top, bottom) {
  return `${line(top)}${bottom.slice().reverse().map(([px, py]) => `L${px.toFixed(1)},${py.toFixed(1)}`).join('')}Z`;
}
