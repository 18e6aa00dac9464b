package io.failoverlab.common.http;

import io.failoverlab.common.config.HttpSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface every service shares: {@code /health/live}, {@code /health/ready}, {@code /metrics}
 * (Prometheus text) and {@code /stats} (JSON). Services add their own routes to {@link #router()}.
 * Unknown paths, wrong methods, bodies over {@link #MAX_BODY_BYTES}, requests the HTTP codec cannot
 * parse and failures all answer with {@link HttpErrors}' JSON shape.
 */
public final class ServiceHttpServer {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceHttpServer.class);
  /** The largest request body any endpoint takes (only the kill endpoint takes one at all). */
  public static final int MAX_BODY_BYTES = 4096;

  private final Vertx vertx;
  private final HttpSettings settings;
  private final Router router;
  private HttpServer server;

  public ServiceHttpServer(Vertx vertx, HttpSettings settings, PrometheusMeterRegistry registry,
                           HealthChecks readiness, Supplier<JsonObject> stats) {
    this.vertx = vertx;
    this.settings = settings;
    this.router = Router.router(vertx);
    // Every route, first: without it a GET endpoint drained a body of any size and answered 200
    // (found by BadInputIT). Bounded here, a larger body is a 413 before any handler sees it; the
    // kill endpoint's own BodyHandler then finds the body read and goes on.
    router.route()
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(ServiceHttpServer::noBodyOnGet);
    router.get("/health/live").handler(rc -> HttpErrors.sendJson(rc, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/stats").handler(rc -> HttpErrors.sendJson(rc, stats.get()));
    // Any other status a handler fails with (400 for a malformed %-escape in the path, 413, 403 from
    // the SockJS bridge, ...) had Vert.x Web's plain-text page: the same JSON shape for all of them.
    for (int status = 400; status < 600; status++) {
      int code = status;
      router.errorHandler(code, rc -> HttpErrors.send(rc, code, describe(code, rc)));
    }
    router.errorHandler(404, rc -> HttpErrors.send(rc, 404, "no such resource: " + rc.request().path()));
    router.errorHandler(405, rc -> HttpErrors.send(rc, 405, "method " + rc.request().method() + " not allowed on " + rc.request().path()));
    router.errorHandler(500, rc -> {
      LOG.error("event=http_failure path={} error=\"{}\"", rc.request().path(), String.valueOf(rc.failure()), rc.failure());
      HttpErrors.send(rc, 500, "internal error");
    });
  }

  /** A GET takes no input: a body on one (JSON or not) is refused, not silently ignored. */
  private static void noBodyOnGet(RoutingContext rc) {
    HttpMethod method = rc.request().method();
    boolean bodiless = method == HttpMethod.GET || method == HttpMethod.HEAD;
    if (bodiless && rc.body() != null && rc.body().length() > 0) {
      HttpErrors.send(rc, 400, method + " " + printable(rc.request().path()) + " takes no request body");
      return;
    }
    rc.next();
  }

  private static String describe(int status, RoutingContext rc) {
    if (status == 413) {
      return "request body is larger than " + MAX_BODY_BYTES + " bytes";
    }
    String reason = HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase(Locale.ROOT);
    // A 4xx says what was wrong with the request; a 5xx's cause stays in the log.
    if (status < 500 && rc.failure() != null && rc.failure().getMessage() != null) {
      return reason + ": " + printable(rc.failure().getMessage());
    }
    if (status >= 500) {
      LOG.error("event=http_failure path={} status={} error=\"{}\"", printable(rc.request().path()), status,
          String.valueOf(rc.failure()), rc.failure());
    }
    return reason;
  }

  /**
   * Requests the HTTP codec rejects (CR or LF inside a header, a malformed request line or
   * Content-Length, a header over 8 KB, a request line over 4 KB) never reach the router: Vert.x's
   * default answered them with an empty body (found by BadInputIT). Same statuses, our JSON.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414
        : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    String problem = switch (status) {
      case 414 -> "request line longer than the server accepts";
      case 431 -> "request headers larger than the server accepts";
      default -> "bad request line, header or framing (e.g. CR or LF inside a header)";
    };
    // Only the exception's type: the codec's message quotes the offending header, which may be a token.
    LOG.info("event=http_invalid_request source={} status={} error={}", request.remoteAddress(), status,
        cause == null ? "-" : cause.getClass().getSimpleName());
    request.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(new JsonObject().put("status", status).put("error", "malformed HTTP request: " + problem).encode());
    // As Vert.x's default does: the rest of the stream cannot be trusted to be framed right.
    request.connection().close();
  }

  /** Client input in a log line or an answer: no control characters, bounded length. */
  static String printable(String value) {
    String clean = value.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
  }

  public Router router() {
    return router;
  }

  public Future<HttpServer> listen() {
    return vertx.createHttpServer()
        .requestHandler(router)
        .invalidRequestHandler(ServiceHttpServer::invalidRequest)
        .listen(settings.port(), settings.host())
        .onSuccess(started -> server = started);
  }

  /** The port actually bound (useful when configured as 0). */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
