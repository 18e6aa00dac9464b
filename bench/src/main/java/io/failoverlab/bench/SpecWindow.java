package io.failoverlab.bench;

import io.failoverlab.bench.FailoverTiming.Phase;

/**
 * What the Redis Cluster specification lets each phase of a crash failover take, for a node timeout
 * T (ms), on one machine (round trips well under a millisecond). The rules it rests on: a node pings
 * every node it has not had a pong from for T/2 (besides a few random ones each second); it flags a
 * node PFAIL when a ping has waited more than T for its pong; a failure report travels as gossip on
 * pings; clusterCron checks all this every 100 ms (a "tick" below).
 * <ul>
 *   <li>PFAIL: [T, 1.5 T + 200]. At best the unanswered ping left at the kill; at worst it left T/2
 *       after the last pong (plus a tick), and is found late by a tick.
 *   <li>detection (FAIL): [T, 2 T + 300]. FAIL needs the reports of a majority of masters: a master
 *       that flagged PFAIL learns of the others' on their next ping to it, at most T/2 (plus a tick)
 *       after the last of them flagged PFAIL. At best every master flags PFAIL at T and they gossip at once.
 *   <li>election: [500, 1000 + rank x 1000 + 200]. A replica that sees FAIL waits 500 ms + random
 *       0-500 ms + rank x 1000 ms, then asks the masters for votes; it notices both moments on a tick
 *       (2 x 100 ms). Rank is 0 here: rank counts the replicas with a larger replication offset, and
 *       nothing is written to the cluster while it is healthy, so the replicas of a master hold the
 *       same offset. A failed election is retried only after 4 T, far above the window.
 *   <li>to writable: [0, 10]. The winner becomes master and takes its master's slots in one step, so
 *       a write succeeds as soon as it is promoted; 10 ms is the probe's resolution (a command every
 *       2 ms plus its round trip on a busy machine).
 *   <li>total: the sums, [T + 500, 2 T + 1510].
 * </ul>
 */
record SpecWindow(long from, long to) {

  static final long CRON_TICK_MS = 100;
  static final long ELECTION_DELAY_MIN_MS = 500;
  static final long ELECTION_DELAY_MAX_MS = 1000;
  static final long RANK = 0;
  static final long RANK_DELAY_MS = 1000;
  static final long PROBE_RESOLUTION_MS = 10;

  static SpecWindow of(Phase phase, int nodeTimeoutMs) {
    long t = nodeTimeoutMs;
    return switch (phase) {
      case PFAIL -> new SpecWindow(t, t + t / 2 + 2 * CRON_TICK_MS);
      case DETECTION -> new SpecWindow(t, 2 * t + 3 * CRON_TICK_MS);
      case ELECTION -> new SpecWindow(ELECTION_DELAY_MIN_MS,
          ELECTION_DELAY_MAX_MS + RANK * RANK_DELAY_MS + 2 * CRON_TICK_MS);
      case WRITABLE -> new SpecWindow(0, PROBE_RESOLUTION_MS);
      case TOTAL -> {
        SpecWindow detection = of(Phase.DETECTION, nodeTimeoutMs);
        SpecWindow election = of(Phase.ELECTION, nodeTimeoutMs);
        SpecWindow writable = of(Phase.WRITABLE, nodeTimeoutMs);
        yield new SpecWindow(detection.from + election.from + writable.from, detection.to + election.to + writable.to);
      }
    };
  }

  /** -1 below the window, 0 inside (bounds included), 1 above. */
  int compare(long value) {
    return value < from ? -1 : value > to ? 1 : 0;
  }

  @Override
  public String toString() {
    return from + "-" + to;
  }
}
