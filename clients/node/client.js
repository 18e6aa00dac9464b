'use strict';
/*
 * ioredis's Cluster under test: the writer's workload, one JSON line per operation, in failover-lab's
 * client line protocol (docs/CLIENTS.md). Configuration from FAILOVERLAB_* environment variables; on
 * stdout a "hello" line with the library and its settings, then one "op" line per INCR (start and end
 * in epoch ms, outcome, reply or error), a "skip" line when a key's previous INCR is still in flight,
 * and a "beat" line every second. Asynchronous, as Node apps are: one command in flight per key, paced
 * to FAILOVERLAB_RATE over all keys.
 */
const { performance } = require('perf_hooks');
const Redis = require('ioredis');

// The library's own settings, per configuration, as the report prints them.
const CONFIGS = {
  // What ioredis's README gives for a cluster: new Redis.Cluster(seeds), nothing else set.
  default: {},
  // Fail fast on a dead or frozen node and follow a promotion at once (measured: docs/CLIENTS.md).
  tuned: {
    slotsRefreshTimeout: 250,       // a CLUSTER SLOTS that hangs is given up after 250 ms
    slotsRefreshInterval: 1000,     // and the slot map is re-read every second anyway
    retryDelayOnFailover: 20,       // a command that met a failed node is retried after 20 ms
    retryDelayOnClusterDown: 20,
    retryDelayOnTryAgain: 20,
    redisOptions: { connectTimeout: 250, commandTimeout: 300, maxRetriesPerRequest: 1 },
  },
};

const now = () => performance.timeOrigin + performance.now();
const emit = (record) => process.stdout.write(JSON.stringify(record) + '\n');

// The harness is gone (our stdout closed): nobody is measuring any more.
process.stdout.on('error', () => process.exit(0));
// The harness stopped us (our stdin closed): start no INCR, report those in flight, then exit, so
// every write we made is in its ledger (at most 1.5 s: its grace period is 2 s).
let stopping = false;
process.stdin.on('end', () => {
  stopping = true;
  setTimeout(() => process.exit(0), 1500);
});
process.stdin.resume();

function main() {
  const seeds = (process.env.FAILOVERLAB_SEEDS || '').split(',').filter(Boolean)
    .map((seed) => { const i = seed.lastIndexOf(':'); return { host: seed.slice(0, i), port: Number(seed.slice(i + 1)) }; });
  const keys = (process.env.FAILOVERLAB_KEYS || '').split(',').filter(Boolean);
  const rate = Number(process.env.FAILOVERLAB_RATE || '200');
  const config = process.env.FAILOVERLAB_CONFIG || 'default';
  if (!(config in CONFIGS)) {
    process.stderr.write(`unknown FAILOVERLAB_CONFIG '${config}' (expected ${Object.keys(CONFIGS).join(', ')})\n`);
    process.exit(2);
  }
  const settings = JSON.parse(JSON.stringify(CONFIGS[config]));
  const options = JSON.parse(JSON.stringify(settings));
  if (process.env.FAILOVERLAB_PASSWORD) {
    options.redisOptions = Object.assign({}, options.redisOptions, { password: process.env.FAILOVERLAB_PASSWORD });
  }
  const cluster = new Redis.Cluster(seeds, options);
  // Errors the library reports outside any command (reconnects): counted by its commands' failures.
  cluster.on('error', () => {});
  emit({ type: 'hello', client: 'ioredis', version: require('ioredis/package.json').version, config, settings });

  const busy = new Set();
  let index = 0;
  const intervalMs = rate > 0 ? 1000 / rate : 1;
  let due = now();
  const tick = () => {
    if (stopping) {
      if (busy.size === 0) process.exit(0);
      return;
    }
    // Start every key due by now, one per interval, never more than one interval's backlog.
    due = Math.max(due, now() - intervalMs);
    while (due <= now()) {
      due += intervalMs;
      const key = keys[index % keys.length];
      index += 1;
      if (busy.has(key)) {
        emit({ type: 'skip', key });
        continue;
      }
      busy.add(key);
      const start = now();
      cluster.incr(key).then(
        (value) => emit({ type: 'op', key, start, end: now(), ok: true, value }),
        (error) => emit({ type: 'op', key, start, end: now(), ok: false,
          error: error.message || String(error), errorClass: error.name || 'Error' }),
      ).finally(() => busy.delete(key));
    }
  };
  setInterval(tick, Math.max(1, Math.min(10, intervalMs)));
  setInterval(() => emit({ type: 'beat', t: now() }), 1000);
}

main();
