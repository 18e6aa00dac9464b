package io.failoverlab.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The failover-timing curve (measurement 10): three axes, not their cross product. The node-timeout
 * axis runs every {@code nodeTimeoutsMs} with the first shape and the first redis-server; the binary
 * axis every server with {@code axisNodeTimeoutMs} and the first shape; the shape axis every shape
 * with {@code axisNodeTimeoutMs} and the first server. A point on two axes runs once.
 *
 * @param outDir where timing.html goes; null: the bench's work directory
 */
record TimingOptions(List<Integer> nodeTimeoutsMs, List<RedisServerChoice> servers, List<TimingShape> shapes,
                     int failovers, int axisNodeTimeoutMs, Path outDir) {

  TimingOptions {
    nodeTimeoutsMs = List.copyOf(nodeTimeoutsMs);
    servers = List.copyOf(servers);
    shapes = List.copyOf(shapes);
  }

  static final List<Integer> DEFAULT_NODE_TIMEOUTS_MS = List.of(500, 1000, 2000, 5000, 15000);
  static final List<RedisServerChoice> DEFAULT_SERVERS = List.of(RedisServerChoice.system(), RedisServerChoice.bundled());
  static final List<TimingShape> DEFAULT_SHAPES = List.of(new TimingShape(3, 1), new TimingShape(6, 1),
      new TimingShape(6, 2));

  List<TimingPoint> timeoutAxis() {
    return nodeTimeoutsMs.stream().map(t -> new TimingPoint(t, shapes.get(0), servers.get(0))).toList();
  }

  List<TimingPoint> serverAxis() {
    return servers.stream().map(server -> new TimingPoint(axisNodeTimeoutMs, shapes.get(0), server)).toList();
  }

  List<TimingPoint> shapeAxis() {
    return shapes.stream().map(shape -> new TimingPoint(axisNodeTimeoutMs, shape, servers.get(0))).toList();
  }

  /** Every point of the three axes, once, in the order they run. */
  List<TimingPoint> points() {
    Set<TimingPoint> points = new LinkedHashSet<>(timeoutAxis());
    points.addAll(serverAxis());
    points.addAll(shapeAxis());
    return new ArrayList<>(points);
  }

  /** Nodes of the largest cluster the run starts (its ports). */
  int largestCluster() {
    return shapes.stream().mapToInt(TimingShape::nodes).max().orElse(0);
  }

  JsonObject toJson() {
    return new JsonObject().put("nodeTimeoutsMs", new JsonArray(nodeTimeoutsMs))
        .put("redisServers", new JsonArray(servers.stream().map(RedisServerChoice::label).toList()))
        .put("shapes", new JsonArray(shapes.stream().map(TimingShape::toString).toList()))
        .put("failovers", failovers).put("axisNodeTimeoutMs", axisNodeTimeoutMs)
        .put("outDir", outDir == null ? null : outDir.toString());
  }
}
