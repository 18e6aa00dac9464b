package io.failoverlab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.OutageEvent;
import io.failoverlab.common.contract.TopologyEvent;
import io.failoverlab.localcluster.LocalNode;
import io.failoverlab.localcluster.NodeState;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole lab in one JVM (local cluster on 7400-7405, node timeout 1000 ms, full coverage off),
 * taken through real failovers. Everything is observed the way a user would: the event bus contracts
 * and the monitor's HTTP API.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {

  private static final int BASE = 7400;
  private static final Duration FAILOVER = Duration.ofSeconds(30);

  private static Lab lab;
  private static EventLog log;
  private static WebClient http;
  private static final List<String> figures = new ArrayList<>();

  @BeforeAll
  static void startLab() throws Exception {
    LabOptions options = LabOptions.defaults().withPortBase(BASE).withNodeTimeoutMs(1000).withHttpPorts(0, 0, 0);
    Env env = new Env(Map.of("WRITER_RATE", "300", "READER_RATE", "300", "INCIDENT_QUIET_MS", "1500",
        "MONITOR_POLL_MS", "50",
        "KEY_PREFIX", "failoverit" + System.nanoTime()));
    lab = Lab.start(options, env).await(120, TimeUnit.SECONDS);
    log = EventLog.listen(lab.vertx());
    http = WebClient.create(lab.vertx());
    await().atMost(FAILOVER).until(() -> shardsServed("writer") == 3 && shardsServed("reader") == 3);
  }

  @AfterAll
  static void stopLab() throws Exception {
    System.out.println("FailoverIT figures (promotion as the monitor saw it -> first success on the failed shard):");
    figures.forEach(line -> System.out.println("  " + line));
    if (lab != null) {
      lab.stop().await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(1)
  void crashedMasterIsFailedOverAndBothClientsRecoverAfterThePromotion() throws Exception {
    for (int shard = 0; shard < 2; shard++) {
      Failover failover = failOver(shard, false);
      lab.cluster().restart(failover.master.port()).await(30, TimeUnit.SECONDS);
      await().atMost(FAILOVER).until(() -> log.firstTopology(failover.since, TopologyEvent.Type.DEMOTED,
          failover.master.address()).isPresent());
      lab.cluster().awaitHealthy(FAILOVER).await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(2)
  void hungMasterIsFailedOverAndComesBackAsAReplicaOfItsPromotedReplica() throws Exception {
    Failover failover = failOver(2, true);
    TopologyEvent demoted = await().atMost(FAILOVER).until(() -> log.firstTopology(failover.since,
        TopologyEvent.Type.DEMOTED, failover.master.address()), java.util.Optional::isPresent).get();
    assertThat(demoted.timestamp()).isGreaterThan(failover.promoted.timestamp());
    JsonObject oldMaster = node(topology(), failover.master.address());
    assertThat(oldMaster.getString("role")).isEqualTo("replica");
    assertThat(oldMaster.getString("master")).isEqualTo(failover.replica.address());
    lab.cluster().awaitHealthy(FAILOVER).await(60, TimeUnit.SECONDS);
  }

  @Test
  @Order(3)
  void stoppingTheLabLeavesNoRedisProcessAndNoTempDirectory() throws Exception {
    List<Long> pids = lab.cluster().nodes().stream().map(LocalNode::pid).toList();
    assertThat(lab.cluster().nodes()).allMatch(node -> node.state() == NodeState.RUNNING);
    lab.stop().await(60, TimeUnit.SECONDS);
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("redis pid %d alive", pid).isFalse();
    }
    try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertThat(tmp.map(p -> p.getFileName().toString()))
          .noneMatch(name -> name.startsWith("local-redis-cluster-" + BASE + "-"));
    }
    lab = null;
  }

  private record Failover(long since, LocalNode master, LocalNode replica, String shard, TopologyEvent promoted) {
  }

  /**
   * Fails the current master of the {@code index}-th shard and checks what every part saw: FAIL then
   * promotion of its replica; one outage per client on that shard only, ending after the promotion;
   * no errors on the healthy shards; an incident with its phases in order.
   */
  private Failover failOver(int index, boolean hang) throws Exception {
    JsonObject topology = topology();
    List<JsonObject> masters = new ArrayList<>();
    for (Object item : topology.getJsonArray("nodes")) {
      JsonObject node = (JsonObject) item;
      if ("master".equals(node.getString("role")) && node.getString("slots") != null && !node.getString("slots").isEmpty()) {
        masters.add(node);
      }
    }
    masters.sort((a, b) -> a.getString("slots").compareTo(b.getString("slots")));
    assertThat(masters).hasSize(3);
    JsonObject masterJson = masters.get(index);
    String shard = masterJson.getString("slots");
    LocalNode master = localNode(masterJson.getString("address"));
    LocalNode replica = null;
    for (Object item : topology.getJsonArray("nodes")) {
      JsonObject node = (JsonObject) item;
      if (master.address().equals(node.getString("master"))) {
        replica = localNode(node.getString("address"));
      }
    }
    assertThat(replica).as("replica of %s", master.address()).isNotNull();

    long since = System.currentTimeMillis();
    if (hang) {
      lab.cluster().hang(master.port(), Duration.ofSeconds(5)).await(30, TimeUnit.SECONDS);
    } else {
      lab.cluster().crash(master.port()).await(30, TimeUnit.SECONDS);
    }

    TopologyEvent failed = await().atMost(FAILOVER).until(() ->
        log.firstTopology(since, TopologyEvent.Type.NODE_FAIL, master.address()), java.util.Optional::isPresent).get();
    LocalNode newMaster = replica;
    TopologyEvent promoted = await().atMost(FAILOVER).until(() ->
        log.firstTopology(since, TopologyEvent.Type.PROMOTED, newMaster.address()), java.util.Optional::isPresent).get();
    assertThat(promoted.timestamp()).isGreaterThanOrEqualTo(failed.timestamp());
    assertThat(promoted.data().getString("slots")).isEqualTo(shard);

    long pollMs = topology.getLong("pollIntervalMs");
    for (String service : List.of("writer", "reader")) {
      OutageEvent end = await().atMost(FAILOVER).until(() -> log.outages(since, service,
              e -> e.phase() == OutageEvent.Phase.END && e.shard().equals(shard)),
          ends -> !ends.isEmpty()).get(0);
      // The monitor sees the promotion at a poll: up to one interval and one poll (a hung node costs a
      // command deadline) after it happened.
      assertThat(end.timestamp()).as("%s recovered after the promotion", service)
          .isGreaterThanOrEqualTo(promoted.timestamp() - monitorLateness(pollMs));
      assertThat(log.outages(since, service, e -> e.phase() == OutageEvent.Phase.START))
          .as("%s outages", service).hasSize(1).allMatch(e -> e.shard().equals(shard));
      figures.add(String.format("%s %s of %s: %s first success %+d ms after promotion; outage %d ms",
          hang ? "hang" : "crash", master.address(), shard, service, end.timestamp() - promoted.timestamp(),
          end.durationMs()));
    }
    // Both keep running, on every shard, and the healthy shards saw no error at all.
    long afterRecovery = System.currentTimeMillis();
    await().atMost(FAILOVER).until(() -> shardsServedSince(afterRecovery, "writer") == 3
        && shardsServedSince(afterRecovery, "reader") == 3);
    for (String service : List.of("writer", "reader")) {
      assertThat(log.errorsByShard(since, service).keySet()).as("%s shards with errors", service)
          .containsOnly(shard);
    }
    assertIncidentExplains(since, master, replica, shard);
    return new Failover(since, master, replica, shard, promoted);
  }

  private void assertIncidentExplains(long since, LocalNode master, LocalNode replica, String shard) throws Exception {
    JsonObject incident = await().atMost(FAILOVER).until(() -> latestIncident(since),
        found -> found != null && "closed".equals(found.getString("state")));
    JsonObject report = get("/api/incidents/" + incident.getString("id"));
    JsonObject milestones = report.getJsonObject("milestones");
    Long firstError = milestones.getLong("firstClientErrorAt");
    Long fail = milestones.getLong("failAgreedAt");
    Long promoted = milestones.getLong("promotedAt");
    Long writerRecovered = milestones.getLong("writerRecoveredAt");
    Long readerRecovered = milestones.getLong("readerRecoveredAt");
    assertThat(List.of(firstError, fail, promoted, writerRecovered, readerRecovered)).doesNotContainNull();
    assertThat(firstError).isLessThanOrEqualTo(fail);
    assertThat(fail).isLessThanOrEqualTo(promoted);
    long pollMs = report.getLong("pollIntervalMs");
    assertThat(writerRecovered).isGreaterThanOrEqualTo(promoted - monitorLateness(pollMs));
    assertThat(readerRecovered).isGreaterThanOrEqualTo(promoted - monitorLateness(pollMs));
    assertThat(report.getLong("closedAt")).isGreaterThanOrEqualTo(Math.max(writerRecovered, readerRecovered));
    assertThat(report.getString("failedNode")).isEqualTo(master.address());
    assertThat(report.getString("promotedNode")).isEqualTo(replica.address());
    JsonObject healthy = report.getJsonObject("healthyShardErrors");
    for (String service : healthy.fieldNames()) {
      assertThat(healthy.getLong(service)).as("healthy-shard errors of %s", service).isZero();
    }
    assertThat(report.getJsonArray("slotsMoved").getJsonObject(0).getString("slots")).isEqualTo(shard);
  }

  /** How much later than the fact the monitor may time it: a poll interval plus a poll bounded by the command deadline. */
  private static long monitorLateness(long pollMs) {
    return pollMs + 250 + 50;
  }

  private JsonObject latestIncident(long since) throws Exception {
    JsonArray incidents = getArray("/api/incidents");
    for (Object item : incidents) {
      JsonObject incident = (JsonObject) item;
      if (incident.getLong("openedAt") >= since) {
        return incident;
      }
    }
    return null;
  }

  private static LocalNode localNode(String address) {
    return lab.cluster().nodes().stream().filter(n -> n.address().equals(address)).findFirst().orElseThrow();
  }

  private static JsonObject node(JsonObject topology, String address) {
    for (Object item : topology.getJsonArray("nodes")) {
      if (address.equals(((JsonObject) item).getString("address"))) {
        return (JsonObject) item;
      }
    }
    throw new AssertionError("no node " + address + " in " + topology.encode());
  }

  private static long shardsServed(String service) {
    return shardsServedSince(0, service);
  }

  private static long shardsServedSince(long since, String service) {
    return log.stats.stream()
        .filter(s -> s.service().equals(service) && s.timestamp() > since)
        .flatMap(s -> s.succeededByShard().keySet().stream())
        .filter(shard -> !shard.equals("unknown"))
        .distinct().count();
  }

  private static JsonObject topology() throws Exception {
    JsonObject body = get("/api/topology");
    return body.containsKey("snapshot") ? body.getJsonObject("snapshot") : body;
  }

  private static JsonObject get(String path) throws Exception {
    var response = http.get(lab.monitor().httpPort(), "127.0.0.1", path).send().await(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static JsonArray getArray(String path) throws Exception {
    var response = http.get(lab.monitor().httpPort(), "127.0.0.1", path).send().await(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
    Object body = response.bodyAsJson(Object.class);
    if (body instanceof JsonObject object) {
      return object.getJsonArray("incidents");
    }
    return (JsonArray) body;
  }

}
