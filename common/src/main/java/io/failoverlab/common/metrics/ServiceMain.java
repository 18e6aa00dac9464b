package io.failoverlab.common.metrics;

import io.failoverlab.common.config.ConfigException;
import io.failoverlab.common.config.Env;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code main} of every service: read the configuration (exit 2 naming the bad variable), build
 * Vert.x with metrics, deploy, exit 1 if the deployment fails, close cleanly on SIGTERM / Ctrl-C.
 */
public final class ServiceMain {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);

  private ServiceMain() {
  }

  public static void run(String service, BiFunction<Env, PrometheusMeterRegistry, Deployable> verticle) {
    PrometheusMeterRegistry registry = MetricsSetup.newRegistry();
    Deployable deployable;
    try {
      deployable = verticle.apply(Env.system(), registry);
    } catch (ConfigException e) {
      System.err.println(service + ": invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = MetricsSetup.newVertx(registry);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("event=service_stopping service={}", service);
      try {
        vertx.close().await(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("event=service_stop_incomplete service={} error=\"{}\"", service, e.toString());
      }
    }, service + "-shutdown"));
    vertx.deployVerticle(deployable).onFailure(error -> {
      LOG.error("event=service_start_failed service={} error=\"{}\"", service, error.toString(), error);
      System.exit(1);
    });
  }
}
