package io.failoverlab.clients.jvm;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Lettuce's {@code RedisClusterClient} (Spring Data Redis's default), async API. {@code default} is
 * the getting-started setup: the seeds, nothing else (no topology refresh, 60 s command timeout).
 * {@code tuned} is what its documentation recommends for failover: every adaptive refresh trigger, a
 * periodic refresh, dynamic refresh sources, short command and connect timeouts.
 */
public final class LettuceClient implements JvmClient {

  private final ClientResources resources;
  private final RedisClusterClient client;
  private final StatefulRedisClusterConnection<String, String> connection;
  private final JsonObject settings = new JsonObject();

  public LettuceClient(Seeds seeds, boolean tuned) {
    resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    client = RedisClusterClient.create(resources, seeds.nodes().stream().map(node -> {
      RedisURI.Builder uri = RedisURI.builder().withHost(node.host()).withPort(node.port());
      if (seeds.password() != null) {
        uri.withPassword(seeds.password().toCharArray());
      }
      return uri.build();
    }).toList());
    settings.put("seeds", seeds.joined());
    if (tuned) {
      client.setOptions(ClusterClientOptions.builder()
          .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
              .enableAllAdaptiveRefreshTriggers()
              .adaptiveRefreshTriggersTimeout(Duration.ofMillis(100))
              .enablePeriodicRefresh(Duration.ofMillis(500))
              .dynamicRefreshSources(true)
              .closeStaleConnections(true)
              .build())
          .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(300)))
          .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(250)).build())
          .build());
      settings.put("topologyRefreshOptions.enableAllAdaptiveRefreshTriggers", true)
          .put("topologyRefreshOptions.adaptiveRefreshTriggersTimeout", "100ms")
          .put("topologyRefreshOptions.enablePeriodicRefresh", "500ms")
          .put("topologyRefreshOptions.dynamicRefreshSources", true)
          .put("topologyRefreshOptions.closeStaleConnections", true)
          .put("timeoutOptions", "enabled, 300ms")
          .put("socketOptions.connectTimeout", "250ms")
          .put("connection.setTimeout", "300ms");
    }
    try {
      connection = client.connect();
    } catch (RuntimeException e) {
      // A client that could not connect is dropped (and may be created again): its threads go with it.
      shutdown();
      throw e;
    }
    if (tuned) {
      connection.setTimeout(Duration.ofMillis(300));
    }
  }

  @Override
  public String version() {
    return VersionOf.library("lettuce");
  }

  @Override
  public JsonObject settings() {
    return settings.copy();
  }

  @Override
  public CompletionStage<Long> incr(String key) {
    return connection.async().incr(key);
  }

  @Override
  public void close() {
    try {
      connection.close();
    } finally {
      shutdown();
    }
  }

  private void shutdown() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
