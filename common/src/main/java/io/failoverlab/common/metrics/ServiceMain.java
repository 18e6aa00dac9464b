package io.failoverlab.common.metrics;

import io.failoverlab.common.config.ConfigException;
import io.failoverlab.common.config.Env;
import io.failoverlab.common.config.EventBusSettings;
import io.failoverlab.common.config.LogSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code main} of every service: read the configuration (exit 2 naming the bad variable), build
 * Vert.x with metrics and the event bus the environment asks for (local, or clustered with the
 * other services: {@link EventBusSettings}), deploy, exit 1 if joining or the deployment fails, close
 * cleanly (leaving the cluster) on SIGTERM / Ctrl-C.
 */
public final class ServiceMain {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);

  private ServiceMain() {
  }

  public static void run(String service, BiFunction<Env, PrometheusMeterRegistry, Deployable> verticle) {
    PrometheusMeterRegistry registry = MetricsSetup.newRegistry();
    Env env = Env.system();
    Deployable deployable;
    EventBusSettings eventBus;
    try {
      Configuration configuration = configure(env, registry, verticle);
      eventBus = configuration.eventBus();
      deployable = configuration.deployable();
    } catch (ConfigException e) {
      System.err.println(service + ": invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    AtomicReference<Vertx> running = new AtomicReference<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Vertx vertx = running.get();
      if (vertx == null) {
        return;
      }
      LOG.info("event=service_stopping service={}", service);
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("event=service_stop_incomplete service={} error=\"{}\"", service, e.toString());
      }
    }, service + "-shutdown"));
    LOG.info("event=eventbus_starting service={} eventbus={}", service, eventBus);
    MetricsSetup.newVertx(registry, eventBus)
        .onSuccess(running::set)
        .compose(vertx -> vertx.deployVerticle(deployable))
        .onFailure(error -> {
          if (error instanceof ConfigException config) {
            // Found only once Redis answered, e.g. refused credentials: still a configuration error.
            System.err.println(service + ": invalid configuration: " + config.getMessage());
            exitLater(2);
            return;
          }
          LOG.error("event=service_start_failed service={} error=\"{}\"", service, error.toString(), error);
          exitLater(1);
        });
  }

  /** Everything a service reads from its environment, checked before anything starts. */
  public record Configuration(EventBusSettings eventBus, Deployable deployable) {
  }

  /**
   * Reads and checks every variable {@link #run} needs; a bad one is a {@link ConfigException} naming
   * it (run exits 2 with its message). Public so tests can go through the very same checks.
   */
  public static Configuration configure(Env env, PrometheusMeterRegistry registry,
                                        BiFunction<Env, PrometheusMeterRegistry, Deployable> verticle) {
    LogSettings.level(env);
    EventBusSettings eventBus = EventBusSettings.fromEnv(env);
    return new Configuration(eventBus, verticle.apply(env, registry));
  }

  /**
   * Exits from a thread of its own: System.exit runs the shutdown hook, which closes Vert.x, which
   * needs the event loop this failure is reported on; exiting right here would wait out the close.
   */
  private static void exitLater(int status) {
    new Thread(() -> System.exit(status), "service-exit").start();
  }
}
