// Formatting of times, durations and counts for display.

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** Wall-clock time of an epoch-ms timestamp, HH:MM:SS.mmm in the browser's zone. */
export function clock(ms, withMillis = true) {
  if (ms === null || ms === undefined) {
    return '-';
  }
  const d = new Date(ms);
  const base = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMillis ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

/** A duration in ms as "850 ms", "2.39 s", "1 min 12 s". */
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) {
    return '-';
  }
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) {
    return `${sign}${Math.round(abs)} ms`;
  }
  if (abs < 60000) {
    return `${sign}${(abs / 1000).toFixed(abs < 10000 ? 2 : 1)} s`;
  }
  const minutes = Math.floor(abs / 60000);
  return `${sign}${minutes} min ${Math.round((abs - minutes * 60000) / 1000)} s`;
}

/** A count with thousands separators. */
export function count(n) {
  return n === null || n === undefined ? '-' : Number(n).toLocaleString('en-US');
}

/** A rate for an axis label: 0, 12, 1.2k, 34k. */
export function rate(n) {
  if (n >= 10000) {
    return `${Math.round(n / 1000)}k`;
  }
  if (n >= 1000) {
    return `${(n / 1000).toFixed(1)}k`;
  }
  return String(Math.round(n));
}

/** Number of slots in a Redis slot range list such as "0-5460 10922". */
export function slotCount(ranges) {
  if (!ranges) {
    return 0;
  }
  let total = 0;
  for (const part of String(ranges).split(/[\s,]+/)) {
    if (!part || part.startsWith('[')) {
      continue; // importing/migrating markers are not owned slots
    }
    const [from, to] = part.split('-').map(Number);
    if (Number.isFinite(from)) {
      total += (Number.isFinite(to) ? to : from) - from + 1;
    }
  }
  return total;
}
