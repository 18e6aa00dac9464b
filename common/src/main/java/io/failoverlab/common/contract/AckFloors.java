package io.failoverlab.common.contract;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The writer's acknowledged counter values: for each key, the last INCR reply it got. Any later read
 * of that key from its master must be at least this value, or acknowledged writes were lost.
 * {@code generation} goes up each time the writer itself found a loss on the key and re-based its
 * floor on the lower value, so a reader does not count the same loss twice.
 */
public record AckFloors(String instance, long timestamp, Map<String, Floor> floors) {

  public record Floor(long value, int generation) {
  }

  public AckFloors {
    floors = Map.copyOf(floors);
  }

  public JsonObject toJson() {
    JsonObject byKey = new JsonObject();
    floors.forEach((key, floor) -> byKey.put(key, new JsonObject()
        .put("value", floor.value())
        .put("generation", floor.generation())));
    return new JsonObject()
        .put("instance", instance)
        .put("timestamp", timestamp)
        .put("floors", byKey);
  }

  public static AckFloors fromJson(JsonObject json) {
    Map<String, Floor> floors = new LinkedHashMap<>();
    JsonObject byKey = json.getJsonObject("floors", new JsonObject());
    for (String key : byKey.fieldNames()) {
      JsonObject floor = byKey.getJsonObject(key);
      floors.put(key, new Floor(floor.getLong("value"), floor.getInteger("generation")));
    }
    return new AckFloors(json.getString("instance"), json.getLong("timestamp"), floors);
  }
}
