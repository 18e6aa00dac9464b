package io.failoverlab.measure;

import java.util.Map;

/**
 * What one client under test went through in one failover, from its own records.
 *
 * @param unavailabilityMs from the fault to its first INCR on the failed shard that started after the
 *                         fault had taken effect and succeeded; null if it did not recover by itself
 * @param lagMs            that moment minus the oracle's first success (negative: before the oracle saw it)
 * @param longestCallMs    its longest single INCR on the failed shard started from the fault on (a call
 *                         blocked on a frozen node shows here, not as an error)
 * @param restarted        whether it was restarted because it had not recovered in time
 * @param recoveredAfterRestart whether that helped (null when not restarted)
 * @param newErrorClasses  the exception types that reached the application, with counts
 */
public record ClientOutcome(String fault, int index, Double unavailabilityMs, Double lagMs, long healthyShardErrors,
                            long lostWrites, long unknownOutcomes, double longestCallMs, boolean restarted,
                            Boolean recoveredAfterRestart, Map<String, Long> newErrorClasses) {

  public ClientOutcome {
    newErrorClasses = Map.copyOf(newErrorClasses);
  }

  public boolean recovered() {
    return unavailabilityMs != null;
  }
}
