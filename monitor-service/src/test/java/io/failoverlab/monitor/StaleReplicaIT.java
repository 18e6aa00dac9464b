package io.failoverlab.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.metrics.MetricsSetup;
import io.failoverlab.localcluster.LocalClusterConfig;
import io.failoverlab.testsupport.ClusterView;
import io.failoverlab.testsupport.RedisCli;
import io.failoverlab.testsupport.TestCluster;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A replica too stale to be elected (ports 7920-7925, node timeout 1000 ms, full coverage off): it is
 * cut off from its master by the kill endpoint's {@code isolate} action (through the event bus, as the
 * drill sends it), with cluster-replica-validity-factor 1 and repl-ping-replica-period 1 on the
 * replica, so after 4 s its data is older than 1000 x 1 + 1000 ms; then the master crashes. The masters agree it FAILed, the
 * replica refuses to be elected, the slots stay uncovered, and the incident says why; it closes when
 * the master comes back.
 */
class StaleReplicaIT {

  private static final int BASE = 7920;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static TestCluster redis;
  private static MonitorVerticle monitor;
  private static WebClient http;

  @BeforeAll
  static void start() throws Exception {
    redis = TestCluster.start(MetricsSetup.newVertx(MetricsSetup.newRegistry()), LocalClusterConfig.defaults()
        .withPortBase(BASE).withNodeTimeoutMs(1000).withRequireFullCoverage(false), Duration.ofSeconds(120));
    monitor = new MonitorVerticle(MonitorSettings.fromEnv(new Env(Map.of("REDIS_NODES", redis.seeds(),
        "HTTP_PORT", "0", "MONITOR_POLL_MS", "100", "INCIDENT_QUIET_MS", "1000"))), MetricsSetup.newRegistry());
    redis.vertx().deployVerticle(monitor).await(30, TimeUnit.SECONDS);
    http = WebClient.create(redis.vertx());
    await().atMost(WAIT).until(() -> monitor.latestSnapshot() != null
        && ClusterView.masters(monitor.latestSnapshot()).size() == 3 && monitor.latestSnapshot().uncoveredSlots() == 0);
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void aReplicaTooStaleToBeElectedLeavesItsShardUncoveredAndTheIncidentSaysWhy() throws Exception {
    String master = ClusterView.masters(monitor.latestSnapshot()).get(0);
    String replica = ClusterView.replicaOf(monitor.latestSnapshot(), master);
    RedisCli.at(port(replica)).ok("CONFIG", "SET", "cluster-replica-validity-factor", "1");
    RedisCli.at(port(replica)).ok("CONFIG", "SET", "repl-ping-replica-period", "1");
    JsonObject accepted = redis.vertx().eventBus().<JsonObject>request(Addresses.CHAOS,
        new ChaosRequest(ChaosRequest.Action.ISOLATE, replica, 30, "StaleReplicaIT").toJson())
        .await(10, TimeUnit.SECONDS).body();
    assertThat(accepted.getString("master")).isEqualTo(master);
    await().atMost(WAIT).until(() -> {
      NodeStatus node = ClusterView.node(monitor.latestSnapshot(), replica).orElseThrow();
      return !node.linkUp() && node.linkDownSeconds() != null && node.linkDownSeconds() >= 4;
    });

    monitor.faultInjected(new JsonObject().put("action", "crash").put("node", master));
    redis.cluster().crash(port(master)).await(20, TimeUnit.SECONDS);

    IncidentReport incident = awaitIncident(report -> master.equals(report.failedNode())
        && report.milestones().failAgreedAt() != null
        && report.explanation().stream().anyMatch(line -> line.startsWith("No failover has happened: replica "
            + replica + " is live")));
    System.out.println("MEASURED stale replica: " + String.join(" ", incident.explanation()));
    assertThat(incident.promotedNode()).isNull();
    assertThat(incident.open()).isTrue();
    // Long past any election it could have won: still a replica, the slots still uncovered.
    long failAt = incident.milestones().failAgreedAt();
    await().atMost(WAIT).until(() -> System.currentTimeMillis() > failAt + 3000);
    assertThat(ClusterView.node(monitor.latestSnapshot(), replica).orElseThrow().role()).isEqualTo("replica");
    assertThat(monitor.latestSnapshot().uncoveredSlots()).isPositive();

    // The master comes back and the incident closes (the replica is still cut off: it follows once that ends).
    redis.cluster().restart(port(master)).await(30, TimeUnit.SECONDS);
    IncidentReport closed = awaitIncident(report -> report.id().equals(incident.id()) && !report.open());
    assertThat(closed.promotedNode()).isNull();
  }

  private static IncidentReport awaitIncident(java.util.function.Predicate<IncidentReport> condition) {
    IncidentReport[] found = new IncidentReport[1];
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
      List<IncidentReport> list = http.get(monitor.httpPort(), "127.0.0.1", "/api/incidents").send()
          .await(10, TimeUnit.SECONDS).bodyAsJsonObject().getJsonArray("incidents").stream()
          .map(JsonObject.class::cast).map(IncidentReport::fromJson).toList();
      Optional<IncidentReport> match = list.stream().filter(condition).findFirst();
      match.ifPresent(report -> found[0] = report);
      return match.isPresent();
    });
    return found[0];
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }
}
