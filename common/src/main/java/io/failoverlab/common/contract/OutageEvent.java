package io.failoverlab.common.contract;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A client service's outage on one shard: {@code start} at the first failed command after a success
 * (timestamp = when that command was sent), {@code end} at the first success after errors
 * (timestamp = when the reply came). Shards are named by their slot ranges, stable across failover.
 */
public record OutageEvent(
    String service,
    String instance,
    Phase phase,
    String shard,
    long timestamp,
    long startedAt,
    long durationMs,
    Map<String, Long> errorsByType,
    long failedOperations) {

  public enum Phase { START, END }

  public OutageEvent {
    errorsByType = Map.copyOf(errorsByType);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("service", service)
        .put("instance", instance)
        .put("phase", phase.name().toLowerCase(java.util.Locale.ROOT))
        .put("shard", shard)
        .put("timestamp", timestamp)
        .put("startedAt", startedAt)
        .put("durationMs", durationMs)
        .put("errorsByType", JsonMaps.counts(errorsByType))
        .put("failedOperations", failedOperations);
  }

  public static OutageEvent fromJson(JsonObject json) {
    return new OutageEvent(
        json.getString("service"),
        json.getString("instance"),
        Phase.valueOf(json.getString("phase").toUpperCase(java.util.Locale.ROOT)),
        json.getString("shard"),
        json.getLong("timestamp"),
        json.getLong("startedAt"),
        json.getLong("durationMs", 0L),
        JsonMaps.counts(json.getJsonObject("errorsByType")),
        json.getLong("failedOperations", 0L));
  }
}
