package io.failoverlab.common.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Conversions between the payloads' maps and lists and JSON, shared by the contract records and by the
 * reports built from them (the drill's report.json). Keys come out sorted.
 */
public final class JsonMaps {

  private JsonMaps() {
  }

  public static JsonObject counts(Map<String, Long> counts) {
    JsonObject json = new JsonObject();
    new TreeMap<>(counts).forEach(json::put);
    return json;
  }

  /** Counts per key per group, e.g. errors by type per service. */
  public static JsonObject countsByGroup(Map<String, Map<String, Long>> groups) {
    JsonObject json = new JsonObject();
    new TreeMap<>(groups).forEach((group, counts) -> json.put(group, counts(counts)));
    return json;
  }

  public static Map<String, Long> counts(JsonObject json) {
    Map<String, Long> counts = new LinkedHashMap<>();
    if (json != null) {
      for (String key : json.fieldNames()) {
        counts.put(key, json.getLong(key));
      }
    }
    return counts;
  }

  static JsonArray strings(List<String> values) {
    return new JsonArray(new ArrayList<>(values));
  }

  static List<String> strings(JsonArray json) {
    List<String> values = new ArrayList<>();
    if (json != null) {
      for (int i = 0; i < json.size(); i++) {
        values.add(json.getString(i));
      }
    }
    return values;
  }
}
