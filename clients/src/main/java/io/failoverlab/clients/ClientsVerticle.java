package io.failoverlab.clients;

import io.failoverlab.common.http.Readiness;
import io.failoverlab.common.http.ServiceHttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients under test as a service of their own (compose runs the seed's redis-py and predis apps,
 * and the Java libraries, this way): the {@link ClientHarness}, and the HTTP every service has:
 * {@code /health/live}, {@code /health/ready} (every client started or reported failed, and the event
 * bus answering), {@code /metrics} (each client's meters, labelled by client and config), {@code /stats}
 * (each client's state, settings and totals, refreshed every second).
 */
public final class ClientsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ClientsVerticle.class);

  private final ClientsSettings settings;
  private final PrometheusMeterRegistry registry;
  private final String instance = UUID.randomUUID().toString().substring(0, 8);
  private ClientHarness harness;
  private ServiceHttpServer http;
  private Readiness readiness;
  private volatile JsonArray described = new JsonArray();
  private long timer = -1;

  public ClientsVerticle(ClientsSettings settings, PrometheusMeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    readiness = new Readiness(vertx, instance, this::clientsStatus);
    http = new ServiceHttpServer(vertx, settings.http(), registry, readiness.checks(), this::stats);
    return Future.join(readiness.ready(), http.listen())
        .compose(listening -> ClientHarness.start(vertx, registry, settings.catalog(), settings.specs(),
            settings.redis(), settings.workload()))
        .onSuccess(started -> {
          harness = started;
          timer = vertx.setPeriodic(1000, id -> harness.describe().onSuccess(json -> described = json));
          LOG.info("event=service_started service=clients instance={} http_port={} clients={} seeds={}", instance,
              http.port(), settings.specs(), settings.redis().seeds());
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    Future<Void> clients = harness == null ? Future.succeededFuture() : harness.stop();
    return clients.eventually(() -> Future.join(http.close(), readiness.close()));
  }

  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  public ClientHarness harness() {
    return harness;
  }

  /** Ready once every client has started or been reported failed (a failure is a result, not a fault). */
  private JsonObject clientsStatus() {
    JsonObject states = new JsonObject();
    boolean starting = harness == null;
    if (harness != null) {
      for (ClientRun run : harness.runs()) {
        states.put(run.label(), run.state().name().toLowerCase(java.util.Locale.ROOT));
        starting |= run.state() == ClientRun.State.STARTING;
      }
    }
    return new JsonObject().put("ok", !starting).put("clients", states);
  }

  private JsonObject stats() {
    return new JsonObject().put("service", "clients").put("instance", instance).put("clients", described.copy());
  }
}
