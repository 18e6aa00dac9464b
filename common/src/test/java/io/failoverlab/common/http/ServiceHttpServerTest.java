package io.failoverlab.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.config.HttpSettings;
import io.failoverlab.common.metrics.MetricsSetup;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared HTTP surface answers bad requests with its JSON error and a 4xx, including those that
 * never reach the router (the HTTP codec's) and those Vert.x Web answered in plain text; one test per
 * defect the bad-input suite (lab's BadInputIT) found. Raw sockets: a client would not send these.
 */
class ServiceHttpServerTest {

  private static Vertx vertx;
  private static ServiceHttpServer server;

  @BeforeAll
  static void listen() throws Exception {
    vertx = Vertx.vertx();
    HealthChecks ready = HealthChecks.create(vertx).register("always", promise -> promise.complete(Status.OK()));
    server = new ServiceHttpServer(vertx, new HttpSettings("127.0.0.1", 0), MetricsSetup.newRegistry(), ready,
        () -> new JsonObject().put("service", "test"));
    server.router().post("/echo").handler(rc -> HttpErrors.sendJson(rc, new JsonObject().put("bytes", rc.body().length())));
    server.listen().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aCrOrLfInsideAHeaderIsA400WithTheJsonError() throws Exception {
    assertJsonError(exchange("GET /stats HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\nConnection: close\r\n\r\n"), 400);
    assertJsonError(exchange("GET /stats HTTP/1.1\r\nHost: x\r\nX-A: a\nSet-Cookie: x=1\r\nConnection: close\r\n\r\n"), 400);
    assertJsonError(exchange("garbage\r\n\r\n"), 400);
  }

  @Test
  void theCodecsErrorNeverEchoesTheHeaderItRefused() throws Exception {
    String answer = exchange("GET /stats HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer secret-token-123\r\r\n\r\n");
    assertJsonError(answer, 400);
    assertThat(answer).doesNotContain("secret-token-123");
  }

  @Test
  void oversizedHeadersAndRequestLinesAre431And414WithTheJsonError() throws Exception {
    assertJsonError(exchange("GET /stats HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n"), 431);
    assertJsonError(exchange("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
  }

  @Test
  void aMalformedPercentEscapeIsA400WithTheJsonErrorNotAPlainTextPage() throws Exception {
    assertJsonError(exchange("GET /health/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400);
  }

  @Test
  void aBodyOnAGetIsRefusedAndAHugeBodyIs413Anywhere() throws Exception {
    assertJsonError(exchange("GET /stats HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\nConnection: close\r\n\r\n{\"node\":"), 400);
    assertJsonError(exchange("GET /stats HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\nConnection: close\r\n\r\n"
        + "[".repeat(5_000_000)), 413);
    assertJsonError(exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4097\r\nConnection: close\r\n\r\n"
        + "x".repeat(4097)), 413);
    String fits = exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\nConnection: close\r\n\r\n"
        + "x".repeat(4096));
    assertThat(fits).startsWith("HTTP/1.1 200").contains("\"bytes\" : 4096");
  }

  @Test
  void unknownPathsAndMethodsKeepTheirJsonErrors() throws Exception {
    assertJsonError(exchange("GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 404);
    assertJsonError(exchange("FOO /stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 405);
    assertThat(exchange("GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
  }

  private static void assertJsonError(String answer, int status) {
    assertThat(answer).as(answer).startsWith("HTTP/1.").contains(" " + status + " ");
    String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
    assertThat(head).contains("content-type: application/json").contains("x-content-type-options: nosniff");
    JsonObject body = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    assertThat(body.getInteger("status")).isEqualTo(status);
    assertThat(body.getString("error")).isNotBlank();
  }

  private static String exchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] chunk = new byte[8192];
      try {
        for (int n; (n = in.read(chunk)) != -1; ) {
          bytes.write(chunk, 0, n);
        }
      } catch (IOException reset) {
        // A reset after the answer: keep what arrived.
      }
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
