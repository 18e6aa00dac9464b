package io.failoverlab.common.contract;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * One second of a client service's work. Counts are for the interval only; {@code totals} carries the
 * running totals since start (lost writes and the like) so a late listener still gets the whole story.
 */
public record ClientStats(
    String service,
    String instance,
    long timestamp,
    long intervalMs,
    long succeeded,
    long failed,
    long skipped,
    int inFlight,
    Map<String, Long> commandErrors,
    Map<String, Long> succeededByShard,
    Map<String, Long> commandErrorsByShard,
    double latencyP50Ms,
    double latencyP99Ms,
    double latencyMaxMs,
    List<String> shardsInOutage,
    Map<String, Long> totals) {

  public ClientStats {
    commandErrors = Map.copyOf(commandErrors);
    succeededByShard = Map.copyOf(succeededByShard);
    commandErrorsByShard = Map.copyOf(commandErrorsByShard);
    shardsInOutage = List.copyOf(shardsInOutage);
    totals = Map.copyOf(totals);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("service", service)
        .put("instance", instance)
        .put("timestamp", timestamp)
        .put("intervalMs", intervalMs)
        .put("succeeded", succeeded)
        .put("failed", failed)
        .put("skipped", skipped)
        .put("inFlight", inFlight)
        .put("commandErrors", JsonMaps.counts(commandErrors))
        .put("succeededByShard", JsonMaps.counts(succeededByShard))
        .put("commandErrorsByShard", JsonMaps.counts(commandErrorsByShard))
        .put("latencyP50Ms", latencyP50Ms)
        .put("latencyP99Ms", latencyP99Ms)
        .put("latencyMaxMs", latencyMaxMs)
        .put("shardsInOutage", JsonMaps.strings(shardsInOutage))
        .put("totals", JsonMaps.counts(totals));
  }

  public static ClientStats fromJson(JsonObject json) {
    return new ClientStats(
        json.getString("service"),
        json.getString("instance"),
        json.getLong("timestamp"),
        json.getLong("intervalMs"),
        json.getLong("succeeded"),
        json.getLong("failed"),
        json.getLong("skipped"),
        json.getInteger("inFlight"),
        JsonMaps.counts(json.getJsonObject("commandErrors")),
        JsonMaps.counts(json.getJsonObject("succeededByShard")),
        JsonMaps.counts(json.getJsonObject("commandErrorsByShard")),
        json.getDouble("latencyP50Ms"),
        json.getDouble("latencyP99Ms"),
        json.getDouble("latencyMaxMs"),
        JsonMaps.strings(json.getJsonArray("shardsInOutage")),
        JsonMaps.counts(json.getJsonObject("totals")));
  }
}
