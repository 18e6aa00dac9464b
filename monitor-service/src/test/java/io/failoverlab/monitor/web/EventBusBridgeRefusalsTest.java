package io.failoverlab.monitor.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the SockJS bridge answered in plain text or with an empty body (found by the lab's
 * BadInputIT) now gets the JSON error every other endpoint gives.
 */
class EventBusBridgeRefusalsTest {

  private static Vertx vertx;
  private static HttpServer server;
  private static WebClient http;

  @BeforeAll
  static void serve() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    LivePage.mount(vertx, router);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    http = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aPlainGetOfTheWebSocketEndpointIsA400WithTheJsonError() throws Exception {
    assertJsonError(send(request(HttpMethod.GET, "/eventbus/websocket")), 400);
    assertJsonError(send(request(HttpMethod.GET, "/eventbus/000/abc/websocket")), 400);
  }

  @Test
  void anUpgradeWithoutItsKeyIsA400WithTheJsonError() throws Exception {
    HttpRequest<Buffer> upgrade = request(HttpMethod.GET, "/eventbus/websocket")
        .putHeader("Upgrade", "websocket").putHeader("Connection", "Upgrade").putHeader("Sec-WebSocket-Version", "13");
    assertJsonError(send(upgrade), 400);
  }

  @Test
  void otherMethodsAre405WithTheJsonError() throws Exception {
    for (HttpMethod method : new HttpMethod[] {HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.OPTIONS}) {
      HttpResponse<Buffer> response = send(request(method, "/eventbus/websocket"));
      assertJsonError(response, 405);
      assertThat(response.getHeader("Allow")).isEqualTo("GET");
    }
  }

  private static HttpRequest<Buffer> request(HttpMethod method, String path) {
    return http.request(method, server.actualPort(), "127.0.0.1", path);
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request) throws Exception {
    return request.send().await(10, TimeUnit.SECONDS);
  }

  private static void assertJsonError(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("content-type")).isEqualTo("application/json");
    assertThat(response.bodyAsJsonObject().getInteger("status")).isEqualTo(status);
    assertThat(response.bodyAsJsonObject().getString("error")).contains("event-bus bridge");
  }
}
