package io.failoverlab.lab.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.TopologyEvent;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.localcluster.LocalNode;
import io.failoverlab.localcluster.NodeState;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabOptions;
import io.failoverlab.testsupport.ClusterView;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input on every HTTP endpoint of every service, against a real lab (cluster on 8310-8315):
 * wrong methods, bodies where none belongs, malformed JSON and wrong types, huge bodies, unknown
 * paths, path traversal, CR/LF in headers, paths and queries, oversized headers and request lines,
 * kill requests without the right token or naming hosts outside the cluster, and a seeded fuzz of
 * the kill endpoint. Each answer must be a 4xx with the JSON error shape; after each test no node
 * was touched, no chaos action recorded, no failure seen, and every service is live, ready and
 * still serving. Requests go over raw sockets: an HTTP client would refuse or repair most of them.
 */
class BadInputIT {

  private static final int BASE = 8310;
  private static final String TOKEN = "bad-input-it-token-0123456789";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final long FUZZ_SEED = 20261125L;
  private static final int FUZZ_CASES = 600;
  private static final int HUGE = 5_000_000;

  /** One endpoint as its service routes it. */
  record Endpoint(String service, String method, String path) {
    @Override
    public String toString() {
      return service + " " + method + " " + path;
    }
  }

  private static BlockedThreadWatch blocked;
  private static Lab lab;
  private static final List<TopologyEvent> topologyEvents = new CopyOnWriteArrayList<>();
  private static List<Long> pids;
  private static List<String> mastersBefore;
  private static int requests;

  @BeforeAll
  static void startLab() throws Exception {
    blocked = BlockedThreadWatch.install();
    LabOptions options = LabOptions.defaults().withPortBase(BASE).withNodeTimeoutMs(1000).withHttpPorts(0, 0, 0);
    lab = Lab.start(options, new Env(Map.of("CHAOS_TOKEN", TOKEN, "MONITOR_POLL_MS", "100",
        "KEY_PREFIX", "badinput" + System.nanoTime()))).await(120, TimeUnit.SECONDS);
    lab.vertx().eventBus().<JsonObject>consumer(Addresses.TOPOLOGY_EVENT,
        m -> topologyEvents.add(TopologyEvent.fromJson(m.body()))).completion().await(10, TimeUnit.SECONDS);
    lab.cluster().awaitHealthy(WAIT).await(90, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> masters().size() == 3 && ready("writer") && ready("reader") && ready("monitor"));
    pids = lab.cluster().nodes().stream().map(LocalNode::pid).toList();
    mastersBefore = masters();
  }

  @AfterAll
  static void stopLab() throws Exception {
    try {
      System.out.printf("bad input: %d requests over raw sockets%n", requests);
      if (lab != null) {
        lab.stop().await(60, TimeUnit.SECONDS);
      }
      assertThat(blocked.warnings()).as("Vert.x blocked-thread warnings").isEmpty();
    } finally {
      blocked.close();
    }
  }

  @BeforeEach
  void stillPristine() {
    assertThat(pids).isNotNull();
  }

  /** Nothing was acted upon, and every service is still healthy and serving. */
  @AfterEach
  void nothingActedUponAndEveryServiceStillServes() throws Exception {
    assertThat(lab.cluster().nodes().stream().map(LocalNode::pid).toList()).as("node pids").isEqualTo(pids);
    assertThat(lab.cluster().nodes()).allMatch(node -> node.state() == NodeState.RUNNING);
    assertThat(masters()).as("masters").isEqualTo(mastersBefore);
    assertThat(get("monitor", "/api/chaos").getJsonArray("actions")).as("chaos actions recorded").isEmpty();
    assertThat(topologyEvents).as("topology events").noneMatch(e -> e.type() == TopologyEvent.Type.NODE_PFAIL
        || e.type() == TopologyEvent.Type.NODE_FAIL || e.type() == TopologyEvent.Type.PROMOTED);
    long writes = totals("writer").getLong("succeeded");
    long reads = totals("reader").getLong("succeeded");
    for (String service : List.of("writer", "reader", "monitor")) {
      assertThat(RawHttp.exchange(port(service), RawHttp.request("GET", "/health/live", null)).status())
          .as("%s /health/live", service).isEqualTo(200);
      await().atMost(WAIT).until(() -> ready(service));
    }
    await().atMost(WAIT).until(() -> totals("writer").getLong("succeeded") > writes
        && totals("reader").getLong("succeeded") > reads);
  }

