package io.failoverlab.common.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One incident as the monitor correlated it: what failed, when each phase of the failover happened,
 * what the clients suffered. Published on {@link Addresses#INCIDENT} when it opens, at each milestone
 * and when it closes; served by the monitor's incident API.
 *
 * <p>Every time is the monitor's wall clock in epoch ms ({@code clock} says so in the JSON). Topology
 * milestones (suspected, FAIL agreed, promoted) are stamped by the monitor's probe of the suspected
 * shard, within one probe period (a few ms) of the fact, or, where the probe did not see one, by a
 * poll, within one poll interval; {@code milestonePrecisionMs} gives, per milestone, the period that
 * stamped it. Client milestones come from the clients' own outage events, so a duration between the
 * two kinds (e.g. {@code clientRecoveryAfterPromotion}) can be negative by at most that precision.
 * Milestones and durations are null until known. An incident is of kind "migration" when a
 * migrate action caused it ({@code migration} then says what it did to each client), else "failover".
 *
 * <p>{@code interrupted} is true for an incident that was still open when the monitor stopped: a monitor
 * with a journal restores it on restart closed, with the milestones it had, {@code closedAt} the time of
 * its last journaled update, and says so in its {@code explanation}. Absent in older JSON: false.
 */
public record IncidentReport(
    String id,
    State state,
    long openedAt,
    Long closedAt,
    String openedBy,
    String clock,
    long pollIntervalMs,
    Milestones milestones,
    Map<String, Long> milestonePrecisionMs,
    Durations durations,
    String failedNode,
    String failedShard,
    String promotedNode,
    List<SlotMove> slotsMoved,
    Map<String, Map<String, Long>> errorsByService,
    Map<String, Long> healthyShardErrors,
    long lostWrites,
    long unknownOutcomeWrites,
    List<OutageEvent> outages,
    List<TopologyEvent> events,
    long eventsDropped,
    List<String> explanation,
    MigrationSummary migration,
    boolean interrupted) {

  public static final String KIND_FAILOVER = "failover";
  public static final String KIND_MIGRATION = "migration";

  /** Of a failure, not a migration. */
  public IncidentReport(String id, State state, long openedAt, Long closedAt, String openedBy, String clock,
                        long pollIntervalMs, Milestones milestones, Map<String, Long> milestonePrecisionMs,
                        Durations durations, String failedNode, String failedShard, String promotedNode,
                        List<SlotMove> slotsMoved, Map<String, Map<String, Long>> errorsByService,
                        Map<String, Long> healthyShardErrors, long lostWrites, long unknownOutcomeWrites,
                        List<OutageEvent> outages, List<TopologyEvent> events, long eventsDropped,
                        List<String> explanation) {
    this(id, state, openedAt, closedAt, openedBy, clock, pollIntervalMs, milestones, milestonePrecisionMs, durations,
        failedNode, failedShard, promotedNode, slotsMoved, errorsByService, healthyShardErrors, lostWrites,
        unknownOutcomeWrites, outages, events, eventsDropped, explanation, null, false);
  }

  /**
   * This open incident closed as interrupted at {@code at} (its last known moment), with {@code why}
   * appended to its explanation; everything it had is kept.
   */
  public IncidentReport interrupted(long at, String why) {
    List<String> lines = new ArrayList<>(explanation);
    lines.add(why);
    return new IncidentReport(id, State.CLOSED, openedAt, Math.max(openedAt, at), openedBy, clock, pollIntervalMs,
        milestones, milestonePrecisionMs, durations, failedNode, failedShard, promotedNode, slotsMoved, errorsByService,
        healthyShardErrors, lostWrites, unknownOutcomeWrites, outages, events, eventsDropped, lines, migration, true);
  }

  /** "migration" or "failover". */
  public String kind() {
    return migration != null ? KIND_MIGRATION : KIND_FAILOVER;
  }

  public enum State {
    OPEN, CLOSED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * When each phase was reached, epoch ms, null until it was. {@code suspectedAt}: some other master
   * flagged the failed node PFAIL; {@code failAgreedAt}: FAIL; {@code promotedAt}: a replica took a
   * write for the failed node's slots (or, seen by a poll, claimed them).
   */
  public record Milestones(
      Long faultInjectedAt,
      Long firstClientErrorAt,
      Long suspectedAt,
      Long failAgreedAt,
      Long promotedAt,
      Long clusterOkAt,
      Long writerRecoveredAt,
      Long readerRecoveredAt) {

    public static final Milestones NONE = new Milestones(null, null, null, null, null, null, null, null);

    public JsonObject toJson() {
      return new JsonObject()
          .put("faultInjectedAt", faultInjectedAt)
          .put("firstClientErrorAt", firstClientErrorAt)
          .put("suspectedAt", suspectedAt)
          .put("failAgreedAt", failAgreedAt)
          .put("promotedAt", promotedAt)
          .put("clusterOkAt", clusterOkAt)
          .put("writerRecoveredAt", writerRecoveredAt)
          .put("readerRecoveredAt", readerRecoveredAt);
    }

    public static Milestones fromJson(JsonObject json) {
      JsonObject m = json == null ? new JsonObject() : json;
      return new Milestones(m.getLong("faultInjectedAt"), m.getLong("firstClientErrorAt"), m.getLong("suspectedAt"),
          m.getLong("failAgreedAt"),
          m.getLong("promotedAt"), m.getLong("clusterOkAt"), m.getLong("writerRecoveredAt"),
          m.getLong("readerRecoveredAt"));
    }
  }

  /**
   * Phase durations in ms, null until both ends are known. {@code detectionFrom} names the start of
   * {@code detection}: fault_injected, first_client_error or monitor (the monitor's first sight of the
   * failed node being unreachable or suspected), whichever was known, in that order of preference.
   */
  public record Durations(
      Long detection,
      String detectionFrom,
      Long election,
      Long clientRecoveryAfterPromotion,
      Long writeUnavailability) {

    public static final Durations NONE = new Durations(null, null, null, null, null);

    public JsonObject toJson() {
      return new JsonObject()
          .put("detection", detection)
          .put("detectionFrom", detectionFrom)
          .put("election", election)
          .put("clientRecoveryAfterPromotion", clientRecoveryAfterPromotion)
          .put("writeUnavailability", writeUnavailability);
    }

    public static Durations fromJson(JsonObject json) {
      JsonObject d = json == null ? new JsonObject() : json;
      return new Durations(d.getLong("detection"), d.getString("detectionFrom"), d.getLong("election"),
          d.getLong("clientRecoveryAfterPromotion"), d.getLong("writeUnavailability"));
    }
  }

  /** Slots that changed master: {@code slots} as Redis writes ranges, {@code from}/{@code to} node addresses. */
  public record SlotMove(String slots, String from, String to) {

    public JsonObject toJson() {
      return new JsonObject().put("slots", slots).put("from", from).put("to", to);
    }

    public static SlotMove fromJson(JsonObject json) {
      return new SlotMove(json.getString("slots"), json.getString("from"), json.getString("to"));
    }
  }

  public IncidentReport {
    milestones = milestones == null ? Milestones.NONE : milestones;
    milestonePrecisionMs = Map.copyOf(milestonePrecisionMs == null ? Map.of() : milestonePrecisionMs);
    durations = durations == null ? Durations.NONE : durations;
    slotsMoved = List.copyOf(slotsMoved);
    Map<String, Map<String, Long>> errors = new TreeMap<>();
    errorsByService.forEach((service, counts) -> errors.put(service, Map.copyOf(counts)));
    errorsByService = Map.copyOf(errors);
    healthyShardErrors = Map.copyOf(healthyShardErrors);
    outages = List.copyOf(outages);
    events = List.copyOf(events);
    explanation = explanation == null ? List.of() : List.copyOf(explanation);
  }

  public boolean open() {
    return state == State.OPEN;
  }

  public JsonObject toJson() {
    JsonArray moves = new JsonArray();
    slotsMoved.forEach(move -> moves.add(move.toJson()));
    JsonArray outageList = new JsonArray();
    outages.forEach(outage -> outageList.add(outage.toJson()));
    JsonArray eventList = new JsonArray();
    events.forEach(event -> eventList.add(event.toJson()));
    return new JsonObject()
        .put("id", id)
        .put("kind", kind())
        .put("state", state.label())
        .put("openedAt", openedAt)
        .put("closedAt", closedAt)
        .put("openedBy", openedBy)
        .put("clock", clock)
        .put("pollIntervalMs", pollIntervalMs)
        .put("milestones", milestones.toJson())
        .put("milestonePrecisionMs", JsonMaps.counts(milestonePrecisionMs))
        .put("durationsMs", durations.toJson())
        .put("failedNode", failedNode)
        .put("failedShard", failedShard)
        .put("promotedNode", promotedNode)
        .put("slotsMoved", moves)
        .put("errorsByService", JsonMaps.countsByGroup(errorsByService))
        .put("healthyShardErrors", JsonMaps.counts(healthyShardErrors))
        .put("lostWrites", lostWrites)
        .put("unknownOutcomeWrites", unknownOutcomeWrites)
        .put("outages", outageList)
        .put("events", eventList)
        .put("eventsDropped", eventsDropped)
        .put("explanation", new JsonArray(explanation))
        .put("migration", migration == null ? null : migration.toJson())
        .put("interrupted", interrupted);
  }

  public static IncidentReport fromJson(JsonObject json) {
    List<SlotMove> moves = new ArrayList<>();
    JsonArray moveList = json.getJsonArray("slotsMoved", new JsonArray());
    for (int i = 0; i < moveList.size(); i++) {
      moves.add(SlotMove.fromJson(moveList.getJsonObject(i)));
    }
    Map<String, Map<String, Long>> errors = new LinkedHashMap<>();
    JsonObject errorJson = json.getJsonObject("errorsByService", new JsonObject());
    for (String service : errorJson.fieldNames()) {
      errors.put(service, JsonMaps.counts(errorJson.getJsonObject(service)));
    }
    List<OutageEvent> outages = new ArrayList<>();
    JsonArray outageList = json.getJsonArray("outages", new JsonArray());
    for (int i = 0; i < outageList.size(); i++) {
      outages.add(OutageEvent.fromJson(outageList.getJsonObject(i)));
    }
    List<TopologyEvent> events = new ArrayList<>();
    JsonArray eventList = json.getJsonArray("events", new JsonArray());
    for (int i = 0; i < eventList.size(); i++) {
      events.add(TopologyEvent.fromJson(eventList.getJsonObject(i)));
    }
    return new IncidentReport(
        json.getString("id"),
        State.valueOf(json.getString("state").toUpperCase(Locale.ROOT)),
        json.getLong("openedAt"),
        json.getLong("closedAt"),
        json.getString("openedBy"),
        json.getString("clock"),
        json.getLong("pollIntervalMs"),
        Milestones.fromJson(json.getJsonObject("milestones")),
        JsonMaps.counts(json.getJsonObject("milestonePrecisionMs")),
        Durations.fromJson(json.getJsonObject("durationsMs")),
        json.getString("failedNode"),
        json.getString("failedShard"),
        json.getString("promotedNode"),
        moves,
        errors,
        JsonMaps.counts(json.getJsonObject("healthyShardErrors")),
        json.getLong("lostWrites", 0L),
        json.getLong("unknownOutcomeWrites", 0L),
        outages,
        events,
        json.getLong("eventsDropped", 0L),
        json.getJsonArray("explanation", new JsonArray()).stream().map(String::valueOf).toList(),
        json.getJsonObject("migration") == null ? null : MigrationSummary.fromJson(json.getJsonObject("migration")),
        json.getBoolean("interrupted", false));
  }
}
