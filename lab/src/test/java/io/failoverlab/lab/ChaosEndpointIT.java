package io.failoverlab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.TopologyEvent;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.localcluster.LocalNode;
import io.failoverlab.localcluster.NodeState;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabOptions;
import io.failoverlab.testsupport.ClusterView;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The kill endpoint of the lab's monitor, over real HTTP against the lab's real cluster (7700-7705):
 * every action does what it says to the topology, and every bad request is refused with the right
 * status without touching any node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosEndpointIT {

  private static final int BASE = 7700;
  private static final String TOKEN = "chaos-endpoint-it-token-0123456789";
  private static final Duration FAILOVER = Duration.ofSeconds(30);

  private static Lab lab;
  private static EventLog log;
  private static WebClient http;

  @BeforeAll
  static void startLab() throws Exception {
    LabOptions options = LabOptions.defaults().withPortBase(BASE).withNodeTimeoutMs(1000).withHttpPorts(0, 0, 0);
    lab = Lab.start(options, new Env(Map.of("CHAOS_TOKEN", TOKEN, "MONITOR_POLL_MS", "100",
        "INCIDENT_QUIET_MS", "1000", "KEY_PREFIX", "chaosit" + System.nanoTime()))).await(120, TimeUnit.SECONDS);
    log = EventLog.listen(lab.vertx());
    http = WebClient.create(lab.vertx());
    await().atMost(FAILOVER).until(() -> masters().size() == 3);
  }

  @AfterAll
  static void stopLab() throws Exception {
    if (lab != null) {
      lab.stop().await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(1)
  void everyBadRequestIsRefusedWithItsStatusAndTouchesNoNode() throws Exception {
    List<Long> pids = lab.cluster().nodes().stream().map(LocalNode::pid).toList();
    List<String> mastersBefore = masters();
    String master = mastersBefore.get(0);
    String replica = replicaOf(master);
    String bearer = "Bearer " + TOKEN;
    String big = "{\"node\":\"" + "x".repeat(5000) + "\"}";

    try (ServerSocket stranger = new ServerSocket(BASE + 99, 50, InetAddress.getLoopbackAddress())) {
      expect(HttpMethod.POST, "/api/chaos/crash", null, json(master), 401, "missing token");
      expect(HttpMethod.POST, "/api/chaos/crash", "Bearer wrong-token-wrong-token!!", json(master), 403, "wrong token");
      expect(HttpMethod.POST, "/api/chaos/crash", "Basic " + TOKEN, json(master), 401, "missing token");
      expect(HttpMethod.POST, "/api/chaos/explode", bearer, json(master), 400, "unknown action 'explode'");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, "{\"node\": ", 400, "malformed JSON");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, "[\"" + master + "\"]", 400, "JSON object");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, "", 400, "missing JSON body");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, "{}", 400, "missing \"node\"");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, "{\"node\": 7000}", 400, "\"node\" must be a string");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, "{\"node\": \"" + master + "\", \"force\": true}", 400,
          "unknown field 'force'");
      expect(HttpMethod.POST, "/api/chaos/hang", bearer, json(master), 400, "missing \"seconds\"");
      expect(HttpMethod.POST, "/api/chaos/hang", bearer, "{\"node\": \"" + master + "\", \"seconds\": \"five\"}", 400,
          "whole number");
      expect(HttpMethod.POST, "/api/chaos/hang", bearer, "{\"node\": \"" + master + "\", \"seconds\": 2.5}", 400,
          "whole number");
      expect(HttpMethod.POST, "/api/chaos/hang", bearer, "{\"node\": \"" + master + "\", \"seconds\": 0}", 400,
          "between 1 and");
      expect(HttpMethod.POST, "/api/chaos/hang", bearer, "{\"node\": \"" + master + "\", \"seconds\": -3}", 400,
          "between 1 and");
      expect(HttpMethod.POST, "/api/chaos/hang", bearer, "{\"node\": \"" + master + "\", \"seconds\": 99999999}", 400,
          "between 1 and");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, "{\"node\": \"" + master + "\", \"seconds\": 5}", 400,
          "only applies to hang and isolate");
      expect(HttpMethod.POST, "/api/chaos/isolate", bearer, json(replica), 400, "missing \"seconds\": how long the node "
          + "stays cut off");
      expect(HttpMethod.POST, "/api/chaos/isolate", bearer, "{\"node\": \"" + replica + "\", \"seconds\": 301}", 400,
          "between 1 and 300");
      expect(HttpMethod.POST, "/api/chaos/isolate", bearer, "{\"node\": \"" + master + "\", \"seconds\": 5}", 409,
          "is not a replica");
      expect(HttpMethod.POST, "/api/chaos/isolate", bearer, "{\"node\": \"10.9.9.9:6379\", \"seconds\": 5}", 404,
          "not a node");
      expect(HttpMethod.POST, "/api/chaos/isolate", bearer, "{\"nodes\": [\"" + replica + "\"], \"seconds\": 5}", 400,
          "\"nodes\" only applies to crash");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, "{\"node\": \"" + master + "\", \"mode\": \"force\"}", 400,
          "\"mode\" only applies to failover, not crash");
      expect(HttpMethod.POST, "/api/chaos/failover", bearer, "{\"node\": \"" + master + "\", \"mode\": \"now\"}", 400,
          "\"mode\" must be one of default, force, takeover, got now");
      expect(HttpMethod.POST, "/api/chaos/failover", bearer, "{\"node\": \"" + master + "\", \"mode\": 1}", 400,
          "\"mode\" must be one of default, force, takeover");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, "{\"nodes\": \"" + master + "\"}", 400,
          "\"nodes\" must be a non-empty list");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, "{\"nodes\": []}", 400, "\"nodes\" must be a non-empty list");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, "{\"nodes\": [7000]}", 400, "\"nodes\" must be a non-empty list");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, "{\"node\": \"" + master + "\", \"nodes\": [\"" + master
          + "\"]}", 400, "not both");
      expect(HttpMethod.POST, "/api/chaos/hang", bearer, "{\"nodes\": [\"" + master + "\"], \"seconds\": 2}", 400,
          "\"nodes\" only applies to crash");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, "{\"nodes\": [\"" + master + "\", \"" + replica + "\"]}", 400,
          "are of the same shard");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, "{\"nodes\": [\"" + master + "\", \"" + masters().get(1)
          + "\"]}", 400, "too many masters: 2 of 3");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, "{\"nodes\": [\"" + master + "\", \"10.9.9.9:6379\"]}", 404,
          "node 10.9.9.9:6379 is not a node");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, big, 400, "larger than 4096 bytes");
      expect(HttpMethod.GET, "/api/chaos/crash", bearer, null, 405, "not allowed");
      expect(HttpMethod.PUT, "/api/chaos/crash", bearer, json(master), 405, "not allowed");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, json("127.0.0.1:" + (BASE + 99)), 404,
          "not a node of the discovered cluster");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, json("10.11.12.13:6379"), 404, "not a node");
      expect(HttpMethod.POST, "/api/chaos/crash", bearer, json("0123456789abcdef0123456789abcdef01234567"), 404,
          "not a node");
      expect(HttpMethod.POST, "/api/chaos/restart", bearer, json(replica), 409, "is running");
      // Nothing ever connected to the address outside the cluster.
      stranger.setSoTimeout(200);
      assertThat(accepted(stranger)).as("a connection to the stranger's port").isFalse();
    }

    assertThat(lab.cluster().nodes().stream().map(LocalNode::pid).toList()).isEqualTo(pids);
    assertThat(lab.cluster().nodes()).allMatch(node -> node.state() == NodeState.RUNNING);
    assertThat(masters()).isEqualTo(mastersBefore);
    assertThat(get("/api/chaos").getJsonArray("actions")).isEmpty();
    assertThat(log.topology).noneMatch(event -> event.type() == TopologyEvent.Type.NODE_PFAIL);
  }

  @Test
  @Order(2)
  void crashPromotesTheReplicaAndRestartBringsTheNodeBackAsItsReplica() throws Exception {
    String master = masters().get(0);
    String replica = replicaOf(master);
    long since = System.currentTimeMillis();
    JsonObject accepted = post("/api/chaos/crash", json(master), 202);
    assertThat(accepted.getString("id")).startsWith("chaos-");
    assertThat(accepted.getString("node")).isEqualTo(master);
    assertThat(accepted.getString("method")).contains("SIGKILL");
    awaitEvent(since, TopologyEvent.Type.PROMOTED, replica);
    await().atMost(FAILOVER).until(() -> localNode(master).state() == NodeState.CRASHED);

    post("/api/chaos/restart", json(master), 202);
    await().atMost(FAILOVER).until(() -> node(master).map(n -> "replica".equals(n.role())
        && replica.equals(n.master()) && n.linkUp()).orElse(false));
    JsonObject incident = awaitClosedIncident(since);
    assertThat(incident.getJsonObject("milestones").getLong("faultInjectedAt")).isEqualTo(accepted.getLong("at"));
    assertThat(incident.getString("failedNode")).isEqualTo(master);
    lab.cluster().awaitHealthy(FAILOVER).await(60, TimeUnit.SECONDS);
  }

  @Test
  @Order(3)
  void hangLongerThanTheNodeTimeoutPromotesTheReplicaAndTheNodeFollowsIt() throws Exception {
    String master = masters().get(1);
    String replica = replicaOf(master);
    long since = System.currentTimeMillis();
    post("/api/chaos/hang", "{\"node\": \"" + master + "\", \"seconds\": 4}", 202);
    // One action per node at a time: a second one while it hangs is refused.
    expect(HttpMethod.POST, "/api/chaos/crash", "Bearer " + TOKEN, json(master), 409, "still in progress");
    awaitEvent(since, TopologyEvent.Type.PROMOTED, replica);
    awaitEvent(since, TopologyEvent.Type.DEMOTED, master);
    await().atMost(FAILOVER).until(() -> node(master).map(n -> replica.equals(n.master())).orElse(false));
    awaitClosedIncident(since);
    lab.cluster().awaitHealthy(FAILOVER).await(60, TimeUnit.SECONDS);
  }

  @Test
  @Order(4)
  void gracefulFailoverPromotesTheReplicaWithoutLosingAWrite() throws Exception {
    String master = masters().get(2);
    String replica = replicaOf(master);
    long since = System.currentTimeMillis();
    JsonObject accepted = post("/api/chaos/failover", json(master), 202);
    assertThat(accepted.getString("node")).isEqualTo(replica);
    assertThat(accepted.getString("master")).isEqualTo(master);
    awaitEvent(since, TopologyEvent.Type.PROMOTED, replica);
    awaitEvent(since, TopologyEvent.Type.DEMOTED, master);
    JsonObject incident = awaitClosedIncident(since);
    assertThat(incident.getLong("lostWrites")).isZero();
    for (String service : List.of("writer", "reader")) {
      int port = service.equals("writer") ? lab.writer().httpPort() : lab.reader().httpPort();
      JsonObject totals = http.get(port, "127.0.0.1", "/stats").send().await(10, TimeUnit.SECONDS)
          .bodyAsJsonObject().getJsonObject("totals");
      assertThat(totals.getLong("lostWrites")).as("%s lost writes", service).isZero();
    }
    JsonObject recent = get("/api/chaos").getJsonArray("actions").getJsonObject(0);
    assertThat(recent.getString("id")).isEqualTo(accepted.getString("id"));
    await().atMost(FAILOVER).until(() -> "done".equals(get("/api/chaos").getJsonArray("actions")
        .getJsonObject(0).getString("status")));
  }

  /**
   * A replica isolated for 4 s: its link to the master goes down and stays down (it is live and in the
   * cluster the whole time), then comes back by itself; the master never changes, the writer loses
   * nothing, and the replica's masterauth is what it was.
   */
  @Test
  @Order(5)
  void isolateCutsAReplicaOffFromItsMasterForAWhileAndNothingElse() throws Exception {
    lab.cluster().awaitHealthy(FAILOVER).await(60, TimeUnit.SECONDS);
    String master = masters().get(0);
    String replica = replicaOf(master);
    int replicaPort = Integer.parseInt(replica.substring(replica.lastIndexOf(':') + 1));
    List<String> mastersBefore = masters();
    long since = System.currentTimeMillis();
    JsonObject accepted = post("/api/chaos/isolate", "{\"node\": \"" + replica + "\", \"seconds\": 4}", 202);
    assertThat(accepted.getString("master")).isEqualTo(master);
    assertThat(accepted.getString("method")).contains("masterauth", "after 4 s");
    expect(HttpMethod.POST, "/api/chaos/isolate", "Bearer " + TOKEN, "{\"node\": \"" + replica + "\", \"seconds\": 2}",
        409, "still in progress");
    // Down while isolated (for longer than a reconnection takes: it keeps failing at AUTH)...
    await().atMost(FAILOVER).until(() -> node(replica).map(n -> !n.linkUp() && n.reachable()
        && n.linkDownSeconds() != null && n.linkDownSeconds() >= 2).orElse(false));
    // ...and up again once the action is done.
    await().atMost(FAILOVER).until(() -> "done".equals(get("/api/chaos").getJsonArray("actions")
        .getJsonObject(0).getString("status")));
    long doneAt = System.currentTimeMillis();
    assertThat(doneAt - accepted.getLong("at")).isGreaterThanOrEqualTo(4000);
    await().atMost(FAILOVER).until(() -> node(replica).map(n -> n.linkUp() && master.equals(n.master())).orElse(false));
    assertThat(masters()).isEqualTo(mastersBefore);
    assertThat(io.failoverlab.testsupport.RedisCli.at(replicaPort).run("CONFIG", "GET", "masterauth"))
        .doesNotContain("failoverlab-isolated");
    JsonObject totals = http.get(lab.writer().httpPort(), "127.0.0.1", "/stats").send().await(10, TimeUnit.SECONDS)
        .bodyAsJsonObject().getJsonObject("totals");
    assertThat(totals.getLong("lostWrites")).isZero();
    assertThat(log.topology.stream().filter(event -> event.timestamp() >= since)
        .noneMatch(event -> event.type() == TopologyEvent.Type.PROMOTED)).isTrue();
  }

  // ---- helpers

  private static String json(String node) {
    return "{\"node\": \"" + node + "\"}";
  }

  private static boolean accepted(ServerSocket socket) throws Exception {
    try (var ignored = socket.accept()) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  private static void expect(HttpMethod method, String path, String authorization, String body, int status,
                             String errorPart) throws Exception {
    HttpResponse<Buffer> response = send(method, path, authorization, body);
    assertThat(response.statusCode()).as("%s %s %s", method, path, body == null ? "" : abbreviate(body))
        .isEqualTo(status);
    assertThat(response.getHeader("content-type")).contains("application/json");
    assertThat(response.bodyAsJsonObject().getString("error")).contains(errorPart);
    if (status == 401) {
      assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer");
    }
  }

  private static String abbreviate(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }

  private static HttpResponse<Buffer> send(HttpMethod method, String path, String authorization, String body)
      throws Exception {
    var request = http.request(method, lab.monitor().httpPort(), "127.0.0.1", path);
    MultiMap headers = request.headers();
    if (authorization != null) {
      headers.add("Authorization", authorization);
    }
    return (body == null ? request.send() : request.sendBuffer(Buffer.buffer(body))).await(10, TimeUnit.SECONDS);
  }

  private static JsonObject post(String path, String body, int status) throws Exception {
    HttpResponse<Buffer> response = send(HttpMethod.POST, path, "Bearer " + TOKEN, body);
    assertThat(response.statusCode()).as("POST %s %s: %s", path, body, response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject();
  }

  private static JsonObject get(String path) throws Exception {
    return http.get(lab.monitor().httpPort(), "127.0.0.1", path).send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
  }

  private static TopologyEvent awaitEvent(long since, TopologyEvent.Type type, String node) {
    return await().atMost(FAILOVER).until(() -> log.firstTopology(since, type, node), Optional::isPresent).get();
  }

  private static JsonObject awaitClosedIncident(long since) {
    AtomicInteger seen = new AtomicInteger();
    return await().atMost(FAILOVER).until(() -> {
      for (Object item : get("/api/incidents").getJsonArray("incidents")) {
        JsonObject incident = (JsonObject) item;
        seen.incrementAndGet();
        if (incident.getLong("openedAt") >= since - 50 && "closed".equals(incident.getString("state"))) {
          return incident;
        }
      }
      return null;
    }, found -> found != null);
  }

  private static List<String> masters() {
    return ClusterView.masters(lab.monitor().latestSnapshot());
  }

  private static String replicaOf(String master) {
    return ClusterView.replicaOf(lab.monitor().latestSnapshot(), master);
  }

  private static Optional<NodeStatus> node(String address) {
    return ClusterView.node(lab.monitor().latestSnapshot(), address);
  }

  private static LocalNode localNode(String address) {
    return lab.cluster().nodes().stream().filter(n -> n.address().equals(address)).findFirst().orElseThrow();
  }
}
