package io.failoverlab.lab.reliability;

import io.failoverlab.measure.LedgerCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.ClientStats;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.metrics.MetricsSetup;
import io.failoverlab.localcluster.LocalNode;
import io.failoverlab.localcluster.NodeState;
import io.failoverlab.monitor.MonitorSettings;
import io.failoverlab.monitor.MonitorVerticle;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabOptions;
import io.failoverlab.testsupport.ClusterView;
import io.failoverlab.testsupport.RedisCli;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Compound faults against the whole lab (cluster on 7050-7055, node timeout 1000 ms): the services
 * must stay up, say what is happening, and recover by themselves, without a restart and without a
 * single blocked event loop.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityIT {

  private static final int BASE = 7050;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Set<String> ERROR_TYPES = Set.of("moved", "ask", "clusterdown", "tryagain", "connection",
      "timeout", "readonly", "loading", "other");

  private static BlockedThreadWatch blocked;
  /** The lost-writes scenario stops the writer to read its final ledger. */
  private static boolean writerStopped;
  private static Lab lab;
  private static WebClient http;
  private static final List<ClientStats> stats = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void startLab() throws Exception {
    blocked = BlockedThreadWatch.install();
    LabOptions options = LabOptions.defaults().withPortBase(BASE).withNodeTimeoutMs(1000).withHttpPorts(0, 0, 0);
    lab = Lab.start(options, new Env(Map.of("WRITER_RATE", "300", "READER_RATE", "300", "MONITOR_POLL_MS", "100",
        "INCIDENT_QUIET_MS", "1000", "KEY_PREFIX", "reliability" + System.nanoTime()))).await(120, TimeUnit.SECONDS);
    lab.vertx().eventBus().<JsonObject>consumer(io.failoverlab.common.contract.Addresses.CLIENT_STATS,
        m -> stats.add(ClientStats.fromJson(m.body()))).completion().await(10, TimeUnit.SECONDS);
    http = WebClient.create(lab.vertx());
  }

  @AfterAll
  static void stopLab() throws Exception {
    try {
      if (lab != null) {
        lab.stop().await(60, TimeUnit.SECONDS);
      }
      assertThat(blocked.warnings()).as("Vert.x blocked-thread warnings").isEmpty();
    } finally {
      blocked.close();
    }
  }

  @BeforeEach
  void healthy() throws Exception {
    lab.cluster().awaitHealthy(WAIT).await(90, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> (writerStopped || ready(lab.writer().httpPort())) && ready(lab.reader().httpPort()));
  }

  @Test
  @Order(1)
  void aMasterAndItsReplicaDownTogetherUncoverSlotsAndTrafficResumesWhenOneReturns() throws Exception {
    String master = masters().get(0);
    String replica = replicaOf(master);
    String shard = node(master).slots();
    lab.cluster().crash(port(replica)).await(30, TimeUnit.SECONDS);
    lab.cluster().crash(port(master)).await(30, TimeUnit.SECONDS);
    long since = System.currentTimeMillis();

    await().atMost(WAIT).until(() -> lab.monitor().latestSnapshot().uncoveredSlots() >= 5461);
    // The incident says why nothing will happen until a node returns.
    await().atMost(WAIT).until(() -> get(lab.monitor().httpPort(), "/api/incidents").bodyAsJsonObject()
        .getJsonArray("incidents").getJsonObject(0).getJsonArray("explanation").stream()
        .anyMatch(line -> String.valueOf(line).startsWith("No failover is possible: " + master + " has no live replica")));
    for (int service : List.of(lab.writer().httpPort(), lab.reader().httpPort())) {
      await().atMost(WAIT).until(() -> get(service, "/health/ready").statusCode() == 503);
      assertThat(get(service, "/health/live").statusCode()).isEqualTo(200);
      JsonObject redis = redisCheck(get(service, "/health/ready").bodyAsJsonObject());
      assertThat(redis.getJsonArray("shardsDown").getList()).as("readiness names the shard").contains(shard);
    }
    // Errors are classified, and the healthy shards keep being served (windows wholly after the crash).
    long windowAfter = System.currentTimeMillis() + 1100;
    await().atMost(WAIT).until(() -> System.currentTimeMillis() > windowAfter + 2000);
    assertThat(served(windowAfter, "writer")).isEqualTo(2);
    assertThat(served(windowAfter, "reader")).isEqualTo(2);
    assertThat(errorTypesSince(since)).isNotEmpty().allMatch(ERROR_TYPES::contains).doesNotContain("other");

    // The master comes back (empty: the lab keeps no data on disk) and its shard is served again.
    lab.cluster().restart(port(master)).await(30, TimeUnit.SECONDS);
    long back = System.currentTimeMillis();
    await().atMost(WAIT).until(() -> served(back, "writer") == 3 && served(back, "reader") == 3);
    lab.cluster().restart(port(replica)).await(30, TimeUnit.SECONDS);
  }

  @Test
  @Order(2)
  void theWholeClusterDownForSixtySecondsIsRiddenOutWithoutRestartingAService() throws Exception {
    List<String> deployments = List.copyOf(lab.vertx().deploymentIDs());
    for (LocalNode node : lab.cluster().nodes()) {
      lab.cluster().crash(node.port()).await(30, TimeUnit.SECONDS);
    }
    long downAt = System.currentTimeMillis();
    await().atMost(WAIT).until(() -> get(lab.writer().httpPort(), "/health/ready").statusCode() == 503);
    // Sixty seconds of nothing: the services keep trying, bounded, and stay alive.
    await().pollInterval(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(75))
        .until(() -> System.currentTimeMillis() - downAt >= 60_000
            && get(lab.writer().httpPort(), "/health/live").statusCode() == 200
            && get(lab.reader().httpPort(), "/health/live").statusCode() == 200
            && get(lab.monitor().httpPort(), "/health/live").statusCode() == 200);
    for (LocalNode node : lab.cluster().nodes()) {
      lab.cluster().restart(node.port()).await(30, TimeUnit.SECONDS);
    }
    long back = System.currentTimeMillis();
    lab.cluster().awaitHealthy(WAIT).await(90, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> served(back, "writer") == 3 && served(back, "reader") == 3
        && ready(lab.writer().httpPort()) && ready(lab.reader().httpPort()));
    assertThat(lab.vertx().deploymentIDs()).containsExactlyInAnyOrderElementsOf(deployments);
  }

  @Test
  @Order(3)
  void aHungMasterCostsCommandsTheirOwnDeadlineAndNothingMore() throws Exception {
    String master = masters().get(1);
    long since = System.currentTimeMillis();
    lab.cluster().hang(port(master), Duration.ofSeconds(4)).await(30, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> errorTypesSince(since).contains("timeout"));
    await().atMost(WAIT).until(() -> lab.cluster().nodes().stream().allMatch(n -> n.state() == NodeState.RUNNING));
    // No operation outlived its deadline (1000 ms) by more than scheduling slack.
    double worst = stats.stream().filter(s -> s.timestamp() >= since).mapToDouble(ClientStats::latencyMaxMs).max()
        .orElse(0);
    assertThat(worst).as("slowest operation during the hang, ms").isLessThan(1500);
  }

  @Test
  @Order(4)
  void writesLostToAStaleReplicaAreReportedAndMatchTheServer() throws Exception {
    String master = masters().get(2);
    String replica = replicaOf(master);
    JsonObject before = ledger();
    // The replica freezes, the master keeps acknowledging writes it never copies, then dies; the
    // replica wakes up in time to be promoted without them.
    lab.cluster().hang(port(replica), Duration.ofSeconds(2)).await(30, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> ledger().getLong("acknowledged") > before.getLong("acknowledged") + 200);
    lab.cluster().crash(port(master)).await(30, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> masters().contains(replica));
    await().atMost(WAIT).until(() -> totals(lab.writer().httpPort()).getLong("lostWrites") > 0
        && totals(lab.reader().httpPort()).getLong("lostWrites") > 0);
    long writerLost = totals(lab.writer().httpPort()).getLong("lostWrites");
    long readerLost = totals(lab.reader().httpPort()).getLong("lostWrites");

    // Independent check: stop the writer, then compare what it was acknowledged with what the
    // servers hold, key by key (fresh keys: every counter started at 0).
    lab.undeploy(lab.writer()).await(30, TimeUnit.SECONDS);
    writerStopped = true;
    LedgerCheck check = LedgerCheck.of(lab.writer().ledgerSnapshot(),
        key -> RedisCli.at(port(replica)).cluster().counter(key));
    long lostAtLeast = check.atLeast();
    long lostAtMost = check.atMost();
    System.out.printf("induced lost writes: writer %d, reader %d, independent check %d..%d%n", writerLost,
        readerLost, lostAtLeast, lostAtMost);
    assertThat(writerLost).isBetween(lostAtLeast, lostAtMost);
    // The reader judges against floors published once a second, so it can only see up to that much.
    assertThat(readerLost).isPositive().isLessThanOrEqualTo(lostAtMost);
    lab.cluster().restart(port(master)).await(30, TimeUnit.SECONDS);
  }

  @Test
  @Order(5)
  void withoutTheMonitorTheClientsCarryOnAndANewMonitorCatchesUp() throws Exception {
    lab.undeploy(lab.monitor()).await(30, TimeUnit.SECONDS);
    long since = System.currentTimeMillis();
    await().atMost(WAIT).until(() -> served(since + 1000, "reader") == 3);
    // The reader's own counters still agree between /stats and /metrics.
    JsonObject totals = totals(lab.reader().httpPort());
    String metrics = get(lab.reader().httpPort(), "/metrics").bodyAsString();
    long metricSuccesses = metricValue(metrics,
        "failoverlab_operations_total\\{client=\"failoverlab-router\",config=\"default\",error_type=\"none\",op=\"get\",outcome=\"success\",service=\"reader\"}");
    long statsSuccesses = totals(lab.reader().httpPort()).getLong("succeeded");
    assertThat(metricSuccesses).isBetween(totals.getLong("succeeded"), statsSuccesses);

    MonitorVerticle fresh = new MonitorVerticle(MonitorSettings.fromEnv(new Env(Map.of(
        "REDIS_NODES", String.join(",", lab.cluster().seedAddresses()), "HTTP_PORT", "0"))), MetricsSetup.newRegistry());
    lab.vertx().deployVerticle(fresh).await(30, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> fresh.latestSnapshot() != null && fresh.latestSnapshot().masters() == 3
        && fresh.latestSnapshot().nodes().size() == 6 && "ok".equals(fresh.latestSnapshot().clusterState()));
  }

  // ---- helpers

  private static boolean ready(int port) throws Exception {
    return get(port, "/health/ready").statusCode() == 200;
  }

  private static JsonObject redisCheck(JsonObject health) {
    for (Object check : health.getJsonArray("checks")) {
      JsonObject json = (JsonObject) check;
      if ("redis".equals(json.getString("id"))) {
        return json.getJsonObject("data");
      }
    }
    throw new AssertionError("no redis check in " + health.encode());
  }

  private static HttpResponse<Buffer> get(int port, String path) throws Exception {
    return http.get(port, "127.0.0.1", path).send().await(10, TimeUnit.SECONDS);
  }

  private static JsonObject totals(int port) throws Exception {
    return get(port, "/stats").bodyAsJsonObject().getJsonObject("totals");
  }

  private static JsonObject ledger() throws Exception {
    return get(lab.writer().httpPort(), "/api/ledger").bodyAsJsonObject();
  }

  /** Shards the service succeeded on in stats windows that ended after {@code since}. */
  private static long served(long since, String service) {
    return stats.stream().filter(s -> s.service().equals(service) && s.timestamp() > since)
        .flatMap(s -> s.succeededByShard().keySet().stream()).filter(s -> !s.equals("unknown")).distinct().count();
  }

  private static Set<String> errorTypesSince(long since) {
    Set<String> types = new java.util.TreeSet<>();
    stats.stream().filter(s -> s.timestamp() > since).forEach(s -> types.addAll(s.commandErrors().keySet()));
    return types;
  }

  private static List<String> masters() {
    return ClusterView.masters(lab.monitor().latestSnapshot());
  }

  private static String replicaOf(String master) {
    return ClusterView.replicaOf(lab.monitor().latestSnapshot(), master);
  }

  private static NodeStatus node(String address) {
    return ClusterView.node(lab.monitor().latestSnapshot(), address).orElseThrow();
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  private static long metricValue(String metrics, String series) {
    Matcher matcher = Pattern.compile("^" + series + " ([0-9.E+]+)$", Pattern.MULTILINE).matcher(metrics);
    assertThat(matcher.find()).as("series %s in /metrics", series).isTrue();
    return (long) Double.parseDouble(matcher.group(1));
  }
}
