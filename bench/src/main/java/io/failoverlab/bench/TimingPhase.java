package io.failoverlab.bench;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.topology.ClusterNode;
import io.failoverlab.common.topology.ClusterNodesParser;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.localcluster.LocalClusterConfig;
import io.failoverlab.localcluster.LocalNode;
import io.failoverlab.localcluster.LocalRedisCluster;
import io.failoverlab.localcluster.NodeState;
import io.failoverlab.localcluster.RedisBinary;
import io.failoverlab.measure.Await;
import io.failoverlab.measure.MeasurementFailure;
import io.failoverlab.measure.Stats;
import io.failoverlab.router.SlotHash;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Measurement 10: for each point of the timing curve, a fresh local cluster of real redis-server
 * processes, then crash failovers one after another: SIGKILL of the current master of the next shard
 * (round robin in slot order) with a {@link TimingProbe} watching, then the victim restarted and the
 * cluster healthy and in sync before the next one. The calling thread blocks; it must not be a Vert.x thread.
 */
final class TimingPhase {

  /** What one point produced: the failovers measured (maybe fewer than asked, then with the error). */
  record PointResult(TimingPoint point, String binary, List<FailoverTiming> failovers, long elapsedMs, String error) {

    /** min / median / p95 / max of one phase over the point's failovers. */
    Stats stats(FailoverTiming.Phase phase) {
      return Stats.of(failovers.stream().map(phase::of).toList());
    }

    SpecWindow window(FailoverTiming.Phase phase) {
      return SpecWindow.of(phase, point.nodeTimeoutMs());
    }

    JsonObject toJson() {
      JsonArray list = new JsonArray();
      failovers.forEach(failover -> list.add(failover.toJson()));
      JsonObject phases = new JsonObject();
      for (FailoverTiming.Phase phase : FailoverTiming.Phase.values()) {
        SpecWindow window = window(phase);
        phases.put(phase.key(), stats(phase).toJson().put("expectedFromMs", window.from())
            .put("expectedToMs", window.to()));
      }
      return point.toJson().put("binary", binary).put("elapsedMs", elapsedMs).put("error", error)
          .put("phases", phases).put("failovers", list);
    }
  }

  /** Every point, in the order they ran, and the options that chose them. */
  record Result(TimingOptions options, Map<TimingPoint, PointResult> points) {

    /** The point's result; one that never ran (the phase failed first) is an empty result saying so. */
    PointResult of(TimingPoint point) {
      PointResult result = points.get(point);
      return result != null ? result : new PointResult(point, null, List.of(), 0, "not run");
    }

    JsonObject toJson() {
      JsonArray list = new JsonArray();
      points.values().forEach(point -> list.add(point.toJson()));
      return new JsonObject().put("options", options.toJson()).put("points", list);
    }

    List<String> errors() {
      return points.values().stream().filter(result -> result.error() != null)
          .map(result -> result.point().describe() + ": " + result.error()).toList();
    }
  }

  /** The probe's period between a reply and the next command of the same loop. */
  static final long PROBE_PERIOD_MS = 2;
  private static final Duration CLUSTER_START = Duration.ofSeconds(180);
  private static final Duration COMMAND_DEADLINE = Duration.ofSeconds(2);

  private final BenchOptions options;
  private final Env env;
  private final PrintWriter out;
  private final List<Path> extracted = new ArrayList<>();

  TimingPhase(BenchOptions options, Env env, PrintWriter out) {
    this.options = options;
    this.env = env;
    this.out = out;
  }

  Result run() {
    TimingOptions timing = options.timing();
    Map<TimingPoint, PointResult> results = new LinkedHashMap<>();
    Vertx vertx = Vertx.vertx();
    // The probe gets an event loop of its own: nothing else of the bench delays its stamps.
    Vertx probeVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    Map<RedisServerChoice, Path> binaries = new LinkedHashMap<>();
    long start = System.currentTimeMillis();
    try {
      List<TimingPoint> points = timing.points();
      for (int i = 0; i < points.size(); i++) {
        TimingPoint point = points.get(i);
        print("point " + (i + 1) + "/" + points.size() + ": " + point.describe() + ", " + timing.failovers()
            + " crash failovers");
        PointResult result = new Point(vertx, probeVertx, point, binaries).run();
        results.put(point, result);
        print("point " + (i + 1) + "/" + points.size() + " done in " + seconds(result.elapsedMs()) + " s"
            + (result.error() == null ? "" : "; failed: " + result.error()));
      }
      print("every point done in " + seconds(System.currentTimeMillis() - start) + " s");
    } finally {
      close(probeVertx);
      close(vertx);
      extracted.forEach(TimingPhase::deleteQuietly);
    }
    return new Result(timing, results);
  }

