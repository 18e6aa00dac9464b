package io.failoverlab.drill;

import io.failoverlab.measure.FailoverRecord;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One SLO a drill was asked to gate on, and whether it held. Unavailability is the worst single
 * failover's (a failover whose writer saw no outage counts 0); lost writes and healthy-shard errors are
 * totals over the whole drill.
 *
 * @param worstFailover the failover that set {@code actual} (unavailability), else null
 */
public record ThresholdCheck(String option, String measure, long limit, long actual, Integer worstFailover) {

  public boolean passed() {
    return actual <= limit;
  }

  /** "--max-unavailability-ms 1: worst write unavailability 2140 ms (failover 2) > 1" */
  public String describe() {
    return option + " " + limit + ": " + measure + " " + actual
        + (worstFailover == null ? "" : " (failover " + worstFailover + ")")
        + (passed() ? " <= " : " > ") + limit + (passed() ? ", met" : ", MISSED");
  }

  public JsonObject toJson() {
    return new JsonObject().put("option", option).put("measure", measure).put("limit", limit).put("actual", actual)
        .put("worstFailover", worstFailover).put("passed", passed());
  }

  /** The checks of the thresholds that were set, over the failovers that completed. */
  static List<ThresholdCheck> evaluate(DrillOptions options, List<FailoverRecord> rows) {
    List<ThresholdCheck> checks = new ArrayList<>();
    if (options.maxUnavailabilityMs() != null) {
      long worst = 0;
      Integer worstIndex = null;
      for (FailoverRecord row : rows) {
        Long value = row.durations().writeUnavailability();
        long ms = value == null ? 0 : value;
        if (worstIndex == null || ms > worst) {
          worst = ms;
          worstIndex = row.index();
        }
      }
      checks.add(new ThresholdCheck("--max-unavailability-ms", "worst write unavailability (ms)",
          options.maxUnavailabilityMs(), worst, worstIndex));
    }
    if (options.maxLostWrites() != null) {
      checks.add(new ThresholdCheck("--max-lost-writes", "lost acknowledged writes (total)", options.maxLostWrites(),
          rows.stream().mapToLong(FailoverRecord::lostWrites).sum(), null));
    }
    if (options.maxHealthyShardErrors() != null) {
      checks.add(new ThresholdCheck("--max-healthy-shard-errors", "errors on healthy shards (total)",
          options.maxHealthyShardErrors(), rows.stream().mapToLong(FailoverRecord::incidentHealthyShardErrors).sum(), null));
    }
    return checks;
  }
}
