package io.failoverlab.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.localcluster.LocalClusterConfig;
import io.failoverlab.router.load.CounterKeys;
import io.failoverlab.testsupport.TestCluster;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The router against a real cluster with {@code cluster-require-full-coverage no}: while one master
 * fails over, the two other shards must not see a single error, and the failed shard must come back
 * right after its replica is promoted. An oracle writes straight to the replica to tell when that is.
 */
class ClusterRouterIT {

  private static final int BASE = 7300;
  private static final Duration FAILOVER = Duration.ofSeconds(30);

  private static TestCluster redis;

  @BeforeAll
  static void startCluster() throws Exception {
    redis = TestCluster.start(LocalClusterConfig.defaults()
        .withPortBase(BASE).withNodeTimeoutMs(1000).withRequireFullCoverage(false), Duration.ofSeconds(90));
  }

  @AfterAll
  static void stopCluster() {
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void healthyShardsSeeNoErrorsAndTheFailedShardRecoversRightAfterPromotion() throws Exception {
    List<Long> lags = new ArrayList<>();
    // Masters start on BASE..BASE+2 with replicas on +3; each round fails the shard's current master.
    int[][] rounds = {{BASE, BASE + 3}, {BASE + 3, BASE}, {BASE, BASE + 3}};
    for (int[] round : rounds) {
      lags.add(failOverOnce(round[0], round[1], false));
    }
    lags.add(failOverOnce(BASE + 1, BASE + 4, true));
    System.out.println("router recovery lag after oracle (ms), crash x3 then hang: " + lags);
  }

  /** Fails {@code master} (crash, or hang past the node timeout), returns the router's lag behind the oracle. */
  private long failOverOnce(int master, int replica, boolean hang) throws Exception {
    int shard = (master - BASE) % 3;
    Traffic traffic = new Traffic(redis.vertx().getOrCreateContext());
    traffic.start().await(30, TimeUnit.SECONDS);
    await().atMost(FAILOVER).until(() -> traffic.successes.get(0) > 20 && traffic.successes.get(1) > 20
        && traffic.successes.get(2) > 20);
    traffic.oracle(replica, shard);

    long faultAt = System.currentTimeMillis();
    if (hang) {
      redis.cluster().hang(master, Duration.ofSeconds(6)).await(30, TimeUnit.SECONDS);
    } else {
      redis.cluster().crash(master).await(30, TimeUnit.SECONDS);
    }
    traffic.markFault(faultAt);
    await().atMost(FAILOVER).until(() -> traffic.oracleFirstSuccess.get() > 0
        && traffic.firstSuccessAfterFault.get(shard) > 0);
    long count = traffic.successes.get(shard);
    // Keep going a little: the recovered shard must stay up, and healthy shards keep their record.
    await().atMost(FAILOVER).until(() -> traffic.successes.get(shard) > count + 50);
    traffic.stop().await(30, TimeUnit.SECONDS);

    for (int other = 0; other < 3; other++) {
      if (other != shard) {
        assertThat(traffic.attemptErrors.get(other)).as("command errors on healthy shard %d", other).isZero();
        assertThat(traffic.failedOps.get(other)).as("failed operations on healthy shard %d", other).isZero();
      }
    }
    assertThat(traffic.attemptErrors.get(shard)).as("errors on the failed shard").isPositive();
    long lag = traffic.firstSuccessAfterFault.get(shard) - traffic.oracleFirstSuccess.get();
    System.out.printf("failover %s of %d: oracle up %d ms after fault, router %d ms, lag %d ms%n",
        hang ? "hang" : "crash", master, traffic.oracleFirstSuccess.get() - faultAt,
        traffic.firstSuccessAfterFault.get(shard) - faultAt, lag);

    if (hang) {
      await().atMost(FAILOVER).until(() -> redis.cluster().nodes().stream()
          .allMatch(node -> node.state() == io.failoverlab.localcluster.NodeState.RUNNING));
    } else {
      redis.cluster().restart(master).await(30, TimeUnit.SECONDS);
    }
    redis.cluster().awaitHealthy(FAILOVER).await(60, TimeUnit.SECONDS);
    return lag;
  }

  /** INCR on one key per shard, back to back, on one event-loop context (the router's contract). */
  private static final class Traffic {
    final Context context;
    final CounterKeys keys = new CounterKeys("routerit" + System.nanoTime(), 3);
    final AtomicLongArray successes = new AtomicLongArray(3);
    final AtomicLongArray attemptErrors = new AtomicLongArray(3);
    final AtomicLongArray failedOps = new AtomicLongArray(3);
    final AtomicLongArray firstSuccessAfterFault = new AtomicLongArray(3);
    final AtomicLong oracleFirstSuccess = new AtomicLong();
    volatile long faultAt = Long.MAX_VALUE;
    volatile boolean running = true;
    final java.util.concurrent.atomic.AtomicInteger loops = new java.util.concurrent.atomic.AtomicInteger(3);
    final io.vertx.core.Promise<Void> drained = io.vertx.core.Promise.promise();
    ClusterRouter router;
    NodeLink oracleLink;

    Traffic(Context context) {
      this.context = context;
    }

    Future<Void> start() {
      return onContext(() -> {
        RedisSettings settings = RedisSettings.fromEnv(new Env(Map.of(
            "REDIS_NODES", "127.0.0.1:" + BASE + ",127.0.0.1:" + (BASE + 1),
            "REDIS_OPERATION_TIMEOUT_MS", "10000")));
        router = new ClusterRouter(redis.vertx(), settings, ReadFrom.MASTER);
        return router.start().onSuccess(v -> {
          for (int shard = 0; shard < 3; shard++) {
            loop(shard);
          }
        });
      });
    }

    void markFault(long at) {
      faultAt = at;
    }

    private void loop(int shard) {
      if (!running) {
        if (loops.decrementAndGet() == 0) {
          drained.complete();
        }
        return;
      }
      String key = keys.names().get(shard);
      router.execute(key, () -> Request.cmd(Command.INCR).arg(key), (failure, sentAt) -> attemptErrors.incrementAndGet(shard)).onComplete(result -> {
        long now = System.currentTimeMillis();
        if (result.succeeded()) {
          successes.incrementAndGet(shard);
          if (now > faultAt) {
            firstSuccessAfterFault.compareAndSet(shard, 0, now);
          }
        } else {
          failedOps.incrementAndGet(shard);
        }
        redis.vertx().setTimer(1, id -> loop(shard));
      });
    }

    /** Writes straight to {@code replica} every 2 ms; the first success is when it took over. */
    void oracle(int replica, int shard) {
      String key = keys.names().get(shard);
      String tag = key.substring(key.indexOf('{'), key.indexOf('}') + 1);
      context.runOnContext(v -> {
        oracleLink = new NodeLink(redis.vertx(), new HostAndPort("127.0.0.1", replica),
            RedisSettings.fromEnv(new Env(Map.of())), false);
        oracleTick("oracle" + tag);
      });
    }

    private void oracleTick(String key) {
      if (!running || oracleFirstSuccess.get() > 0) {
        return;
      }
      oracleLink.send(Request.cmd(Command.INCR).arg(key), 200).onComplete(result -> {
        if (result.succeeded()) {
          oracleFirstSuccess.compareAndSet(0, System.currentTimeMillis());
        } else {
          redis.vertx().setTimer(2, id -> oracleTick(key));
        }
      });
    }

    Future<Void> stop() {
      // Let every operation in flight finish first: closing under them would fail them.
      running = false;
      return onContext(() -> drained.future()
          .compose(v -> Future.join(router.close(), oracleLink == null ? Future.succeededFuture() : oracleLink.close()))
          .mapEmpty());
    }

    private Future<Void> onContext(java.util.function.Supplier<Future<?>> work) {
      io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
      context.runOnContext(v -> work.get().onComplete(r -> {
        if (r.succeeded()) {
          done.complete();
        } else {
          done.fail(r.cause());
        }
      }));
      return done.future();
    }
  }
}
