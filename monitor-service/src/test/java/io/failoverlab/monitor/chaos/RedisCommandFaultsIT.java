package io.failoverlab.monitor.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.metrics.MetricsSetup;
import io.failoverlab.localcluster.LocalClusterConfig;
import io.failoverlab.localcluster.LocalNode;
import io.failoverlab.localcluster.NodeState;
import io.failoverlab.monitor.MonitorSettings;
import io.failoverlab.monitor.MonitorVerticle;
import io.failoverlab.testsupport.ClusterView;
import io.failoverlab.testsupport.TestCluster;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The monitor's own way of causing faults, as it works against any cluster (compose, staging):
 * Redis commands only, no access to processes. A real local cluster on 7120-7125 plays that cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisCommandFaultsIT {

  private static final int BASE = 7120;
  private static final String TOKEN = "redis-command-faults-it-token";
  private static final Duration FAILOVER = Duration.ofSeconds(30);

  private static TestCluster redis;
  private static MonitorVerticle monitor;
  private static MonitorVerticle monitorWithoutToken;
  private static WebClient http;

  @BeforeAll
  static void start() throws Exception {
    PrometheusMeterRegistry registry = MetricsSetup.newRegistry();
    redis = TestCluster.start(MetricsSetup.newVertx(registry), LocalClusterConfig.defaults().withPortBase(BASE)
        .withNodeTimeoutMs(1000).withRequireFullCoverage(false), Duration.ofSeconds(120));
    String seeds = redis.seeds();
    monitor = new MonitorVerticle(MonitorSettings.fromEnv(new Env(Map.of("REDIS_NODES", seeds, "HTTP_PORT", "0",
        "MONITOR_POLL_MS", "100", "CHAOS_TOKEN", TOKEN))), registry);
    redis.vertx().deployVerticle(monitor).await(30, TimeUnit.SECONDS);
    monitorWithoutToken = new MonitorVerticle(MonitorSettings.fromEnv(new Env(Map.of("REDIS_NODES", seeds,
        "HTTP_PORT", "0"))), MetricsSetup.newRegistry());
    redis.vertx().deployVerticle(monitorWithoutToken).await(30, TimeUnit.SECONDS);
    http = WebClient.create(redis.vertx());
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
    }
  }

  @BeforeEach
  void healthy() throws Exception {
    redis.cluster().awaitHealthy(FAILOVER).await(60, TimeUnit.SECONDS);
    await().atMost(FAILOVER).until(() -> masters().size() == 3
        && monitor.latestSnapshot().nodes().stream().allMatch(NodeStatus::reachable));
  }

  @Test
  @Order(1)
  void withoutAConfiguredTokenTheEndpointIsOffAndSaysSo() throws Exception {
    HttpResponse<Buffer> response = http.post(monitorWithoutToken.httpPort(), "127.0.0.1", "/api/chaos/crash")
        .putHeader("Authorization", "Bearer anything-at-all-really")
        .sendBuffer(Buffer.buffer("{\"node\": \"" + masters().get(0) + "\"}")).await(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.bodyAsJsonObject().getString("error")).contains("CHAOS_TOKEN");
    assertThat(redis.cluster().nodes()).allMatch(node -> node.state() == NodeState.RUNNING);
  }

  @Test
  @Order(2)
  void restartIsNotPossibleOutsideTheLab() throws Exception {
    JsonObject error = post("restart", "{\"node\": \"" + masters().get(0) + "\"}", 501);
    assertThat(error.getString("error")).contains("only possible in the lab");
  }

  @Test
  @Order(3)
  void hangIsDebugSleepAndFailsTheMasterOver() throws Exception {
    String master = masters().get(0);
    String replica = replicaOf(master);
    JsonObject accepted = post("hang", "{\"node\": \"" + master + "\", \"seconds\": 4}", 202);
    assertThat(accepted.getString("method")).isEqualTo("DEBUG SLEEP 4 on the node");
    await().atMost(FAILOVER).until(() -> masters().contains(replica));
    // It wakes up by itself and follows the promoted replica.
    await().atMost(FAILOVER).until(() -> node(master).map(n -> replica.equals(n.master())).orElse(false));
  }

  @Test
  @Order(4)
  void crashIsShutdownAndTheProcessIsGone() throws Exception {
    String master = masters().get(1);
    String replica = replicaOf(master);
    LocalNode process = redis.cluster().nodes().stream().filter(n -> n.address().equals(master)).findFirst().orElseThrow();
    post("crash", "{\"node\": \"" + master + "\"}", 202);
    await().atMost(FAILOVER).until(() -> !ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false));
    await().atMost(FAILOVER).until(() -> masters().contains(replica));
    redis.cluster().restart(process.port()).await(30, TimeUnit.SECONDS);
  }

  @Test
  @Order(5)
  void theEventBusWayInFollowsTheSameRules() throws Exception {
    String master = masters().get(2);
    String replica = replicaOf(master);
    try {
      redis.vertx().eventBus().request(Addresses.CHAOS, new ChaosRequest(ChaosRequest.Action.CRASH, "10.1.2.3:6379", null,
          "test").toJson()).await(10, TimeUnit.SECONDS);
      throw new AssertionError("a node outside the cluster was accepted");
    } catch (ReplyException refused) {
      assertThat(refused.failureCode()).isEqualTo(404);
    }
    JsonObject reply = (JsonObject) redis.vertx().eventBus().request(Addresses.CHAOS,
        new ChaosRequest(ChaosRequest.Action.FAILOVER, master, null, "test").toJson()).await(10, TimeUnit.SECONDS).body();
    ChaosAction action = ChaosAction.fromJson(reply);
    assertThat(action.node()).isEqualTo(replica);
    assertThat(action.master()).isEqualTo(master);
    assertThat(action.requestedBy()).isEqualTo("test");
    await().atMost(FAILOVER).until(() -> masters().contains(replica)
        && node(master).map(n -> replica.equals(n.master())).orElse(false));
  }

  // ---- helpers

  private static JsonObject post(String action, String body, int status) throws Exception {
    HttpResponse<Buffer> response = http.post(monitor.httpPort(), "127.0.0.1", "/api/chaos/" + action)
        .putHeader("Authorization", "Bearer " + TOKEN)
        .sendBuffer(Buffer.buffer(body)).await(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).as("%s %s: %s", action, body, response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject();
  }

  private static List<String> masters() {
    return ClusterView.masters(monitor.latestSnapshot());
  }

  private static String replicaOf(String master) {
    return ClusterView.replicaOf(monitor.latestSnapshot(), master);
  }

  private static Optional<NodeStatus> node(String address) {
    return ClusterView.node(monitor.latestSnapshot(), address);
  }
}
