package io.failoverlab.clients.jvm;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/**
 * Jedis's {@code JedisCluster}: synchronous, so its calls run on {@value #THREADS} threads of its own,
 * as a web application's request threads would call it (each key still has one INCR in flight).
 * {@code default} is the getting-started setup ({@code new JedisCluster(nodes)}: 2 s connect and socket
 * timeouts, 5 attempts); {@code tuned} fails a dead or frozen node fast, bounds the retries of one call
 * in time, and refreshes the topology periodically (added in Jedis 5.2, #3596).
 */
public final class JedisClient implements JvmClient {

  static final int THREADS = 16;

  private final JedisCluster cluster;
  private final ExecutorService threads;
  private final JsonObject settings = new JsonObject();

  public JedisClient(Seeds seeds, boolean tuned, String label) {
    Set<HostAndPort> nodes = new LinkedHashSet<>();
    seeds.nodes().forEach(node -> nodes.add(new HostAndPort(node.host(), node.port())));
    settings.put("nodes", seeds.joined()).put("calling threads", THREADS);
    if (tuned) {
      DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
          .connectionTimeoutMillis(250).socketTimeoutMillis(250);
      if (seeds.password() != null) {
        config.password(seeds.password());
      }
      cluster = new JedisCluster(nodes, config.build(), new GenericObjectPoolConfig<Connection>(),
          Duration.ofSeconds(1), 5, Duration.ofMillis(1000));
      settings.put("connectionTimeoutMillis", 250).put("socketTimeoutMillis", 250)
          .put("topologyRefreshPeriod", "1s").put("maxAttempts", 5).put("maxTotalRetriesDuration", "1000ms");
    } else if (seeds.password() != null) {
      cluster = new JedisCluster(nodes, DefaultJedisClientConfig.builder().password(seeds.password()).build());
    } else {
      cluster = new JedisCluster(nodes);
    }
    AtomicInteger counter = new AtomicInteger();
    threads = Executors.newFixedThreadPool(THREADS, runnable -> {
      Thread thread = new Thread(runnable, "jedis-" + label + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  @Override
  public String version() {
    return VersionOf.library("jedis");
  }

  @Override
  public JsonObject settings() {
    return settings.copy();
  }

  @Override
  public CompletionStage<Long> incr(String key) {
    return CompletableFuture.supplyAsync(() -> cluster.incr(key), threads);
  }

  @Override
  public void close() {
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      cluster.close();
    }
  }
}