  /** One point: its cluster, its failovers. */
  private final class Point {

    private final Vertx vertx;
    private final Vertx probeVertx;
    private final TimingPoint point;
    private final Map<RedisServerChoice, Path> binaries;
    private final String label;
    /** The bench's own clients of the nodes, for CLUSTER NODES between failovers (never the probe's). */
    private final Map<Integer, Redis> clients = new LinkedHashMap<>();

    Point(Vertx vertx, Vertx probeVertx, TimingPoint point, Map<RedisServerChoice, Path> binaries) {
      this.vertx = vertx;
      this.probeVertx = probeVertx;
      this.point = point;
      this.binaries = binaries;
      this.label = "T=" + point.nodeTimeoutMs() + " " + point.shape() + " " + point.server();
    }

    PointResult run() {
      long start = System.currentTimeMillis();
      List<FailoverTiming> failovers = new ArrayList<>();
      String binary = null;
      String error = null;
      LocalRedisCluster cluster = null;
      try {
        cluster = LocalRedisCluster.create(vertx, config());
        Await.result(cluster.start(), CLUSTER_START, label + ": starting the cluster");
        RedisBinary running = cluster.binary();
        binary = running.version() + " (" + (point.server().isBundled() ? "bundled" : running.path()) + ")";
        print(label + ": " + point.shape().nodes() + " nodes on 127.0.0.1:" + cluster.config().portBase() + "-"
            + (cluster.config().portBase() + point.shape().nodes() - 1) + ", redis-server " + binary);
        for (int index = 1; index <= options.timing().failovers(); index++) {
          failovers.add(failover(cluster, index));
        }
      } catch (RuntimeException e) {
        error = MeasurementFailure.messageOf(e);
      } finally {
        clients.values().forEach(Redis::close);
        if (cluster != null) {
          try {
            Await.result(cluster.stop(), Duration.ofSeconds(60), label + ": stopping the cluster");
          } catch (MeasurementFailure e) {
            error = error != null ? error : e.getMessage();
          }
        }
      }
      return new PointResult(point, binary, List.copyOf(failovers), System.currentTimeMillis() - start, error);
    }

    private LocalClusterConfig config() {
      return LocalClusterConfig.defaults().withPortBase(options.portBase() + BenchOptions.TIMING_PORT_OFFSET)
          .withMasters(point.shape().masters()).withReplicasPerMaster(point.shape().replicas())
          .withNodeTimeoutMs(point.nodeTimeoutMs()).withRequireFullCoverage(false)
          .withRedisServerOverride(binary(point.server()));
    }

    /** The server's path; the bundled one is extracted once per run (as the lab does without another redis-server). */
    private Path binary(RedisServerChoice server) {
      if (!server.isBundled()) {
        return server.path();
      }
      return binaries.computeIfAbsent(server, bundled -> {
        // An empty environment: no REDIS_SERVER, no PATH, so the resolution falls back to the bundled binary.
        Path path = RedisBinary.resolve(Map.of(), null).path();
        extracted.add(path);
        return path;
      });
    }

