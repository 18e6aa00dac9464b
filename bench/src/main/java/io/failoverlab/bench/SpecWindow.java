package io.failoverlab.bench;

import io.failoverlab.bench.FailoverTiming.Phase;

/**
 * What the Redis Cluster specification lets each phase of a crash failover take, for a node timeout
 * T (ms), on one machine (round trips well under a millisecond):
 * <ul>
 *   <li>PFAIL: [T, T + 200]. A node flags PFAIL once a ping has waited more than T for its pong. The
 *       dead master's link breaks at the kill and the next reconnect attempt (clusterCron, every
 *       100 ms) starts that ping's clock; the cron tick that compares it with T is another 100 ms.
 *   <li>detection (FAIL): [T, 1.5 T + 200]. FAIL needs the failure reports of a majority of masters,
 *       carried by gossip on pings; every node pings any node it has not heard from for T/2, so the
 *       reports of the masters that flagged PFAIL reach each other within T/2 of the later PFAIL.
 *   <li>election: [500, 1000 + rank x 1000 + 200]. A replica that sees FAIL waits 500 ms + random
 *       0-500 ms + rank x 1000 ms, then asks the masters for votes; it notices both moments on a
 *       clusterCron tick (2 x 100 ms). Rank is 0 here: rank counts the replicas with a larger
 *       replication offset, and nothing is written to the cluster while it is healthy, so the
 *       replicas of a master hold the same offset. A failed election is retried only after 4 T,
 *       and shows as an election far above the window.
 *   <li>to writable: [0, 10]. The winner becomes master and takes its master's slots in one step, so
 *       a write succeeds as soon as it is promoted; 10 ms is the probe's resolution (a command every
 *       2 ms plus its round trip on a busy machine).
 *   <li>total: the sums, [T + 500, 1.5 T + 1410].
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
      case PFAIL -> new SpecWindow(t, t + 2 * CRON_TICK_MS);
      case DETECTION -> new SpecWindow(t, t + t / 2 + 2 * CRON_TICK_MS);
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
