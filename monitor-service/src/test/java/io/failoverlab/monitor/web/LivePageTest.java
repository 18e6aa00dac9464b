package io.failoverlab.monitor.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.contract.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live page's server side without a cluster: the bridge's permissions, the page's headers and
 * files, and a real WebSocket client speaking the bridge's frames the way the page does.
 */
class LivePageTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private static Vertx vertx;
  private static HttpServer server;
  private static WebClient http;
  private static WebSocketClient sockets;

  @BeforeAll
  static void serve() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    LivePage.mount(vertx, router);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    http = WebClient.create(vertx);
    sockets = vertx.createWebSocketClient();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void bridgeLetsOutExactlyTheLiveAddressesAndNothingIn() {
    var options = EventBusBridge.options();
    assertThat(options.getInboundPermitteds()).as("inbound permitted").isEmpty();
    assertThat(options.getOutboundPermitteds()).allSatisfy(permitted -> {
      assertThat(permitted.getAddressRegex()).as("no address patterns").isNull();
      assertThat(permitted.getMatch()).as("no body matching").isNull();
      assertThat(permitted.getRequiredAuthority()).isNull();
    });
    assertThat(options.getOutboundPermitteds()).extracting(PermittedOptions::getAddress).containsExactlyInAnyOrder(
        Addresses.TOPOLOGY_SNAPSHOT, Addresses.TOPOLOGY_EVENT, Addresses.CLIENT_STATS, Addresses.CLIENT_OUTAGE,
        Addresses.INCIDENT, Addresses.CHAOS_ACTION, Addresses.MIGRATION_PROGRESS);
    assertThat(EventBusBridge.handlerOptions().getDisabledTransports())
        .as("only the WebSocket transports stay on").containsExactlyInAnyOrder("XHR", "EVENT_SOURCE", "HTML_FILE", "JSON_P");
    assertThat(EventBusBridge.handlerOptions().isInsertJSESSIONID()).isFalse();
  }

  @Test
  void pageIsServedWithAContentSecurityPolicyAndNoInlineScript() throws Exception {
    HttpResponse<Buffer> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("content-type")).startsWith("text/html");
    assertThat(page.getHeader("Content-Security-Policy")).isEqualTo(LivePage.CONTENT_SECURITY_POLICY)
        .contains("default-src 'self'").contains("script-src 'self'").doesNotContain("unsafe");
    assertThat(page.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    String html = page.bodyAsString();
    assertThat(html).contains("<script type=\"module\" src=\"live/main.js\"></script>");
    assertThat(Pattern.compile("<script(?![^>]*\\ssrc=)[^>]*>").matcher(html).find()).as("an inline script").isFalse();
    assertThat(html).doesNotContain(" style=").doesNotContain("<style").doesNotContain("http://").doesNotContain("https://");
    HttpResponse<Buffer> head = http.head(server.actualPort(), "127.0.0.1", "/").send().await(10, TimeUnit.SECONDS);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.getHeader("Content-Security-Policy")).isEqualTo(LivePage.CONTENT_SECURITY_POLICY);
  }

  @Test
  void everyFileThePageAndItsModulesNameIsServedFromTheJar() throws Exception {
    String html = get("/").bodyAsString();
    List<String> files = new java.util.ArrayList<>(references(html, "(?:src|href)=\"(live/[^\"]+)\""));
    assertThat(files).contains("live/main.js", "live/style.css");
    for (int i = 0; i < files.size(); i++) {
      String file = files.get(i);
      HttpResponse<Buffer> response = get("/" + file);
      assertThat(response.statusCode()).as(file).isEqualTo(200);
      assertThat(response.getHeader("Content-Security-Policy")).as(file).isEqualTo(LivePage.CONTENT_SECURITY_POLICY);
      if (file.endsWith(".js")) {
        assertThat(response.getHeader("content-type")).as(file).contains("javascript");
        String source = response.bodyAsString();
        assertThat(source).as("%s writes markup", file).doesNotContain("innerHTML").doesNotContain("insertAdjacentHTML")
            .doesNotContain("localStorage").doesNotContain("sessionStorage").doesNotContain("document.cookie")
            .doesNotContain("eval(");
        for (String imported : references(source, "from '\\./([^']+)'")) {
          if (!files.contains("live/" + imported)) {
            files.add("live/" + imported);
          }
        }
      }
    }
    assertThat(files).contains("live/bridge.js", "live/cluster-view.js", "live/charts.js", "live/incidents.js");
    assertThat(get("/live/../pom.xml").statusCode()).isEqualTo(404);
  }

  @Test
  void bridgeDeliversTheLiveAddressesAndRefusesEverySendAndPublish() throws Exception {
    List<JsonObject> chaosRequests = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.CHAOS, message -> chaosRequests.add(message.body()))
        .completion().await(5, TimeUnit.SECONDS);
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    WebSocket socket = sockets.connect(options()).await(10, TimeUnit.SECONDS);
    socket.handler(data -> frames.add(new JsonObject(data.toString())));
    try {
      send(socket, new JsonObject().put("type", "register").put("address", Addresses.TOPOLOGY_EVENT));
      // Registering takes effect some time after the frame; publish until one comes through.
      AtomicInteger published = new AtomicInteger();
      long timer = vertx.setPeriodic(20, id -> vertx.eventBus().publish(Addresses.TOPOLOGY_EVENT,
          new JsonObject().put("type", "promoted").put("n", published.incrementAndGet())));
      try {
        await().atMost(WAIT).until(() -> frames.stream().anyMatch(frame -> "rec".equals(frame.getString("type"))));
      } finally {
        vertx.cancelTimer(timer);
      }
      JsonObject received = frames.stream().filter(frame -> "rec".equals(frame.getString("type"))).findFirst().get();
      assertThat(received.getString("address")).isEqualTo(Addresses.TOPOLOGY_EVENT);
      assertThat(received.getJsonObject("body").getString("type")).isEqualTo("promoted");

      List<JsonObject> refused = List.of(
          new JsonObject().put("type", "send").put("address", Addresses.CHAOS)
              .put("body", new JsonObject().put("action", "crash").put("node", "127.0.0.1:7000")),
          new JsonObject().put("type", "publish").put("address", Addresses.CHAOS)
              .put("body", new JsonObject().put("action", "crash").put("node", "127.0.0.1:7000")),
          new JsonObject().put("type", "publish").put("address", Addresses.TOPOLOGY_EVENT)
              .put("body", new JsonObject().put("type", "forged")),
          new JsonObject().put("type", "register").put("address", Addresses.WRITER_FLOORS),
          new JsonObject().put("type", "register").put("address", Addresses.CHAOS));
      for (JsonObject frame : refused) {
        frames.clear();
        send(socket, frame);
        await().atMost(WAIT).until(() -> frames.stream().anyMatch(f -> "err".equals(f.getString("type"))));
        assertThat(frames.stream().filter(f -> "err".equals(f.getString("type"))).findFirst().get().getString("body"))
            .as("answer to %s", frame.encode()).isEqualTo("access_denied");
      }
      assertThat(chaosRequests).as("chaos requests that reached the bus").isEmpty();
    } finally {
      socket.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aBrowserOnAnotherOriginCannotOpenTheBridge() throws Exception {
    String local = "http://127.0.0.1:" + server.actualPort();
    WebSocket sameOrigin = sockets.connect(options().addHeader("Origin", local)).await(10, TimeUnit.SECONDS);
    sameOrigin.close().await(5, TimeUnit.SECONDS);
    assertThatThrownBy(() -> sockets.connect(options().addHeader("Origin", "http://evil.example"))
        .await(10, TimeUnit.SECONDS)).hasMessageContaining("403");
    assertThat(EventBusBridge.sameHost("https://monitor.example", "monitor.example")).isTrue();
    assertThat(EventBusBridge.sameHost("http://monitor.example:8080", "monitor.example:8080")).isTrue();
    assertThat(EventBusBridge.sameHost("http://monitor.example:8080", "monitor.example:8081")).isFalse();
    assertThat(EventBusBridge.sameHost("http://monitor.example.evil.example", "monitor.example")).isFalse();
    assertThat(EventBusBridge.sameHost("null", "monitor.example")).isFalse();
  }

  // ---- helpers

  private static WebSocketConnectOptions options() {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.actualPort()).setURI("/eventbus/websocket");
  }

  private static void send(WebSocket socket, JsonObject frame) throws Exception {
    socket.writeTextMessage(frame.encode()).await(5, TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> get(String path) throws Exception {
    return http.get(server.actualPort(), "127.0.0.1", path).send().await(10, TimeUnit.SECONDS);
  }

  private static List<String> references(String text, String regex) {
    List<String> found = new java.util.ArrayList<>();
    Matcher matcher = Pattern.compile(regex).matcher(text);
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }
}
