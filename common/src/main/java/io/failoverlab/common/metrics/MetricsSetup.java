package io.failoverlab.common.metrics;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.failoverlab.common.config.EventBusSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * One Prometheus registry per JVM, and a Vert.x instance that reports its own meters into it: with
 * the local event bus (the lab, tests, a lone service), or clustered over Hazelcast when
 * {@link EventBusSettings} say so (one service per container).
 */
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
    return Vertx.builder()
        .with(withMetrics(options))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  /**
   * Vert.x whose event bus follows {@code eventBus}: local, or clustered once this member has joined
   * the others (completes when it has, fails if it cannot start its cluster member).
   */
  public static Future<Vertx> newVertx(PrometheusMeterRegistry registry, EventBusSettings eventBus) {
    if (!eventBus.clustered()) {
      return Future.succeededFuture(newVertx(registry));
    }
    // Hazelcast reads its logging choice when its classes load: before the cluster manager exists.
    System.setProperty("hazelcast.logging.type", "slf4j");
    VertxOptions options = withMetrics(new VertxOptions()).setEventBusOptions(eventBusOptions(eventBus));
    return Vertx.builder()
        .with(options)
        .withMetrics(new MicrometerMetricsFactory(registry))
        .withClusterManager(new HazelcastClusterManager(hazelcastConfig(eventBus)))
        .buildClustered();
  }

  /** The event bus listens on host:port and tells the others to connect to publicHost:port. */
  static EventBusOptions eventBusOptions(EventBusSettings settings) {
    return new EventBusOptions()
        .setHost(settings.host())
        .setPort(settings.port())
        .setClusterPublicHost(settings.publicHost())
        .setClusterPublicPort(settings.port());
  }

  /**
   * Members from the configured list only: multicast and cloud auto-detection (which probes cloud
   * metadata addresses) are off, and so is Hazelcast's phone-home. The three structures are those of
   * vertx-hazelcast's default-cluster.xml.
   */
  static Config hazelcastConfig(EventBusSettings settings) {
    Config config = new Config();
    config.setClusterName(settings.clusterName());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    // A member that started before the others could resolve their names forms a cluster of its own;
    // check for such splits (and merge them) within seconds instead of Hazelcast's 5 minutes.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    // A member that vanished without leaving (container killed) is dropped after 15 s, not 60.
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "15");

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.clusterPort()).setPortAutoIncrement(false);
    network.setPublicAddress(settings.publicHost() + ":" + settings.clusterPort());
    if (!EventBusSettings.ANY_HOST.equals(settings.host())) {
      config.setProperty("hazelcast.socket.bind.any", "false");
      network.getInterfaces().setEnabled(true).addInterface(settings.host());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true);
    settings.members().forEach(member -> join.getTcpIpConfig().addMember(member.host() + ":" + member.port()));

    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return config;
  }

  /**
   * Vert.x's meters, except the Redis client's per-command ones: our own failoverlab_* meters say
   * more (per service, outcome and error type). Profiled at full speed, the client's per-command
   * reporting took about 11% of the writer's CPU with these meters on and 7.8% with them off
   * (docs/BENCHMARKS.md); the meters are the part that can be switched off.
   */
  private static VertxOptions withMetrics(VertxOptions options) {
    return options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .addDisabledMetricsCategory(REDIS_CLIENT_METRICS));
  }

  /** The client type vertx-redis-client reports its metrics under. */
  static final String REDIS_CLIENT_METRICS = "redis";
}
