package io.failoverlab.common.http;

import io.failoverlab.common.config.HttpSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface every service shares: {@code /health/live}, {@code /health/ready}, {@code /metrics}
 * (Prometheus text) and {@code /stats} (JSON). Services add their own routes to {@link #router()}.
 * Unknown paths, wrong methods and failures all answer with {@link HttpErrors}' JSON shape.
 */
public final class ServiceHttpServer {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceHttpServer.class);

  private final Vertx vertx;
  private final HttpSettings settings;
  private final Router router;
  private HttpServer server;

  public ServiceHttpServer(Vertx vertx, HttpSettings settings, PrometheusMeterRegistry registry,
                           HealthChecks readiness, Supplier<JsonObject> stats) {
    this.vertx = vertx;
    this.settings = settings;
    this.router = Router.router(vertx);
    router.get("/health/live").handler(rc -> HttpErrors.sendJson(rc, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/stats").handler(rc -> HttpErrors.sendJson(rc, stats.get()));
    router.errorHandler(404, rc -> HttpErrors.send(rc, 404, "no such resource: " + rc.request().path()));
    router.errorHandler(405, rc -> HttpErrors.send(rc, 405, "method " + rc.request().method() + " not allowed on " + rc.request().path()));
    router.errorHandler(500, rc -> {
      LOG.error("event=http_failure path={} error=\"{}\"", rc.request().path(), String.valueOf(rc.failure()), rc.failure());
      HttpErrors.send(rc, 500, "internal error");
    });
  }

  public Router router() {
    return router;
  }

  public Future<HttpServer> listen() {
    return vertx.createHttpServer()
        .requestHandler(router)
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
