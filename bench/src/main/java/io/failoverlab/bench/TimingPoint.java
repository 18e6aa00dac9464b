package io.failoverlab.bench;

import io.vertx.core.json.JsonObject;

/** One point of the timing curve: a cluster of {@code shape} running {@code server} with node timeout {@code nodeTimeoutMs}. */
record TimingPoint(int nodeTimeoutMs, TimingShape shape, RedisServerChoice server) {

  String describe() {
    return "node timeout " + nodeTimeoutMs + " ms, " + shape + ", redis-server " + server;
  }

  JsonObject toJson() {
    return new JsonObject().put("nodeTimeoutMs", nodeTimeoutMs).put("shape", shape.toString())
        .put("redisServer", server.label());
  }
}
