package io.failoverlab.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.router.NodeLink;
import io.failoverlab.router.SlotHash;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.OutageEvent;
import io.failoverlab.common.contract.TopologyEvent;
import io.failoverlab.common.contract.TopologyEvent.Type;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.metrics.MetricsSetup;
import io.failoverlab.localcluster.LocalClusterConfig;
import io.failoverlab.testsupport.TestCluster;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The monitor against a real local cluster (ports 7100-7105, node timeout 1500 ms, full coverage
 * off): a crashed master and a hung master, each failed over, each coming back as a replica. The
 * tests share one cluster and run in order; each starts by waiting for the cluster to be healthy.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitorVerticleIT {

  private static final int PORT_BASE = 7100;
  private static final int NODE_TIMEOUT_MS = 1500;
  private static final int POLL_MS = 100;
  private static final int COMMAND_TIMEOUT_MS = 250;
  /** A reply's way back to an event loop, on a shared 2-core machine. */
  private static final long REPLY_SLACK_MS = 25;
  private static final Duration FAILOVER_WAIT = Duration.ofSeconds(30);

  private static PrometheusMeterRegistry registry;
  private static TestCluster redis;
  private static MonitorVerticle monitor;
  private static WebClient http;
  private static final List<TopologyEvent> events = new CopyOnWriteArrayList<>();
  private static final List<IncidentReport> published = new CopyOnWriteArrayList<>();
  private static final AtomicInteger snapshots = new AtomicInteger();

  @BeforeAll
  static void startClusterAndMonitor() throws Exception {
    registry = MetricsSetup.newRegistry();
    redis = TestCluster.start(MetricsSetup.newVertx(registry), LocalClusterConfig.defaults().withPortBase(PORT_BASE)
        .withNodeTimeoutMs(NODE_TIMEOUT_MS).withRequireFullCoverage(false), Duration.ofSeconds(120));
    EventBus bus = redis.vertx().eventBus();
    bus.<JsonObject>consumer(Addresses.TOPOLOGY_EVENT, message -> events.add(TopologyEvent.fromJson(message.body())))
        .completion().await(5, TimeUnit.SECONDS);
    bus.<JsonObject>consumer(Addresses.INCIDENT, message -> published.add(IncidentReport.fromJson(message.body())))
        .completion().await(5, TimeUnit.SECONDS);
    bus.<JsonObject>consumer(Addresses.TOPOLOGY_SNAPSHOT, message -> snapshots.incrementAndGet())
        .completion().await(5, TimeUnit.SECONDS);
    // One seed only: the monitor must find the other five nodes itself.
    Env env = new Env(Map.of("REDIS_NODES", "127.0.0.1:" + PORT_BASE, "HTTP_PORT", "0",
        "MONITOR_POLL_MS", Integer.toString(POLL_MS), "REDIS_COMMAND_TIMEOUT_MS", Integer.toString(COMMAND_TIMEOUT_MS),
        "INCIDENT_QUIET_MS", "1500"));
    monitor = new MonitorVerticle(MonitorSettings.fromEnv(env), registry);
    redis.vertx().deployVerticle(monitor).await(30, TimeUnit.SECONDS);
    http = WebClient.create(redis.vertx());
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (redis != null) {
      redis.close();
    }
    assertThat(redisServersOnOurPorts()).as("redis-server processes left on ports %d-%d", PORT_BASE, PORT_BASE + 5)
        .isEmpty();
  }

  @BeforeEach
  void clusterIsHealthy() throws Exception {
    // A test that failed half-way may have left a node down: the next one starts from a whole cluster.
    redis.restoreCrashedNodes(Duration.ofSeconds(60));
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      TopologySnapshot snapshot = monitor.latestSnapshot();
      return snapshot != null && snapshot.nodes().size() == 6 && snapshot.masters() == 3
          && snapshot.uncoveredSlots() == 0 && snapshot.nodes().stream().allMatch(NodeStatus::linkUp);
    });
  }

  @Test
  @Order(1)
  void monitorDiscoversTheWholeClusterFromOneSeedAndServesIt() throws Exception {
    TopologySnapshot snapshot = monitor.latestSnapshot();
    assertThat(snapshot.clusterState()).isEqualTo("ok");
    assertThat(snapshot.nodes()).extracting(NodeStatus::address).containsExactly("127.0.0.1:7100", "127.0.0.1:7101",
        "127.0.0.1:7102", "127.0.0.1:7103", "127.0.0.1:7104", "127.0.0.1:7105");
    assertThat(node(snapshot, 7103)).extracting(NodeStatus::role, NodeStatus::master)
        .containsExactly("replica", "127.0.0.1:7100");

    JsonObject topology = get("/api/topology").bodyAsJsonObject();
    assertThat(topology.getJsonObject("snapshot").getInteger("masters")).isEqualTo(3);
    assertThat(topology.getJsonArray("recentEvents")).isNotNull();

    HttpResponse<Buffer> ready = get("/health/ready");
    assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(200);
    String metrics = get("/metrics").bodyAsString();
    assertThat(metrics).contains("failoverlab_cluster_masters 3.0")
        .contains("failoverlab_node_role{node=\"127.0.0.1:7103\"} 0.0")
        .contains("failoverlab_topology_poll_duration_seconds_count");

    HttpResponse<Buffer> missing = get("/api/incidents/inc-999");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.bodyAsJsonObject().getString("error")).contains("inc-999");
    assertThat(get("/stats").bodyAsJsonObject().getJsonObject("poller").getLong("polls")).isPositive();
  }

  @Test
  @Order(2)
  void crashedMasterIsFailedOverAndComesBackAsAReplicaOfItsReplica() throws Exception {
    String shard = node(monitor.latestSnapshot(), 7100).slots();
    assertThat(shard).isNotEmpty();
    events.clear();
    // The test's own clock of the promotion: a write to the replica every 2 ms, its first acceptance.
    WriteOracle oracle = new WriteOracle(HostAndPort.parse("127.0.0.1:7103"), shard);
    monitor.faultInjected(new JsonObject().put("action", "crash").put("node", "127.0.0.1:7100"));
    long crashAt = System.currentTimeMillis();
    redis.cluster().crash(7100).await(20, TimeUnit.SECONDS);
    // What the writer would say (no writer in this module): its outage on the shard starts now.
    publishOutage(OutageEvent.Phase.START, shard, crashAt, crashAt);

    TopologyEvent fail = awaitEvent(Type.NODE_FAIL, "127.0.0.1:7100");
    TopologyEvent promoted = awaitEvent(Type.PROMOTED, "127.0.0.1:7103");
    long recoveredAt = System.currentTimeMillis();
    publishOutage(OutageEvent.Phase.END, shard, crashAt, recoveredAt);
    System.out.printf("MEASURED crash: crash_to_node_fail_ms=%d crash_to_promoted_ms=%d%n",
        fail.timestamp() - crashAt, promoted.timestamp() - crashAt);

    assertThat(indexOf(Type.NODE_UNREACHABLE, "127.0.0.1:7100")).isLessThan(indexOf(Type.NODE_FAIL, "127.0.0.1:7100"));
    assertThat(indexOf(Type.NODE_FAIL, "127.0.0.1:7100")).isLessThan(indexOf(Type.PROMOTED, "127.0.0.1:7103"));
    assertThat(fail.timestamp() - crashAt).as("FAIL needs the node timeout first").isGreaterThanOrEqualTo(NODE_TIMEOUT_MS);
    assertThat(promoted.data().getString("slots")).isEqualTo(shard);
    assertThat(promoted.data().getString("previousMaster")).isEqualTo("127.0.0.1:7100");

    JsonObject topology = get("/api/topology").bodyAsJsonObject();
    TopologySnapshot snapshot = TopologySnapshot.fromJson(topology.getJsonObject("snapshot"));
    assertThat(node(snapshot, 7103)).extracting(NodeStatus::role, NodeStatus::slots).containsExactly("master", shard);
    assertThat(node(snapshot, 7100).reachable()).isFalse();
    assertThat(node(snapshot, 7100).flags()).contains("fail");
    assertThat(topology.getJsonArray("recentEvents").stream().map(JsonObject.class::cast)
        .map(json -> json.getString("type"))).contains("node_fail", "promoted");

    IncidentReport incident = awaitIncident(report -> report.milestones().promotedAt() != null
        && report.milestones().writerRecoveredAt() != null);
    assertThat(incident.openedBy()).isEqualTo("fault_injected");
    assertThat(incident.failedNode()).isEqualTo("127.0.0.1:7100");
    assertThat(incident.failedShard()).isEqualTo(shard);
    assertThat(incident.promotedNode()).isEqualTo("127.0.0.1:7103");
    assertThat(incident.milestones().failAgreedAt()).isLessThan(incident.milestones().promotedAt());

    // The probe's clock: the promotion stamped between the oracle's last refused write and its first
    // accepted one, give or take the probe's own period, which the incident reports.
    await().atMost(FAILOVER_WAIT).until(() -> oracle.acceptedAt > 0);
    Map<String, Long> precision = incident.milestonePrecisionMs();
    long promotedAt = incident.milestones().promotedAt();
    System.out.printf("MEASURED crash clock: monitor_promoted_minus_oracle_ms=%d probe_precision_ms=%d "
            + "oracle_window_ms=%d poll_promoted_minus_oracle_ms=%d%n", promotedAt - oracle.acceptedAt,
        precision.get("promotedAt"), oracle.acceptedAt - oracle.refusedSentAt, promoted.timestamp() - oracle.acceptedAt);
    assertThat(precision).containsKeys("faultInjectedAt", "suspectedAt", "failAgreedAt", "promotedAt");
    assertThat(precision.get("promotedAt")).as("stamped by the probe, not a poll").isLessThan(POLL_MS);
    // The probe's last refused reply came before the oracle's accepted write (plus a reply's way back).
    assertThat(promotedAt).isBetween(oracle.refusedSentAt,
        oracle.acceptedAt + precision.get("promotedAt") + REPLY_SLACK_MS);
    assertThat(incident.milestones().suspectedAt()).isBetween(crashAt, incident.milestones().failAgreedAt());
    assertThat(incident.milestones().failAgreedAt() - crashAt).as("FAIL needs the node timeout first")
        .isGreaterThanOrEqualTo(NODE_TIMEOUT_MS);
    String metrics = get("/metrics").bodyAsString();
    assertThat(metrics).contains("failoverlab_monitor_probe_commands_total{command=\"write\",outcome=\"accepted\"} 1.0")
        .containsPattern("failoverlab_monitor_probe_commands_total\\{command=\"write\",outcome=\"(moved|connection|clusterdown)\"\\} [1-9]")
        .containsPattern("failoverlab_monitor_probe_commands_total\\{command=\"cluster_nodes\",outcome=\"accepted\"\\} [1-9]");
    oracle.close();
    assertThat(incident.milestones().faultInjectedAt()).isLessThanOrEqualTo(crashAt);
    assertThat(incident.durations().detectionFrom()).isEqualTo("fault_injected");
    assertThat(incident.durations().election()).isPositive();
    assertThat(incident.durations().writeUnavailability()).isEqualTo(recoveredAt - crashAt);
    assertThat(incident.slotsMoved()).containsExactly(
        new IncidentReport.SlotMove(shard, "127.0.0.1:7100", "127.0.0.1:7103"));
    assertThat(get("/api/incidents/" + incident.id()).bodyAsJsonObject().getString("failedNode"))
        .isEqualTo("127.0.0.1:7100");
    assertThat(published).anyMatch(report -> report.id().equals(incident.id()) && report.open());

    redis.cluster().restart(7100).await(30, TimeUnit.SECONDS);
    TopologyEvent demoted = awaitEvent(Type.DEMOTED, "127.0.0.1:7100");
    assertThat(demoted.data().getString("master")).isEqualTo("127.0.0.1:7103");
    await().atMost(FAILOVER_WAIT).until(() -> published.stream()
        .anyMatch(report -> report.id().equals(incident.id()) && !report.open()));
    assertThat(get("/metrics").bodyAsString()).containsPattern("failoverlab_failovers_total [1-9]");
    // Back to the poll's pace: nothing probed while nothing is wrong.
    await().atMost(FAILOVER_WAIT).until(() ->
        get("/stats").bodyAsJsonObject().getJsonObject("probe").getJsonArray("watching").isEmpty());
    long commands = get("/stats").bodyAsJsonObject().getJsonObject("probe").getLong("commands");
    long pollsBefore = get("/stats").bodyAsJsonObject().getJsonObject("poller").getLong("polls");
    await().atMost(FAILOVER_WAIT).until(() ->
        get("/stats").bodyAsJsonObject().getJsonObject("poller").getLong("polls") >= pollsBefore + 5);
    assertThat(get("/stats").bodyAsJsonObject().getJsonObject("probe").getLong("commands")).isEqualTo(commands);
  }

  @Test
  @Order(3)
  void hungMasterIsFailedOverWithoutStallingThePolls() throws Exception {
    String shard = node(monitor.latestSnapshot(), 7101).slots();
    assertThat(shard).isNotEmpty();
    events.clear();
    int snapshotsBefore = snapshots.get();
    long hangAt = System.currentTimeMillis();
    Duration hang = Duration.ofSeconds(5);
    redis.cluster().hang(7101, hang).await(10, TimeUnit.SECONDS);

    TopologyEvent fail = awaitEvent(Type.NODE_FAIL, "127.0.0.1:7101");
    TopologyEvent promoted = awaitEvent(Type.PROMOTED, "127.0.0.1:7104");
    System.out.printf("MEASURED hang: hang_to_node_fail_ms=%d hang_to_promoted_ms=%d%n",
        fail.timestamp() - hangAt, promoted.timestamp() - hangAt);
    assertThat(promoted.data().getString("slots")).isEqualTo(shard);
    assertThat(promoted.data().getString("previousMaster")).isEqualTo("127.0.0.1:7101");
    assertThat(indexOf(Type.NODE_UNREACHABLE, "127.0.0.1:7101")).isLessThan(indexOf(Type.NODE_FAIL, "127.0.0.1:7101"));

    TopologyEvent demoted = awaitEvent(Type.DEMOTED, "127.0.0.1:7101");
    long resumedBy = System.currentTimeMillis();
    assertThat(demoted.data().getString("master")).isEqualTo("127.0.0.1:7104");

    // A hung node costs one command deadline per poll, never a stalled poller.
    double expectedPolls = (resumedBy - hangAt) / (double) (POLL_MS + COMMAND_TIMEOUT_MS);
    assertThat(snapshots.get() - snapshotsBefore).isGreaterThanOrEqualTo((int) (expectedPolls * 0.6));
    long maxPollMs = get("/stats").bodyAsJsonObject().getJsonObject("poller").getLong("maxPollMs");
    System.out.printf("MEASURED hang: polls_during_hang=%d expected_at_least=%.0f max_poll_ms=%d%n",
        snapshots.get() - snapshotsBefore, expectedPolls * 0.6, maxPollMs);
    assertThat(maxPollMs).isLessThan(COMMAND_TIMEOUT_MS + 400);

    IncidentReport incident = awaitIncident(report -> "127.0.0.1:7101".equals(report.failedNode())
        && report.milestones().promotedAt() != null);
    assertThat(incident.openedBy()).isIn("node_unreachable", "node_pfail", "slots_uncovered");
    assertThat(incident.promotedNode()).isEqualTo("127.0.0.1:7104");
    assertThat(incident.milestones().failAgreedAt()).isLessThan(incident.milestones().promotedAt());
    assertThat(incident.durations().detectionFrom()).isEqualTo("monitor");
  }

  // ---- helpers

  /**
   * Writes to one replica every 2 ms, straight, until it takes one. The promotion happened after the
   * last refused write was sent ({@code refusedSentAt}) and before the accepted one's reply
   * ({@code acceptedAt}).
   */
  private static final class WriteOracle {
    private final NodeLink link;
    private final String key;
    private volatile boolean closed;
    volatile long refusedSentAt;
    volatile long acceptedAt;

    WriteOracle(HostAndPort replica, String slots) {
      link = new NodeLink(redis.vertx(), replica, RedisSettings.fromEnv(new Env(Map.of("REDIS_NODES",
          replica.toString()))), false);
      key = SlotHash.keyIn("it-oracle", TopologyFacts.slotsOf(slots));
      redis.vertx().runOnContext(v -> tick());
    }

    private void tick() {
      if (closed) {
        return;
      }
      long sentAt = System.currentTimeMillis();
      link.send(Request.cmd(Command.SET).arg(key).arg("1").arg("PX").arg(60_000), 200).onComplete(result -> {
        if (result.succeeded()) {
          acceptedAt = System.currentTimeMillis();
          return;
        }
        refusedSentAt = sentAt;
        redis.vertx().setTimer(2, id -> tick());
      });
    }

    void close() throws Exception {
      closed = true;
      link.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static void publishOutage(OutageEvent.Phase phase, String shard, long startedAt, long at) {
    redis.vertx().eventBus().publish(Addresses.CLIENT_OUTAGE, new OutageEvent("writer", "it-writer", phase, shard, at,
        startedAt, phase == OutageEvent.Phase.END ? at - startedAt : 0, Map.of("connection", 1L), 0).toJson());
  }

  private static TopologyEvent awaitEvent(Type type, String node) {
    await().atMost(FAILOVER_WAIT).pollInterval(Duration.ofMillis(20))
        .until(() -> indexOf(type, node) >= 0);
    return events.get(indexOf(type, node));
  }

  private static int indexOf(Type type, String node) {
    List<TopologyEvent> seen = new ArrayList<>(events);
    for (int i = 0; i < seen.size(); i++) {
      if (seen.get(i).type() == type && node.equals(seen.get(i).node())) {
        return i;
      }
    }
    return -1;
  }

  private static IncidentReport awaitIncident(java.util.function.Predicate<IncidentReport> condition) {
    List<IncidentReport> found = new ArrayList<>();
    await().atMost(FAILOVER_WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
      JsonArray list = get("/api/incidents").bodyAsJsonObject().getJsonArray("incidents");
      Optional<IncidentReport> match = list.stream().map(JsonObject.class::cast).map(IncidentReport::fromJson)
          .filter(condition).findFirst();
      match.ifPresent(found::add);
      return match.isPresent();
    });
    return found.get(0);
  }

  private static HttpResponse<Buffer> get(String path) throws Exception {
    return http.get(monitor.httpPort(), "127.0.0.1", path).send().await(10, TimeUnit.SECONDS);
  }

  private static NodeStatus node(TopologySnapshot snapshot, int port) {
    return snapshot.nodes().stream().filter(node -> node.address().equals("127.0.0.1:" + port)).findFirst()
        .orElseThrow(() -> new AssertionError("no node on port " + port + " in " + snapshot.nodes()));
  }

  /** Command lines of live processes that are a redis-server on one of our data ports. */
  private static List<String> redisServersOnOurPorts() throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(path -> path.getFileName().toString().matches("\\d+")).toList()) {
        String cmdline;
        try {
          cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException gone) {
          continue;
        }
        for (int port = PORT_BASE; port < PORT_BASE + 6; port++) {
          if (cmdline.contains("redis-server") && (cmdline.contains(":" + port + " ") || cmdline.contains("/" + port + "/"))) {
            found.add(proc.getFileName() + ": " + cmdline.strip());
          }
        }
      }
    }
    return found;
  }
}
