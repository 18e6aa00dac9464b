package io.failoverlab.common.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/** One Prometheus registry per JVM, and a Vert.x instance that reports its own meters into it. */
public final class MetricsSetup {

  private MetricsSetup() {
  }

  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** Vert.x with vertx-micrometer-metrics (event loop, event bus, HTTP, net client meters) and JVM meters. */
  public static Vertx newVertx(PrometheusMeterRegistry registry) {
    return newVertx(registry, new VertxOptions());
  }

  public static Vertx newVertx(PrometheusMeterRegistry registry, VertxOptions options) {
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
    return Vertx.builder()
        .with(options)
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }
}
