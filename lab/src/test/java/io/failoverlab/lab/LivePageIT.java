package io.failoverlab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.localcluster.LocalNode;
import io.failoverlab.localcluster.NodeState;
import io.failoverlab.monitor.MonitorSettings;
import io.failoverlab.monitor.MonitorVerticle;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabOptions;
import io.failoverlab.stack.LocalClusterFaults;
import io.failoverlab.testsupport.ClusterView;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The monitor's live page in a real browser (Debian's headless chromium through chromium-driver)
 * against the lab's real cluster on ports 7900-7905: it loads without a console error, draws 3
 * masters and 3 replicas, shows the kill endpoint's refusals as they came, a crash caused from its own
 * button is followed on the page by the failure, the promotion and the incident, a graceful failover
 * swaps master and replica, the event-bus bridge refuses what the page sends, and a restarted monitor
 * is shown as disconnected, then live again. Screenshots before, during and after the crash go to
 * target/live-page/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LivePageIT {

  private static final int BASE = 7900;
  private static final String TOKEN = "live-page-it-token-0123456789abcdef";
  private static final Duration FAILOVER = Duration.ofSeconds(30);
  private static final Path SCREENSHOTS = Path.of("target", "live-page");

  private static Lab lab;
  private static WebClient http;
  private static LiveBrowser browser;
  private static String pageUrl;

  @BeforeAll
  static void startLabAndBrowser() throws Exception {
    LabOptions options = LabOptions.defaults().withPortBase(BASE).withNodeTimeoutMs(1000).withHttpPorts(0, 0, 0);
    lab = Lab.start(options, new Env(Map.of("CHAOS_TOKEN", TOKEN, "MONITOR_POLL_MS", "100",
        "INCIDENT_QUIET_MS", "1500", "KEY_PREFIX", "livepage" + System.nanoTime()))).await(120, TimeUnit.SECONDS);
    http = WebClient.create(lab.vertx());
    await().atMost(FAILOVER).until(() -> masters().size() == 3);
    browser = LiveBrowser.start(1440, 1100);
    pageUrl = "http://127.0.0.1:" + lab.monitor().httpPort() + "/";
  }

  @AfterAll
  static void stopEverything() throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (lab != null) {
        lab.stop().await(60, TimeUnit.SECONDS);
      }
    }
  }

  @BeforeEach
  void clusterIsWhole() throws Exception {
    // A test that failed half-way may have left a node down: the next one starts from a whole cluster.
    for (LocalNode node : lab.cluster().nodes()) {
      if (node.state() == NodeState.CRASHED) {
        lab.cluster().restart(node.port()).await(30, TimeUnit.SECONDS);
      }
    }
    lab.cluster().awaitHealthy(FAILOVER).await(60, TimeUnit.SECONDS);
    await().atMost(FAILOVER).until(() -> masters().size() == 3 && lab.monitor().latestSnapshot().nodes().stream()
        .filter(n -> "replica".equals(n.role()) && n.reachable() && n.linkUp()).count() == 3);
  }

  @Test
  @Order(1)
  void pageLoadsWithoutConsoleErrorsAndDrawsThreeMastersAndThreeReplicas() throws Exception {
    browser.driver().get(pageUrl);
    awaitConnection("connected");
    // Read in one go (the drawing follows every poll): 3 live masters with slots, 3 replicas linked up.
    AtomicReference<List<Map<String, String>>> drawn = new AtomicReference<>();
    browser.waiting().until(d -> {
      drawn.set(drawnNodes());
      return "3".equals(cluster().getDomAttribute("data-masters")) && "3".equals(cluster().getDomAttribute("data-replicas"))
          && drawn.get().stream().filter(LivePageIT::liveMaster).count() == 3
          && drawn.get().stream().filter(n -> "replica".equals(n.get("role")) && "up".equals(n.get("link"))).count() == 3;
    });
    List<Map<String, String>> masters = drawn.get().stream().filter(LivePageIT::liveMaster).toList();
    List<Map<String, String>> replicas = drawn.get().stream().filter(n -> "replica".equals(n.get("role"))).toList();
    assertThat(masters).hasSize(3);
    assertThat(replicas).hasSize(3);
    assertThat(masters.stream().map(m -> m.get("node")).collect(Collectors.toSet()))
        .isEqualTo(lab.monitor().latestSnapshot().nodes().stream()
            .filter(n -> "master".equals(n.role()) && n.slots() != null && !n.slots().isEmpty())
            .map(NodeStatus::address).collect(Collectors.toSet()));
    for (Map<String, String> replica : replicas) {
      String master = replica.get("master");
      assertThat(replicaOf(master)).isEqualTo(replica.get("node"));
      assertThat(replica.get("shard")).as("a replica is drawn in its master's shard")
          .isEqualTo(masters.stream().filter(m -> m.get("node").equals(master)).findFirst().orElseThrow().get("shard"));
    }
    assertThat(nodes("g.shard")).hasSize(3);

    // Some client stats in the charts, so that the picture has a history.
    browser.waiting().until(d -> points("chart-writer") >= 20 && points("chart-reader") >= 20);
    assertThat(browser.newConsoleErrors()).as("console errors after load").isEmpty();
    browser.screenshot(SCREENSHOTS.resolve("live-page-before.png"));
  }

  @Test
  @Order(2)
  void refusalsOfTheKillEndpointAreShownAsTheyCame() throws Exception {
    String master = masters().get(0);
    node(master).click();
    assertThat(browser.driver().findElement(By.id("node-select")).getDomProperty("value")).isEqualTo(master);

    typeToken("");
    button("crash").click();
    awaitResult("refused");
    assertThat(text("action-result")).startsWith("401 ").contains("missing token: send Authorization: Bearer");

    typeToken("not-the-token-not-the-token");
    button("crash").click();
    awaitResult("refused");
    assertThat(text("action-result")).isEqualTo("403 wrong token");

    // The right token, a hang too short to be valid: the endpoint's validation message, word for word.
    typeToken(TOKEN);
    WebElement seconds = browser.driver().findElement(By.id("hang-seconds"));
    seconds.clear();
    seconds.sendKeys("0");
    button("hang").click();
    awaitResult("refused");
    assertThat(text("action-result")).isEqualTo("400 \"seconds\" must be between 1 and 300, got 0");
    seconds.clear();
    seconds.sendKeys("6");

    assertThat(getJson("/api/chaos").getJsonArray("actions")).as("chaos actions after refusals").isEmpty();
    assertThat(lab.cluster().nodes()).allMatch(n -> n.state() == NodeState.RUNNING);
    // The only console errors: chromium's own report of the three refused requests.
    assertThat(browser.newConsoleErrors()).hasSize(3).allSatisfy(error -> assertThat(error)
        .containsAnyOf("/api/chaos/crash", "/api/chaos/hang").containsAnyOf("status of 40"));
  }

  @Test
  @Order(3)
  void crashFromThePageShowsTheFailureThePromotionAndTheIncident() throws Exception {
    String master = masters().get(0);
    String replica = replicaOf(master);
    String slots = node(master).getDomAttribute("data-slots");
    node(master).click();
    typeToken(TOKEN);
    button("crash").click();
    awaitResult("accepted");
    assertThat(text("action-result")).startsWith("202 accepted: crash " + master);

    // The page sees the master go: unreachable at once, then suspected (PFAIL) or failed (FAIL).
    browser.waiting(FAILOVER).until(d -> {
      String flags = node(master).getDomAttribute("data-flags");
      return "false".equals(node(master).getDomAttribute("data-reachable"))
          && (flags.contains("pfail") || flags.contains("fail"));
    });
    browser.waiting().until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("article.incident[data-state='open'][data-failed-node='" + master + "']")));
    // For the picture: the clients' errors in the charts too (their stats come once a second), unless
    // the promotion is quicker.
    browser.waiting(FAILOVER).until(d -> !"0".equals(chart("chart-writer").getDomAttribute("data-last-errors"))
        || "master".equals(node(replica).getDomAttribute("data-role")));
    browser.screenshot(SCREENSHOTS.resolve("live-page-during.png"));

    // FAIL agreed, then the replica promoted: it is drawn as the master of the same slots.
    browser.waiting(FAILOVER).until(d -> node(master).getDomAttribute("data-flags").contains("fail"));
    browser.waiting(FAILOVER).until(d -> "master".equals(node(replica).getDomAttribute("data-role")));
    WebElement promoted = node(replica);
    assertThat(promoted.getDomAttribute("data-slots")).isEqualTo(slots);
    assertThat(promoted.getDomAttribute("data-promoted")).isEqualTo("true");
    assertThat(promoted.getDomAttribute("data-shard")).isEqualTo(node(master).getDomAttribute("data-shard"));
    assertThat(promoted.findElements(By.cssSelector(".badge[data-flag='promoted']"))).hasSize(1);
    assertThat(node(master).findElements(By.cssSelector(".badge[data-flag='fail']"))).hasSize(1);
    assertThat(lab.monitor().latestSnapshot().nodes()).anyMatch(n -> n.address().equals(replica)
        && "master".equals(n.role()) && slots.equals(n.slots()));

    // The incident names the failed and the promoted node and times its phases, as the monitor does.
    String card = "article.incident[data-failed-node='" + master + "'][data-promoted-node='" + replica + "']";
    browser.waiting(FAILOVER).until(d -> {
      Map<String, Object> shown = incidentCard(card);
      return shown != null && phase(shown, "writeUnavailability") != null;
    });
    Map<String, Object> incident = incidentCard(card);
    @SuppressWarnings("unchecked")
    List<String> milestones = (List<String>) incident.get("milestones");
    assertThat(milestones).contains("faultInjectedAt", "firstClientErrorAt", "failAgreedAt", "promotedAt",
        "writerRecoveredAt");
    JsonObject report = getJson("/api/incidents/" + incident.get("id"));
    assertThat(report.getString("promotedNode")).isEqualTo(replica);
    for (String phase : List.of("detection", "election", "writeUnavailability")) {
      assertThat(phase(incident, phase)).as("%s on the page", phase)
          .isEqualTo(String.valueOf(report.getJsonObject("durationsMs").getLong(phase)));
    }
    // The picture is better once the incident closed; whether it closes is the monitor's business (MonitorVerticleIT).
    try {
      browser.waiting(Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(
          By.cssSelector(card + "[data-state='closed']")));
    } catch (org.openqa.selenium.TimeoutException stillOpen) {
      System.out.println("LivePageIT: the incident is still open for the 'after' screenshot");
    }
    assertThat(browser.driver().findElements(By.cssSelector(".event[data-type='promoted']"))).isNotEmpty();
    assertThat(browser.newConsoleErrors()).as("console errors during the failover").isEmpty();
    browser.screenshot(SCREENSHOTS.resolve("live-page-after.png"));

    // Restart from the page too: the old master comes back as the replica of the node that replaced it.
    node(master).click();
    button("restart").click();
    awaitResult("accepted");
    browser.waiting(FAILOVER).until(d -> "replica".equals(node(master).getDomAttribute("data-role"))
        && replica.equals(node(master).getDomAttribute("data-master"))
        && "up".equals(node(master).getDomAttribute("data-link")));
    lab.cluster().awaitHealthy(FAILOVER).await(60, TimeUnit.SECONDS);
    assertThat(browser.newConsoleErrors()).as("console errors during the restart").isEmpty();
  }

  @Test
  @Order(4)
  void gracefulFailoverFromThePageSwapsMasterAndReplica() throws Exception {
    String master = masters().get(2);
    String replica = replicaOf(master);
    node(master).click();
    typeToken(TOKEN);
    button("failover").click();
    awaitResult("accepted");
    assertThat(text("action-result")).startsWith("202 accepted: failover " + replica);
    browser.waiting(FAILOVER).until(d -> "master".equals(node(replica).getDomAttribute("data-role"))
        && "replica".equals(node(master).getDomAttribute("data-role"))
        && replica.equals(node(master).getDomAttribute("data-master")));
    assertThat(node(replica).getDomAttribute("data-promoted")).isEqualTo("true");
    assertThat(node(master).getDomAttribute("data-shard")).isEqualTo(node(replica).getDomAttribute("data-shard"));
    assertThat(browser.newConsoleErrors()).as("console errors during the graceful failover").isEmpty();
  }

  @Test
  @Order(5)
  void theBridgeRefusesWhatThePageSends() throws Exception {
    int actionsBefore = getJson("/api/chaos").getJsonArray("actions").size();
    List<Long> pids = lab.cluster().nodes().stream().map(LocalNode::pid).toList();
    String master = masters().get(1);
    browser.driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(15));
    // From the page's own context, on the bridge's raw WebSocket: a send and a publish to the chaos
    // address (a crash request, as the drill makes it in the monitor's JVM), then a register for an
    // address that is not let out.
    Map<String, Object> result = browser.callAsync("""
        const node = arguments[0];
        const done = arguments[arguments.length - 1];
        const url = new URL('eventbus/websocket', location.href);
        url.protocol = 'ws:';
        const socket = new WebSocket(url);
        socket.binaryType = 'arraybuffer';
        const frames = [];
        const request = {action: 'crash', node: node, requestedBy: 'a browser'};
        socket.onopen = () => {
          socket.send(JSON.stringify({type: 'send', address: 'failoverlab.chaos', body: request,
            replyAddress: 'live-page-it-reply'}));
          socket.send(JSON.stringify({type: 'publish', address: 'failoverlab.chaos', body: request}));
          socket.send(JSON.stringify({type: 'register', address: 'failoverlab.writer.floors'}));
        };
        socket.onmessage = event => {
          const text = typeof event.data === 'string' ? event.data : new TextDecoder().decode(event.data);
          frames.push(JSON.parse(text));
          if (frames.filter(frame => frame.type === 'err').length === 3) {
            socket.close();
            done({frames: frames});
          }
        };
        socket.onerror = () => done({error: 'the WebSocket failed', frames: frames});
        """, master);
    assertThat(result).doesNotContainKey("error");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> frames = (List<Map<String, Object>>) result.get("frames");
    assertThat(frames).hasSize(3).allSatisfy(frame -> {
      assertThat(frame.get("type")).isEqualTo("err");
      assertThat(frame.get("body")).isEqualTo("access_denied");
    });
    // Nothing happened: no chaos action recorded, no process touched, for as long as a crash would take to show.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
        getJson("/api/chaos").getJsonArray("actions").size() == actionsBefore
            && lab.cluster().nodes().stream().map(LocalNode::pid).toList().equals(pids)
            && lab.cluster().nodes().stream().allMatch(n -> n.state() == NodeState.RUNNING));
    assertThat(masters()).contains(master);
    assertThat(text("connection-text")).startsWith("live");
  }

  @Test
  @Order(6)
  void aMonitorRestartIsShownAsDisconnectedThenLiveAgain() throws Exception {
    browser.newConsoleErrors();
    int port = lab.monitor().httpPort();
    lab.vertx().undeploy(lab.monitor().deploymentID()).await(30, TimeUnit.SECONDS);

    browser.waiting().until(d -> Set.of("disconnected", "reconnecting")
        .contains(browser.driver().findElement(By.id("connection")).getDomAttribute("data-state")));
    assertThat(browser.driver().findElement(By.id("disconnected-banner")).isDisplayed()).isTrue();
    assertThat(text("disconnected-banner")).contains("Disconnected from the monitor");
    browser.screenshot(SCREENSHOTS.resolve("live-page-disconnected.png"));

    // The same monitor comes back on the same port: the page reconnects by itself and is fed again.
    long restartedAt = System.currentTimeMillis();
    Env env = new Env(Map.of("REDIS_NODES", String.join(",", lab.cluster().seedAddresses()),
        "HTTP_HOST", "127.0.0.1", "HTTP_PORT", Integer.toString(port), "CHAOS_TOKEN", TOKEN,
        "MONITOR_POLL_MS", "100", "INCIDENT_QUIET_MS", "1500"));
    MonitorVerticle monitor = new MonitorVerticle(MonitorSettings.fromEnv(env), lab.registry(),
        vertx -> new LocalClusterFaults(lab.cluster()));
    lab.vertx().deployVerticle(monitor).await(30, TimeUnit.SECONDS);

    awaitConnection("connected");
    assertThat(browser.driver().findElement(By.id("disconnected-banner")).isDisplayed()).isFalse();
    browser.waiting().until(d -> Long.parseLong(cluster().getDomAttribute("data-snapshot-at")) > restartedAt
        && "3".equals(cluster().getDomAttribute("data-masters"))
        && "3".equals(cluster().getDomAttribute("data-replicas")));
    // While it was away chromium reported the refused connections; nothing else went wrong.
    assertThat(browser.newConsoleErrors()).allSatisfy(error -> assertThat(error)
        .contains("127.0.0.1:" + port).containsAnyOf("ERR_CONNECTION_REFUSED", "eventbus/websocket"));
  }

  // ---- page helpers

  /** What an incident card shows, read in one go (the page rebuilds a card when its incident changes); null if absent. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> incidentCard(String css) {
    return (Map<String, Object>) browser.driver().executeScript("""
        const card = document.querySelector(arguments[0]);
        if (!card) {
          return null;
        }
        return {
          id: card.dataset.incidentId,
          promotedNode: card.dataset.promotedNode,
          lostWrites: card.dataset.lostWrites,
          milestones: [...card.querySelectorAll('[data-milestone]')].map(e => e.dataset.milestone),
          phases: Object.fromEntries([...card.querySelectorAll('.phase[data-phase]')]
              .map(e => [e.dataset.phase, e.dataset.ms])),
        };
        """, css);
  }

  /** A phase's duration in ms as the card shows it, null while unknown. */
  @SuppressWarnings("unchecked")
  private static String phase(Map<String, Object> card, String phase) {
    Object ms = ((Map<String, Object>) card.get("phases")).get(phase);
    return ms == null || ms.toString().isEmpty() ? null : ms.toString();
  }

  /** Every node the drawing shows, as its data-* attributes, read at one instant. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, String>> drawnNodes() {
    return (List<Map<String, String>>) browser.driver().executeScript(
        "return [...document.querySelectorAll('g.node')].map(node => Object.assign({}, node.dataset));");
  }

  private static boolean liveMaster(Map<String, String> node) {
    return "master".equals(node.get("role")) && "true".equals(node.get("reachable"))
        && !node.get("slots").isEmpty() && !node.get("flags").contains("fail");
  }

  private static WebElement cluster() {
    return browser.driver().findElement(By.id("cluster"));
  }

  private static List<WebElement> nodes(String css) {
    return browser.driver().findElements(By.cssSelector(css));
  }

  private static WebElement node(String address) {
    return browser.driver().findElement(By.cssSelector("g.node[data-node='" + address + "']"));
  }

  private static WebElement button(String action) {
    return browser.driver().findElement(By.id("action-" + action));
  }

  private static String text(String id) {
    return browser.driver().findElement(By.id(id)).getText();
  }

  private static WebElement chart(String id) {
    return browser.driver().findElement(By.id(id));
  }

  private static int points(String id) {
    return Integer.parseInt(chart(id).getDomAttribute("data-points"));
  }

  private static void typeToken(String token) {
    WebElement field = browser.driver().findElement(By.id("token"));
    field.clear();
    if (!token.isEmpty()) {
      field.sendKeys(token);
    }
  }

  private static void awaitResult(String outcome) {
    browser.waiting().until(ExpectedConditions.attributeToBe(By.id("action-result"), "data-outcome", outcome));
  }

  private static void awaitConnection(String state) {
    browser.waiting().until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", state));
  }

  // ---- cluster helpers

  private static JsonObject getJson(String path) throws Exception {
    return http.get(lab.monitor().httpPort(), "127.0.0.1", path).send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
  }

  private static List<String> masters() {
    return ClusterView.masters(lab.monitor().latestSnapshot());
  }

  private static String replicaOf(String master) {
    return ClusterView.replicaOf(lab.monitor().latestSnapshot(), master);
  }
}
