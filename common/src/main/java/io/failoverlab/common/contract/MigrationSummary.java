package io.failoverlab.common.contract;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a migration did, in an incident of kind "migration" ({@link IncidentReport#migration()}).
 * Times are the monitor's epoch ms, null until reached. {@code firstRedirectAt} and
 * {@code clientsSettledAt} come from the clients' once-a-second stats, so they are precise to
 * {@code statsPrecisionMs} (the stats interval); the others are the monitor's own.
 *
 * @param actionId         the migrate action ("chaos-7")
 * @param state            running, done or failed (the last progress event)
 * @param startedAt        the action was accepted
 * @param firstRedirectAt  the start of the first second in which a client got an ASK, MOVED or TRYAGAIN
 * @param slotsOwnedAt     the target owned every slot (the last SETSLOT NODE answered)
 * @param clientsSettledAt the end of the first second after that with no redirect for any client
 * @param clients          per service (writer, reader, each client under test): what it went through
 */
public record MigrationSummary(String actionId, String from, String to, String slots, String state, int slotsDone,
                               int slotsTotal, long keysMoved, String error, Long startedAt, Long firstRedirectAt,
                               Long slotsOwnedAt, Long clientsSettledAt, long statsPrecisionMs,
                               Map<String, ClientEffect> clients) {

  /**
   * One client's share: redirects by type over the migration, operations that failed (what reached
   * the application), and its p99 latency in the second before the migration and the worst second
   * while it ran.
   */
  public record ClientEffect(long ask, long moved, long tryagain, long applicationErrors, Double latencyP99BeforeMs,
                             Double latencyP99DuringMs) {

    public JsonObject toJson() {
      return new JsonObject().put("ask", ask).put("moved", moved).put("tryagain", tryagain)
          .put("applicationErrors", applicationErrors).put("latencyP99BeforeMs", latencyP99BeforeMs)
          .put("latencyP99DuringMs", latencyP99DuringMs);
    }

    public static ClientEffect fromJson(JsonObject json) {
      return new ClientEffect(json.getLong("ask", 0L), json.getLong("moved", 0L), json.getLong("tryagain", 0L),
          json.getLong("applicationErrors", 0L), json.getDouble("latencyP99BeforeMs"),
          json.getDouble("latencyP99DuringMs"));
    }
  }

  public MigrationSummary {
    clients = Map.copyOf(clients);
  }

  public JsonObject toJson() {
    JsonObject byClient = new JsonObject();
    new TreeMap<>(clients).forEach((service, effect) -> byClient.put(service, effect.toJson()));
    return new JsonObject().put("actionId", actionId).put("from", from).put("to", to).put("slots", slots)
        .put("state", state).put("slotsDone", slotsDone).put("slotsTotal", slotsTotal).put("keysMoved", keysMoved)
        .put("error", error).put("startedAt", startedAt).put("firstRedirectAt", firstRedirectAt)
        .put("slotsOwnedAt", slotsOwnedAt).put("clientsSettledAt", clientsSettledAt)
        .put("statsPrecisionMs", statsPrecisionMs).put("clients", byClient);
  }

  public static MigrationSummary fromJson(JsonObject json) {
    Map<String, ClientEffect> clients = new TreeMap<>();
    JsonObject byClient = json.getJsonObject("clients", new JsonObject());
    byClient.fieldNames().forEach(service -> clients.put(service, ClientEffect.fromJson(byClient.getJsonObject(service))));
    return new MigrationSummary(json.getString("actionId"), json.getString("from"), json.getString("to"),
        json.getString("slots"), json.getString("state"), json.getInteger("slotsDone", 0),
        json.getInteger("slotsTotal", 0), json.getLong("keysMoved", 0L), json.getString("error"),
        json.getLong("startedAt"), json.getLong("firstRedirectAt"), json.getLong("slotsOwnedAt"),
        json.getLong("clientsSettledAt"), json.getLong("statsPrecisionMs", 0L), clients);
  }
}