  @Test
  void everyEndpointRefusesWrongMethodsBodiesAndUnknownPathsWithAJsonError() throws Exception {
    for (Endpoint endpoint : endpoints()) {
      boolean chaos = endpoint.method().equals("POST");
      String auth = "Authorization: Bearer " + TOKEN;
      for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO")) {
        if (!method.equals(endpoint.method())) {
          // A body on a GET is its own refusal (400, below); here the method alone is wrong.
          expectError(endpoint, RawHttp.request(method, endpoint.path(), method.equals("GET") ? null : "{\"node\": ",
              auth), 405);
        }
      }
      if (chaos) {
        String master = mastersBefore.get(0);
        expectError(endpoint, RawHttp.request("POST", endpoint.path(), "{\"node\": ", auth), 400);
        expectError(endpoint, RawHttp.request("POST", endpoint.path(), "{\"node\": 7000}", auth), 400);
        expectError(endpoint, RawHttp.request("POST", endpoint.path(), "[\"" + master + "\"]", auth), 400);
        expectError(endpoint, RawHttp.request("POST", endpoint.path(), "{\"node\": [\"" + master + "\"]}", auth), 400);
        expectError(endpoint, RawHttp.request("POST", endpoint.path(), "{\"node\": {\"node\": \"" + master + "\"}}", auth), 400);
        expectError(endpoint, RawHttp.request("POST", endpoint.path(), "{\"node\": \"" + master + "\", \"seconds\": \"3\"}",
            auth), 400);
        expectError(endpoint, hugeBody("POST", endpoint.path(), auth), 400);
        expectError(endpoint, hugeChunkedBody("POST", endpoint.path(), auth), 400);
        expectError(endpoint, RawHttp.request("POST", endpoint.path() + "/extra", "{}", auth), 404);
      } else {
        // A GET takes no input: any body on it, JSON or not, is refused.
        expectError(endpoint, RawHttp.request("GET", endpoint.path(), "{\"node\": "), 400);
        expectError(endpoint, RawHttp.request("GET", endpoint.path(), "[1, \"two\", {\"3\": null}]"), 400);
        expectError(endpoint, hugeBody("GET", endpoint.path()), 413);
        expectError(endpoint, hugeChunkedBody("GET", endpoint.path()), 413);
      }
    }
    for (String service : List.of("writer", "reader", "monitor")) {
      for (String path : List.of("/nope", "/api", "/api/nope", "/health", "/health/live/x", "/metrics/x", "/stats.json",
          "/api/ledger/x", "/api/incidents/x/y", "/api/chaos/crash/x", "/api/topology/x", "/live/nope.js",
          "/eventbus/xhr", "/index.html", "/.git/config", "/WEB-INF/web.xml")) {
        if (service.equals("monitor") && path.equals("/index.html")) {
          continue;
        }
        expectError(new Endpoint(service, "GET", path), RawHttp.request("GET", path, null), 404);
      }
    }
    // The event-bus bridge: no upgrade, an upgrade without its key, or another method.
    Endpoint bridge = new Endpoint("monitor", "GET", "/eventbus/websocket");
    expectError(bridge, RawHttp.request("GET", "/eventbus/websocket", null), 400);
    expectError(bridge, RawHttp.request("GET", "/eventbus/websocket", null, "Upgrade: websocket",
        "Sec-WebSocket-Version: 13"), 400);
    expectError(bridge, RawHttp.request("GET", "/eventbus/000/abc/websocket", null), 400);
    expectError(bridge, RawHttp.request("POST", "/eventbus/websocket", "[]"), 405);
    expectError(bridge, RawHttp.request("POST", "/eventbus/000/abc/xhr_send", "[\"{}\"]"), 405);
  }

  @Test
  void malformedRequestsAndHeaderInjectionGetAJsonErrorFromEveryService() throws Exception {
    String longHeader = "X-Big: " + "a".repeat(20_000);
    for (String service : List.of("writer", "reader", "monitor")) {
      Endpoint live = new Endpoint(service, "GET", "/health/live");
      List<byte[]> bad = List.of(
          bytes("GET /health/live HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\nConnection: close\r\n\r\n"),
          bytes("GET /health/live HTTP/1.1\r\nHost: x\r\nX-A: a\nSet-Cookie: injected=1\r\nConnection: close\r\n\r\n"),
          bytes("GET /health/live\r\nSet-Cookie: injected=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
          bytes("GET /health/live?a=\r\nSet-Cookie: injected=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
          bytes("GET /health/live HTTP/1.1\r\nHost: x\r\nNoColonHere\r\nConnection: close\r\n\r\n"),
          bytes("garbage\r\n\r\n"),
          bytes("GET /health/live HTTP/1.1\r\nHost: x\r\n" + longHeader + "\r\nConnection: close\r\n\r\n"),
          bytes("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
          bytes("POST /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\nConnection: close\r\n\r\n"),
          bytes("POST /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n"),
          bytes("POST /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\nConnection: close\r\n\r\nabcdef"));
      List<Integer> statuses = List.of(400, 400, 400, 400, 400, 400, 431, 414, 400, 400, 400);
      for (int i = 0; i < bad.size(); i++) {
        RawHttp.Answer answer = expectError(live, bad.get(i), statuses.get(i));
        assertThat(answer.header("Set-Cookie")).as("a header injected into the answer").isNull();
      }
      // CR/LF percent-encoded in the path and the query: routed as text, never as a header.
      for (String path : List.of("/health/live%0d%0aSet-Cookie:%20injected=1", "/nope?x=%0d%0aSet-Cookie:%20injected=1",
          "/api/incidents/x%0d%0aSet-Cookie:%20injected=1", "/%00", "/health/%zz")) {
        RawHttp.Answer answer = RawHttp.exchange(port(service), RawHttp.request("GET", path, null));
        requests++;
        assertThat(answer.status()).as("%s GET %s: %s", service, path, answer).isBetween(400, 499);
        assertJsonError(answer, service + " GET " + path);
        assertThat(answer.header("Set-Cookie")).isNull();
      }
      // Two answers Vert.x gives before any handler of ours can run (see docs/RELIABILITY.md): an HTTP
      // version it does not speak is 501 with no body, and a chunked body that is not chunked closes
      // the connection with no answer. Neither reaches a handler, so neither acts on anything.
      RawHttp.Answer version = RawHttp.exchange(port(service), bytes("GET /health/live HTTP/9.9\r\nHost: x\r\n\r\n"));
      assertThat(version.status()).as("HTTP/9.9: %s", version).isEqualTo(501);
      RawHttp.Answer chunk = RawHttp.exchange(port(service), bytes("POST /api/chaos/crash HTTP/1.1\r\nHost: x\r\n"
          + "Authorization: Bearer " + TOKEN + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n"
          + "{\"node\": \"" + mastersBefore.get(0) + "\"}\r\n0\r\n\r\n"));
      assertThat(chunk.answered()).as("a malformed chunk: %s", chunk).isFalse();
      requests += 2;
    }
  }

  @Test
  void pathTraversalNeverLeavesTheWebrootNorReachesAFile() throws Exception {
    List<String> paths = List.of("/../etc/passwd", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/live/../../etc/passwd", "/live/%2e%2e/%2e%2e/etc/passwd",
        "/live/..%2f..%2f..%2fetc%2fpasswd", "/live/%2e%2e%2f%2e%2e%2fpom.xml", "/live/..%5c..%5cetc%5cpasswd",
        "/live/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "/live/....//....//etc/passwd", "/live//etc/passwd",
        "/live/%2fetc%2fpasswd", "/live/main.js%00.html", "/live/main.js/../../../etc/passwd", "/live/%zz",
        "/live/../../monitor-service/pom.xml", "/live/..;/..;/etc/passwd", "/api/incidents/..%2f..%2f..%2fetc%2fpasswd",
        "/api/incidents/%2e%2e%2f%2e%2e", "/eventbus/..%2f..%2fetc%2fpasswd", "/eventbus/%2e%2e/%2e%2e/etc/passwd",
        "//etc/passwd", "/./././../etc/passwd", "/%252e%252e/%252e%252e/etc/passwd", "/%5c..%5c..%5cetc%5cpasswd");
    for (String service : List.of("monitor", "writer", "reader")) {
      for (String path : paths) {
        RawHttp.Answer answer = RawHttp.exchange(port(service), RawHttp.request("GET", path, null));
        requests++;
        String what = service + " GET " + path;
        assertThat(answer.status()).as("%s: %s", what, answer).isBetween(400, 499);
        assertJsonError(answer, what);
        assertThat(answer.body()).as(what).doesNotContain("root:").doesNotContain("<project").doesNotContain("import ");
      }
    }
  }

  @Test
  void killRequestsWithoutTheRightTokenOrNamingHostsOutsideTheClusterAreRefused() throws Exception {
    String master = mastersBefore.get(0);
    String masterPort = master.substring(master.lastIndexOf(':') + 1);
    Map<String, String> bodies = Map.of("crash", json(master), "hang", "{\"node\": \"" + master + "\", \"seconds\": 3}",
        "failover", json(master), "restart", json(master), "isolate", "{\"node\": \"" + master + "\", \"seconds\": 3}");
    for (var entry : bodies.entrySet()) {
      Endpoint endpoint = new Endpoint("monitor", "POST", "/api/chaos/" + entry.getKey());
      String body = entry.getValue();
      expectError(endpoint, RawHttp.request("POST", endpoint.path(), body), 401);
      expectError(endpoint, RawHttp.request("POST", endpoint.path() + "?token=" + TOKEN, body), 401);
      expectError(endpoint, RawHttp.request("POST", endpoint.path(), body, "Cookie: token=" + TOKEN), 401);
      expectError(endpoint, RawHttp.request("POST", endpoint.path(), body, "Authorization: Basic " + TOKEN), 401);
      expectError(endpoint, RawHttp.request("POST", endpoint.path(), body, "Authorization: Bearer"), 401);
      expectError(endpoint, RawHttp.request("POST", endpoint.path(), body, "Authorization: " + TOKEN), 401);
      expectError(endpoint, RawHttp.request("POST", endpoint.path(), body, "Authorization: Bearer wrong-token-wrong-token"), 403);
      expectError(endpoint, RawHttp.request("POST", endpoint.path(), body, "Authorization: Bearer " + TOKEN + "x"), 403);
      expectError(endpoint, RawHttp.request("POST", endpoint.path(), body, "Authorization: Bearer "
          + TOKEN.substring(0, TOKEN.length() - 1)), 403);
      expectError(endpoint, RawHttp.request("POST", endpoint.path(), body, "Authorization: Bearer "
          + TOKEN.toUpperCase(java.util.Locale.ROOT)), 403);
      expectError(endpoint, RawHttp.request("POST", endpoint.path(), body, "Authorization: Bearer wrong-token-wrong-token",
          "Authorization: Bearer " + TOKEN), 403);
      expectError(endpoint, RawHttp.request("POST", endpoint.path(), body, "Authorization: Bearer " + TOKEN + "\r"), 400);
    }
    // The right token, nodes outside the discovered cluster: refused by name, nothing ever connects.
    try (ServerSocket stranger = new ServerSocket(BASE + 89, 50, InetAddress.getLoopbackAddress())) {
      List<String> outside = List.of("127.0.0.1:" + (BASE + 89), "10.255.255.1:6379", "127.0.0.1:" + (BASE + 88),
          "localhost:" + masterPort, "127.0.0.2:" + masterPort, "[::1]:" + masterPort, "0.0.0.0:" + masterPort,
          "127.0.0.1:0" + masterPort, "127.0.0.1:" + masterPort + "x", "127.0.0.1:" + (Integer.parseInt(masterPort) + 10000),
          "127.0.0.1", "redis://" + master, master + "/", "0123456789abcdef0123456789abcdef01234567",
          nodeId(master).substring(0, 8), nodeId(master).toUpperCase(java.util.Locale.ROOT), "*", "");
      for (String action : List.of("crash", "hang", "failover", "restart", "isolate")) {
        for (String node : outside) {
          Endpoint endpoint = new Endpoint("monitor", "POST", "/api/chaos/" + action);
          boolean timed = action.equals("hang") || action.equals("isolate");
          String body = new JsonObject().put("node", node).put("seconds", timed ? 3 : null).encode();
          RawHttp.Answer answer = expectError(endpoint, RawHttp.request("POST", endpoint.path(), body,
              "Authorization: Bearer " + TOKEN), node.isEmpty() ? 400 : 404);
          assertThat(answer.jsonError().getString("error")).as("%s %s", action, node)
              .contains(node.isEmpty() ? "missing" : "not a node of the discovered cluster");
        }
      }
      stranger.setSoTimeout(200);
      assertThat(accepted(stranger)).as("a connection to the host outside the cluster").isFalse();
    }
  }

  @Test
  void aSeededFuzzOfTheKillEndpointIsRefusedEveryTimeWithAJsonError() throws Exception {
    List<String> nodes = new ArrayList<>();
    for (NodeStatus node : lab.monitor().latestSnapshot().nodes()) {
      nodes.add(node.address());
      nodes.add(node.id());
    }
    ChaosFuzz fuzz = new ChaosFuzz(FUZZ_SEED, TOKEN, nodes);
    Map<Integer, Integer> byStatus = new TreeMap<>();
    int skipped = 0;
    for (int i = 0; i < FUZZ_CASES; i++) {
      ChaosFuzz.Case next = fuzz.next();
      if (next.mayBeAccepted()) {
        // The rules could accept it (right token, a real node): it would really crash a node.
        skipped++;
        continue;
      }
      RawHttp.Answer answer = RawHttp.exchange(port("monitor"), next.request());
      requests++;
      String what = "fuzz case " + i + " (seed " + FUZZ_SEED + "): " + next.description();
      assertThat(answer.status()).as("%s -> %s", what, answer).isBetween(400, 499);
      assertJsonError(answer, what);
      byStatus.merge(answer.status(), 1, Integer::sum);
    }
    System.out.printf("fuzz: seed %d, %d cases, %d sent, %d skipped as acceptable, answers by status %s%n", FUZZ_SEED,
        FUZZ_CASES, FUZZ_CASES - skipped, skipped, byStatus);
    // The fuzz must reach past the token check and the parser, or it proves little.
    assertThat(byStatus.keySet()).contains(400, 401, 403, 404);
  }

  // ---- requests

  private static List<Endpoint> endpoints() {
    List<Endpoint> list = new ArrayList<>();
    for (String service : List.of("writer", "reader", "monitor")) {
      for (String path : List.of("/health/live", "/health/ready", "/metrics", "/stats")) {
        list.add(new Endpoint(service, "GET", path));
      }
    }
    list.add(new Endpoint("writer", "GET", "/api/ledger"));
    for (String path : List.of("/api/topology", "/api/incidents", "/api/incidents/incident-1", "/api/chaos", "/",
        "/live/main.js", "/live/style.css", "/eventbus/info")) {
      list.add(new Endpoint("monitor", "GET", path));
    }
    for (String action : List.of("crash", "hang", "failover", "restart", "isolate", "explode")) {
      list.add(new Endpoint("monitor", "POST", "/api/chaos/" + action));
    }
    return list;
  }

  private static byte[] hugeBody(String method, String path, String... headers) {
    byte[] head = RawHttp.request(method, path, null, headers);
    String text = new String(head, StandardCharsets.ISO_8859_1);
    String withLength = text.replace("Connection: close\r\n", "Content-Type: application/json\r\nContent-Length: " + HUGE
        + "\r\nConnection: close\r\n");
    byte[] body = new byte[HUGE];
    java.util.Arrays.fill(body, (byte) '[');
    return RawHttp.concat(withLength.getBytes(StandardCharsets.ISO_8859_1), body);
  }

  /** A huge body with no Content-Length: only counting what arrives can stop it. */
  private static byte[] hugeChunkedBody(String method, String path, String... headers) {
    byte[] head = RawHttp.request(method, path, null, headers);
    String text = new String(head, StandardCharsets.ISO_8859_1).replace("Connection: close\r\n",
        "Transfer-Encoding: chunked\r\nConnection: close\r\n");
    StringBuilder chunks = new StringBuilder();
    String chunk = "{".repeat(65_536);
    for (int i = 0; i < HUGE / chunk.length(); i++) {
      chunks.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
    }
    chunks.append("0\r\n\r\n");
    return RawHttp.concat(text.getBytes(StandardCharsets.ISO_8859_1), chunks.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  private static byte[] bytes(String raw) {
    return raw.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String json(String node) {
    return "{\"node\": \"" + node + "\"}";
  }

  // ---- expectations

  private static RawHttp.Answer expectError(Endpoint endpoint, byte[] request, int status) throws IOException {
    RawHttp.Answer answer = RawHttp.exchange(port(endpoint.service()), request);
    requests++;
    String first = new String(request, 0, Math.min(request.length, 120), StandardCharsets.ISO_8859_1)
        .replace("\r", "\\r").replace("\n", "\\n");
    assertThat(answer.status()).as("%s: %s -> %s", endpoint, first, answer).isEqualTo(status);
    assertJsonError(answer, endpoint + ": " + first);
    return answer;
  }

  private static void assertJsonError(RawHttp.Answer answer, String what) {
    assertThat(answer.header("content-type")).as("content type of %s: %s", what, answer).startsWith("application/json");
    JsonObject error = answer.jsonError();
    assertThat(error).as("JSON error of %s: %s", what, answer).isNotNull();
    assertThat(error.getInteger("status")).as(what).isEqualTo(answer.status());
    assertThat(answer.header("X-Content-Type-Options")).as(what).isEqualTo("nosniff");
  }

  private static boolean accepted(ServerSocket socket) throws IOException {
    try (var ignored = socket.accept()) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  // ---- the lab

  private static int port(String service) {
    return switch (service) {
      case "writer" -> lab.writer().httpPort();
      case "reader" -> lab.reader().httpPort();
      default -> lab.monitor().httpPort();
    };
  }

  private static JsonObject get(String service, String path) throws IOException {
    RawHttp.Answer answer = RawHttp.exchange(port(service), RawHttp.request("GET", path, null));
    assertThat(answer.status()).as("%s GET %s: %s", service, path, answer).isEqualTo(200);
    return new JsonObject(answer.body());
  }

  private static JsonObject totals(String service) throws IOException {
    return get(service, "/stats").getJsonObject("totals");
  }

  private static boolean ready(String service) throws IOException {
    return RawHttp.exchange(port(service), RawHttp.request("GET", "/health/ready", null)).status() == 200;
  }

  private static List<String> masters() {
    return ClusterView.masters(lab.monitor().latestSnapshot());
  }

  private static String nodeId(String address) {
    return lab.monitor().latestSnapshot().nodes().stream().filter(n -> n.address().equals(address))
        .map(NodeStatus::id).findFirst().orElseThrow();
  }
}
