package io.failoverlab.e2e;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** Prometheus's HTTP API: queries fail the test with Prometheus's own error when they are not valid. */
final class PrometheusApi {

  private final String base;

  PrometheusApi(String base) {
    this.base = base;
  }

  /** Instant query at the server's now: the result vector. */
  JsonArray query(String expr) {
    return data(Http.get(base + "/api/v1/query", Map.of("query", expr)), expr).getJsonArray("result");
  }

  /** Range query (epoch seconds, step in seconds): one matrix row per series. */
  JsonArray queryRange(String expr, long startSeconds, long endSeconds, int stepSeconds) {
    return data(Http.get(base + "/api/v1/query_range", Map.of("query", expr, "start", Long.toString(startSeconds),
        "end", Long.toString(endSeconds), "step", Integer.toString(stepSeconds))), expr).getJsonArray("result");
  }

  /** The rule groups Prometheus loaded, with each rule's health and query. */
  JsonArray ruleGroups() {
    return data(Http.get(base + "/api/v1/rules"), "rules").getJsonArray("groups");
  }

  /** Scrape targets, active ones. */
  JsonArray activeTargets() {
    return data(Http.get(base + "/api/v1/targets"), "targets").getJsonArray("activeTargets");
  }

  private static JsonObject data(Http.Response response, String what) {
    if (response.status() != 200) {
      throw new AssertionError("Prometheus refused " + what + ": HTTP " + response.status() + " " + response.body());
    }
    JsonObject body = response.json();
    if (!"success".equals(body.getString("status"))) {
      throw new AssertionError("Prometheus refused " + what + ": " + body.encode());
    }
    return body.getJsonObject("data");
  }
}
