package io.failoverlab.bench;

import io.failoverlab.clients.OpLog;
import io.failoverlab.router.SlotHash;
import io.failoverlab.router.load.CounterKeys;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The reference: the same writer workload on Lettuce, a well-kept Java cluster client, configured the
 * way its documentation recommends for failover (every adaptive topology refresh trigger on, a
 * periodic refresh, a command timeout). Bench only: the services never use Lettuce.
 *
 * <p>Same shape as our writer: {@code keys} counter keys over every shard, one INCR in flight per
 * key, {@code rate} operations per second in all; a failed INCR is retried after the same short
 * jittered backoff our router uses (2 ms doubling to 20 ms), so both get the same chances to notice
 * that the shard is back.
 */
final class LettuceWriter implements AutoCloseable {

  /** How Lettuce is configured; printed with the results. */
  record Config(Duration commandTimeout, Duration adaptiveRefreshTimeout, Duration periodicRefresh) {

    String describe() {
      return String.format(Locale.ROOT, "lettuce-core 7.7, all adaptive refresh triggers (rate limit %d ms), periodic "
              + "refresh %d ms, command timeout %d ms, dynamic refresh sources", adaptiveRefreshTimeout.toMillis(),
          periodicRefresh.toMillis(), commandTimeout.toMillis());
    }
  }

  private static final long BACKOFF_MIN_MS = 2;
  private static final long BACKOFF_MAX_MS = 20;

  private final OpLog log = new OpLog("lettuce");
  private final ClientResources resources;
  private final RedisClusterClient client;
  private final StatefulRedisClusterConnection<String, String> connection;
  private final RedisAdvancedClusterAsyncCommands<String, String> commands;
  private final ScheduledExecutorService scheduler;
  private final List<String> keys;
  private final long intervalMs;
  private volatile boolean running = true;

  LettuceWriter(List<String> seeds, Config config, String keyPrefix, int keyCount, int rate) {
    this.keys = new CounterKeys(keyPrefix, keyCount).names();
    this.intervalMs = Math.max(1, Math.round(keyCount * 1000.0 / rate));
    resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    client = RedisClusterClient.create(resources, seeds.stream().map(seed -> RedisURI.create("redis://" + seed)).toList());
    client.setOptions(ClusterClientOptions.builder()
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
            .enableAllAdaptiveRefreshTriggers()
            .adaptiveRefreshTriggersTimeout(config.adaptiveRefreshTimeout())
            .enablePeriodicRefresh(config.periodicRefresh())
            .dynamicRefreshSources(true)
            .build())
        .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
        .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(500)).build())
        .build());
    connection = client.connect();
    connection.setTimeout(config.commandTimeout());
    commands = connection.async();
    scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "bench-lettuce-writer");
      thread.setDaemon(true);
      return thread;
    });
  }

  OpLog log() {
    return log;
  }

  void start() {
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      // Spread the first writes over one interval, as our rate loop does.
      scheduler.schedule(() -> send(key, SlotHash.slot(key), 0), i * intervalMs / keys.size(), TimeUnit.MILLISECONDS);
    }
  }

  private void send(String key, int slot, int attempt) {
    if (!running) {
      return;
    }
    long start = System.nanoTime();
    try {
      commands.incr(key).whenComplete((value, error) -> {
        long now = System.currentTimeMillis();
        long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
        log.op(now, slot, micros, error == null);
        if (error != null) {
          log.attemptFailed(now, slot, errorType(error));
        }
        schedule(key, slot, error == null ? 0 : attempt + 1);
      });
    } catch (RuntimeException e) {
      long now = System.currentTimeMillis();
      log.op(now, slot, 0, false);
      log.attemptFailed(now, slot, errorType(e));
      schedule(key, slot, attempt + 1);
    }
  }

  private void schedule(String key, int slot, int attempt) {
    if (!running) {
      return;
    }
    long delay;
    if (attempt == 0) {
      delay = intervalMs;
    } else {
      long cap = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS << Math.min(attempt, 20));
      delay = ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
    }
    try {
      scheduler.schedule(() -> send(key, slot, attempt), delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // close() is under way.
    }
  }

  static String errorType(Throwable error) {
    String name = error.getClass().getSimpleName();
    String message = String.valueOf(error.getMessage());
    if (name.contains("Timeout")) {
      return "timeout";
    }
    if (message.startsWith("MOVED")) {
      return "moved";
    }
    if (message.startsWith("CLUSTERDOWN")) {
      return "clusterdown";
    }
    if (name.contains("Connection") || message.contains("onnection")) {
      return "connection";
    }
    return "other";
  }

  @Override
  public void close() {
    running = false;
    scheduler.shutdownNow();
    try {
      connection.close();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }
}
