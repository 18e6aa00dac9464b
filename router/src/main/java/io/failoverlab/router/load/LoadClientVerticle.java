package io.failoverlab.router.load;

import io.failoverlab.common.config.Windows;
import io.failoverlab.common.contract.ServiceName;
import io.failoverlab.common.http.Readiness;
import io.failoverlab.common.http.ServiceHttpServer;
import io.failoverlab.router.ClusterRouter;
import io.failoverlab.router.ReadFrom;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the writer and the reader share: their own {@link ClusterRouter}, a {@link LoadLoop} over the
 * counter keys, a {@link ClientRecorder}, readiness and the common HTTP endpoints. A subclass says
 * what one operation on a key is.
 */
public abstract class LoadClientVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(LoadClientVerticle.class);

  protected final ClientSettings settings;
  protected final String instance = UUID.randomUUID().toString().substring(0, 8);
  private final PrometheusMeterRegistry registry;
  protected ClusterRouter router;
  protected ClientRecorder recorder;
  private LoadLoop loop;
  private Readiness readiness;
  private ServiceHttpServer http;

  protected LoadClientVerticle(ClientSettings settings, PrometheusMeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
  }

  /** Writer or reader: the {@code service} label on metrics and events. */
  protected abstract ServiceName service();

  /** The Redis command, for the {@code op} label ("incr", "get"). */
  protected abstract String op();

  protected abstract ReadFrom readFrom();

  protected abstract Set<ClientRecorder.Extra> extraCounters();

  /** One operation on {@code key}; records its own results on {@link #recorder}. */
  protected abstract Future<?> operate(String key);

  /** Anything else the service starts (consumers, timers); part of the deployment. */
  protected Future<?> startMore() {
    return Future.succeededFuture();
  }

  /** Service-specific HTTP routes, added before the server listens. */
  protected void addRoutes(io.vertx.ext.web.Router router) {
  }

  /** Service-specific parts of {@code /stats}. */
  protected void describe(JsonObject stats) {
  }

  @Override
  public Future<?> start() {
    router = new ClusterRouter(vertx, settings.redis(), readFrom());
    loop = new LoadLoop(vertx, settings.keys().names(), settings.rate(), settings.concurrency(), this::operate,
        () -> recorder.skipped());
    recorder = new ClientRecorder(vertx, registry, ClientIdentity.of(service()), op(), instance, extraCounters(), () -> loop.inFlight());
    readiness = new Readiness(vertx, instance, this::redisStatus);
    http = new ServiceHttpServer(vertx, settings.http(), registry, readiness.checks(), this::stats);
    addRoutes(http.router());
    return Future.join(router.start(), readiness.ready(), startMore(), http.listen())
        .onSuccess(started -> {
          recorder.start();
          loop.start();
          LOG.info("event=service_started service={} instance={} http_port={} rate={} concurrency={} keys={} seeds={}",
              service().label(), instance, http.port(), settings.rate(), settings.concurrency(), settings.keys().size(),
              settings.redis().seeds());
        });
  }

  @Override
  public Future<?> stop() {
    // Operations in flight finish (within their deadline) before the router closes under them.
    Future<Void> drained = loop == null ? Future.succeededFuture() : loop.stop();
    return drained.eventually(() -> {
      if (recorder != null) {
        recorder.stop();
      }
      return Future.join(http.close(), router.close(), readiness.close());
    });
  }

  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  public String instance() {
    return instance;
  }

  /**
   * Ready when the cluster answers and every slot has a master this client can reach: while a shard
   * has no master (or before its replica is promoted) some keys cannot be served, and readiness says
   * which.
   */
  private JsonObject redisStatus() {
    long sinceContact = System.currentTimeMillis() - router.lastContactMillis();
    long window = Windows.readinessMs(settings.redis().topologyRefreshMs());
    boolean answering = router.hasTopology() && router.lastContactMillis() > 0 && sinceContact <= window;
    int uncovered = router.slots().uncoveredSlots();
    java.util.List<String> shardsDown = router.shardsDown();
    return new JsonObject()
        .put("ok", answering && uncovered == 0 && shardsDown.isEmpty())
        .put("topologyKnown", router.hasTopology())
        .put("msSinceLastReply", router.lastContactMillis() == 0 ? null : sinceContact)
        .put("uncoveredSlots", uncovered)
        .put("shardsDown", new io.vertx.core.json.JsonArray(shardsDown));
  }

  private JsonObject stats() {
    JsonObject stats = new JsonObject()
        .put("service", service().label())
        .put("instance", instance)
        .put("uptimeMs", System.currentTimeMillis() - recorder.startedAt())
        .put("config", new JsonObject()
            .put("rate", settings.rate())
            .put("concurrency", settings.concurrency())
            .put("keys", settings.keys().size())
            .put("keyPrefix", settings.keys().prefix())
            .put("commandTimeoutMs", settings.redis().commandTimeoutMs())
            .put("operationTimeoutMs", settings.redis().operationTimeoutMs()))
        .put("inFlight", loop.inFlight())
        .put("totals", recorder.totals())
        .put("outages", recorder.outagesJson())
        .put("lastSecond", recorder.lastStats() == null ? null : recorder.lastStats().toJson())
        .put("redis", router.describe());
    describe(stats);
    return stats;
  }
}
