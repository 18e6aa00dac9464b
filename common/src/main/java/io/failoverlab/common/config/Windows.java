package io.failoverlab.common.config;

/**
 * The two time windows every service computes from its settings, in one place so that the router,
 * the monitor's poller and the readiness checks agree.
 */
public final class Windows {

  /** The least start-up window (ms), however short the command timeout. */
  static final long MIN_STARTUP_MS = 2000;
  /** The least readiness window (ms), however short the period. */
  static final long MIN_READINESS_MS = 3000;

  private Windows() {
  }

  /**
   * How long a service keeps asking for its first answer from the cluster before it starts without
   * one (and reports not ready): four command timeouts, because a cold JVM's first connection can
   * miss its deadline, so one timed-out attempt is not yet an answer.
   */
  public static long startupMs(long commandTimeoutMs) {
    return Math.max(MIN_STARTUP_MS, 4L * commandTimeoutMs);
  }

  /**
   * How recent the last reply from the cluster must be for a service to call Redis reachable: three
   * periods of whatever produces the replies (the topology refresh, the monitor's poll), so one
   * slow or missed round does not flip readiness.
   */
  public static long readinessMs(long periodMs) {
    return Math.max(MIN_READINESS_MS, 3L * periodMs);
  }
}
