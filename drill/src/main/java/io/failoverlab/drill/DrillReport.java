package io.failoverlab.drill;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The outcome of a drill: its settings, one row per completed failover, the summary statistics, the
 * thresholds it was gated on, and the timeline the chart is drawn from. {@link #toJson()} is report.json.
 *
 * @param error why the drill stopped before its last failover, or null when it completed
 * @param clock what the timestamps are (the monitor's note: wall clock, precise to one poll interval)
 */
public record DrillReport(
    JsonObject settings,
    long startedAt,
    long finishedAt,
    String error,
    String clock,
    Long pollIntervalMs,
    List<FailoverRow> rows,
    List<ThresholdCheck> thresholds,
    Timeline.Data timeline) {

  /** The measures summarised, in table order: name in report.json, column title. */
  public static final List<Measure> MEASURES = List.of(
      new Measure("detection", "detection ms", row -> row.durations().detection()),
      new Measure("election", "election ms", row -> row.durations().election()),
      new Measure("clientRecoveryAfterPromotion", "client recovery ms", row -> row.durations().clientRecoveryAfterPromotion()),
      new Measure("writeUnavailability", "write unavail. ms", row -> row.durations().writeUnavailability()),
      new Measure("lostWrites", "lost writes", FailoverRow::lostWrites),
      new Measure("healthyShardErrors", "healthy-shard errors", FailoverRow::healthyShardErrorsTotal));

  public record Measure(String name, String title, Function<FailoverRow, Long> value) {
  }

  public static final String DEFAULT_CLOCK =
      "monitor wall clock, epoch ms; topology timestamps precise to one poll interval";

  public DrillReport {
    settings = settings.copy();
    rows = List.copyOf(rows);
    thresholds = List.copyOf(thresholds);
  }

  public boolean completed() {
    return error == null;
  }

  /** Completed every failover and met every threshold: exit code 0. */
  public boolean passed() {
    return completed() && thresholds.stream().allMatch(ThresholdCheck::passed);
  }

  public String status() {
    if (!completed()) {
      return "failed";
    }
    return passed() ? "passed" : "threshold_missed";
  }

  public Map<String, DurationStats> summary() {
    Map<String, DurationStats> summary = new LinkedHashMap<>();
    for (Measure measure : MEASURES) {
      summary.put(measure.name(), DurationStats.of(rows.stream().map(measure.value()).toList()));
    }
    return summary;
  }

  public JsonObject toJson() {
    JsonArray failovers = new JsonArray();
    rows.forEach(row -> failovers.add(row.toJson()));
    JsonObject summary = new JsonObject();
    summary().forEach((name, stats) -> summary.put(name, stats.toJson()));
    summary.put("lostWritesTotal", rows.stream().mapToLong(FailoverRow::lostWrites).sum())
        .put("unknownOutcomeWritesTotal", rows.stream().mapToLong(FailoverRow::unknownOutcomeWrites).sum())
        .put("healthyShardErrorsTotal", rows.stream().mapToLong(FailoverRow::healthyShardErrorsTotal).sum());
    JsonArray checks = new JsonArray();
    thresholds.forEach(check -> checks.add(check.toJson()));
    return new JsonObject()
        .put("status", status())
        .put("passed", passed())
        .put("error", error)
        .put("startedAt", startedAt)
        .put("finishedAt", finishedAt)
        .put("settings", settings.copy())
        .put("clock", clock)
        .put("pollIntervalMs", pollIntervalMs)
        .put("failoversCompleted", rows.size())
        .put("failovers", failovers)
        .put("summary", summary)
        .put("thresholds", checks)
        .put("timeline", timeline.toJson());
  }
}