    private FailoverTiming failover(LocalRedisCluster cluster, int index) {
      String step = label + " failover " + index + "/" + options.timing().failovers();
      ClusterRoles roles = settledRoles(cluster, step);
      List<ClusterRoles.Role> masters = roles.mastersBySlot();
      if (masters.size() != point.shape().masters()) {
        throw new MeasurementFailure(step + ": " + masters.size() + " masters with slots, expected "
            + point.shape().masters());
      }
      ClusterRoles.Role victim = masters.get((index - 1) % masters.size());
      List<HostAndPort> replicas = roles.replicasOf(victim.id()).stream().map(ClusterRoles.Role::address).toList();
      if (replicas.isEmpty()) {
        throw new MeasurementFailure(step + ": " + victim.address() + " has no replica to promote");
      }
      List<HostAndPort> others = masters.stream().filter(role -> role != victim).map(ClusterRoles.Role::address)
          .toList();
      String key = SlotHash.keyIn("bench:timing", RecoveryPhase.slots(victim.slots()));
      RedisSettings settings = RedisSettings.fromEnv(env.with(Map.of("REDIS_NODES",
          String.join(",", cluster.seedAddresses()))));
      TimingProbe probe = new TimingProbe(victim.id(), others, replicas, key, settings, PROBE_PERIOD_MS);
      String probeId = Await.result(probeVertx.deployVerticle(probe), Duration.ofSeconds(10), step + ": starting the probe");
      FailoverTiming timing;
      try {
        Await.until(vertx, step + ": the probe connected", Duration.ofSeconds(10), Bench.POLL,
            () -> probe.ready() ? null : "not every probed node answered yet (last error " + probe.lastError() + ")");
        long killAt = System.currentTimeMillis();
        Await.result(cluster.crash(victim.address().port()), Duration.ofSeconds(30), step + ": crash " + victim.address());
        // A failed election is retried after 4 x node timeout: leave room for a few.
        Duration deadline = options.phaseTimeout().plusMillis(8L * point.nodeTimeoutMs());
        Await.until(vertx, step + ": PFAIL, FAIL, promotion and a write", deadline, Bench.POLL,
            () -> probe.complete() ? null : "waiting for " + probe.missing());
        timing = probe.timing(index, victim.address(), killAt);
      } finally {
        Await.result(probeVertx.undeploy(probeId), Duration.ofSeconds(10), step + ": stopping the probe");
      }
      print(step + ": killed " + victim.address() + ", " + timing.promoted() + " promoted; ms after the kill: PFAIL "
          + FailoverTiming.Phase.PFAIL.of(timing) + ", FAIL " + FailoverTiming.Phase.DETECTION.of(timing)
          + ", promoted " + (timing.promotedAt() - timing.killAt()) + ", writable " + FailoverTiming.Phase.TOTAL.of(timing));
      restart(cluster, victim.address().port(), step);
      return timing;
    }

    private void restart(LocalRedisCluster cluster, int port, String step) {
      Await.result(cluster.restart(port), Duration.ofSeconds(60), step + ": restart " + port);
      Await.result(cluster.awaitHealthy(options.phaseTimeout()), options.phaseTimeout().plusSeconds(5),
          step + ": cluster healthy and in sync after the restart");
    }

    /** Waits until every node's view agrees with every node's own line, and returns those roles. */
    private ClusterRoles settledRoles(LocalRedisCluster cluster, String step) {
      AtomicReference<ClusterRoles> settled = new AtomicReference<>();
      Await.untilAsync(vertx, step + ": every node agreeing on every node's role", options.phaseTimeout(), Bench.POLL,
          () -> views(cluster).map(views -> {
            ClusterRoles roles = ClusterRoles.of(views);
            String problem = roles.disagreement(views);
            if (problem == null) {
              settled.set(roles);
            }
            return problem;
          }));
      return settled.get();
    }

    /** CLUSTER NODES of every running node, by its address. */
    private Future<Map<HostAndPort, List<ClusterNode>>> views(LocalRedisCluster cluster) {
      List<LocalNode> running = cluster.nodes().stream().filter(node -> node.state() == NodeState.RUNNING).toList();
      List<Future<List<ClusterNode>>> replies = running.stream().map(node -> client(node).send(
              Request.cmd(Command.CLUSTER).arg("NODES")).timeout(COMMAND_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .map(reply -> ClusterNodesParser.parse(reply.toString()))).toList();
      return Future.all(replies).map(all -> {
        Map<HostAndPort, List<ClusterNode>> views = new LinkedHashMap<>();
        for (int i = 0; i < running.size(); i++) {
          views.put(HostAndPort.parse(running.get(i).address()), replies.get(i).result());
        }
        return views;
      });
    }

    private Redis client(LocalNode node) {
      return clients.computeIfAbsent(node.port(), port -> Redis.createClient(vertx,
          new RedisOptions().setConnectionString("redis://" + node.address())));
    }
  }

  static String seconds(long millis) {
    return String.format(java.util.Locale.ROOT, "%.1f", millis / 1000.0);
  }

  private static void close(Vertx vertx) {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Best effort: the clusters are stopped already, and their processes are what mattered.
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (java.io.IOException ignored) {
      // A temp file left behind is harmless (and deleted on exit).
    }
  }

  private void print(String line) {
    out.println("bench: timing: " + line);
    out.flush();
  }
}
