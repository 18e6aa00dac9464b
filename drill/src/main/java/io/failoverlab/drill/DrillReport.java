package io.failoverlab.drill;

import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.JsonMaps;
import io.failoverlab.measure.ClientOutcome;
import io.failoverlab.measure.ClientTable;
import io.failoverlab.measure.TextTable;
import io.failoverlab.measure.FailoverRecord;
import io.failoverlab.measure.Stats;
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
    List<FailoverRecord> rows,
    List<ThresholdCheck> thresholds,
    Timeline.Data timeline,
    Clients clients) {

  /** The clients under test ({@code --clients}): each one's outcome per failover, and its configuration. */
  public record Clients(Map<String, List<ClientOutcome>> outcomes, Map<String, JsonObject> configurations) {

    public Clients {
      outcomes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
      configurations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(configurations));
    }

    public static Clients none() {
      return new Clients(Map.of(), Map.of());
    }

    public boolean any() {
      return !outcomes.isEmpty() || !configurations.isEmpty();
    }
  }

  /** Without clients under test. */
  public DrillReport(JsonObject settings, long startedAt, long finishedAt, String error, String clock,
                     Long pollIntervalMs, List<FailoverRecord> rows, List<ThresholdCheck> thresholds,
                     Timeline.Data timeline) {
    this(settings, startedAt, finishedAt, error, clock, pollIntervalMs, rows, thresholds, timeline, Clients.none());
  }

  /** The measures summarised, in table order: name in report.json, column title. */
  public static final List<Measure> MEASURES = List.of(
      new Measure("detection", "detection ms", row -> row.durations().detection()),
      new Measure("election", "election ms", row -> row.durations().election()),
      new Measure("clientRecoveryAfterPromotion", "client recovery ms", row -> row.durations().clientRecoveryAfterPromotion()),
      new Measure("writeUnavailability", "write unavail. ms", row -> row.durations().writeUnavailability()),
      new Measure("lostWrites", "lost writes", FailoverRecord::lostWrites),
      new Measure("healthyShardErrors", "healthy-shard errors", FailoverRecord::incidentHealthyShardErrors));

  public record Measure(String name, String title, Function<FailoverRecord, Long> value) {
  }

  public static final String DEFAULT_CLOCK =
      "monitor wall clock, epoch ms; topology timestamps precise to one poll interval";

  public DrillReport {
    settings = settings.copy();
    rows = List.copyOf(rows);
    thresholds = List.copyOf(thresholds);
    clients = clients == null ? Clients.none() : clients;
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

  public Map<String, Stats> summary() {
    Map<String, Stats> summary = new LinkedHashMap<>();
    for (Measure measure : MEASURES) {
      summary.put(measure.name(), Stats.of(rows.stream().map(measure.value()).toList()));
    }
    return summary;
  }

  public JsonObject toJson() {
    JsonArray failovers = new JsonArray();
    rows.forEach(row -> failovers.add(rowJson(row)));
    JsonObject summary = new JsonObject();
    // Whole milliseconds and counts, as the table prints them.
    summary().forEach((name, stats) -> summary.put(name, stats.toWholeJson()));
    summary.put("lostWritesTotal", rows.stream().mapToLong(FailoverRecord::lostWrites).sum())
        .put("unknownOutcomeWritesTotal", rows.stream().mapToLong(FailoverRecord::unknownOutcomeWrites).sum())
        .put("healthyShardErrorsTotal", rows.stream().mapToLong(FailoverRecord::incidentHealthyShardErrors).sum());
    JsonArray checks = new JsonArray();
    thresholds.forEach(check -> checks.add(check.toJson()));
    JsonObject json = new JsonObject()
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
    if (clients.any()) {
      json.put("clients", clientsJson());
    }
    return json;
  }

  /** The clients under test side by side (printed under the failover table, and in report.html). */
  public TextTable clientTable() {
    TextTable table = ClientTable.render("Clients under test (ms; lag: first success on the failed shard minus the "
        + "oracle's)", clients.outcomes(), clients.configurations());
    clients.configurations().forEach((client, configuration) -> {
      if (configuration.getString("failure") != null) {
        table.note("FAILED " + client + ": " + configuration.getString("failure"));
      }
    });
    return table;
  }

  /** Per client: its configuration and its outcome in each failover (report.json, only with --clients). */
  private JsonObject clientsJson() {
    JsonObject json = new JsonObject();
    java.util.Set<String> labels = new java.util.TreeSet<>(clients.configurations().keySet());
    labels.addAll(clients.outcomes().keySet());
    for (String label : labels) {
      JsonArray failovers = new JsonArray();
      clients.outcomes().getOrDefault(label, List.of()).forEach(o -> failovers.add(new JsonObject()
          .put("index", o.index()).put("fault", o.fault()).put("unavailabilityMs", o.unavailabilityMs())
          .put("lagMs", o.lagMs()).put("healthyShardErrors", o.healthyShardErrors()).put("lostWrites", o.lostWrites())
          .put("unknownOutcomes", o.unknownOutcomes()).put("longestCallMs", o.longestCallMs())
          .put("errorClasses", new JsonObject(new java.util.TreeMap<>(o.newErrorClasses())))));
      json.put(label, clients.configurations().getOrDefault(label, new JsonObject()).copy().put("failovers", failovers));
    }
    return json;
  }

  /** One failover in report.json: the fault, then what the monitor's incident says it caused. */
  static JsonObject rowJson(FailoverRecord row) {
    IncidentReport incident = row.incident();
    JsonArray moves = new JsonArray();
    if (incident != null) {
      incident.slotsMoved().forEach(move -> moves.add(move.toJson()));
    }
    return new JsonObject()
        .put("index", row.index())
        .put("action", row.action())
        .put("target", row.target())
        .put("shard", row.shard())
        .put("actedOn", row.fault().actedOn())
        .put("chaosId", row.fault().chaosId())
        .put("method", row.fault().method())
        .put("faultAt", row.faultAt())
        .put("incidentId", incident == null ? null : incident.id())
        .put("kind", incident == null ? null : incident.kind())
        .put("migration", incident == null || incident.migration() == null ? null : incident.migration().toJson())
        .put("incidentOpenedAt", incident == null ? null : incident.openedAt())
        .put("incidentClosedAt", incident == null ? null : incident.closedAt())
        .put("failedNode", incident == null ? null : incident.failedNode())
        .put("promotedNode", row.promoted())
        .put("milestones", row.milestones().toJson())
        .put("milestonePrecisionMs", JsonMaps.counts(incident == null ? Map.of() : incident.milestonePrecisionMs()))
        .put("explanation", new io.vertx.core.json.JsonArray(incident == null ? List.of() : incident.explanation()))
        .put("durationsMs", row.durations().toJson())
        .put("lostWrites", row.lostWrites())
        .put("unknownOutcomeWrites", row.unknownOutcomeWrites())
        .put("errorsByService", JsonMaps.countsByGroup(incident == null ? Map.of() : incident.errorsByService()))
        .put("healthyShardErrors", JsonMaps.counts(incident == null ? Map.of() : incident.healthyShardErrors()))
        .put("healthyShardErrorsTotal", row.incidentHealthyShardErrors())
        .put("slotsMoved", moves)
        .put("restoredAt", row.restoredAt())
        .put("healthyAt", row.healthyAt());
  }
}
