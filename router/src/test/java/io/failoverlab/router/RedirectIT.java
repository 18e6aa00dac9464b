package io.failoverlab.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.localcluster.LocalClusterConfig;
import io.failoverlab.testsupport.RedisCli;
import io.failoverlab.testsupport.TestCluster;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The router through a slot migration, one step at a time with redis-cli, as {@code redis-cli --cluster
 * reshard} takes it: an ASK is followed with ASKING to the target and leaves the slot map alone, a
 * MOVED updates the map at once, a TRYAGAIN (a multi-key command whose keys are split between source
 * and target) is retried until the keys are together again; none of them reaches the application.
 * The slot map is refreshed only by redirects here (periodic refresh: 10 minutes). Ports 7010-7015.
 */
class RedirectIT {

  private static final int BASE = 7010;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static TestCluster redis;

  private ClusterRouter router;
  private Context context;
  private final List<RedisFailure> failures = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    redis = TestCluster.start(LocalClusterConfig.defaults().withPortBase(BASE).withNodeTimeoutMs(1000)
        .withRequireFullCoverage(false), Duration.ofSeconds(90));
  }

  @AfterAll
  static void stopCluster() {
    if (redis != null) {
      redis.close();
    }
  }

  @BeforeEach
  void startRouter() throws Exception {
    context = redis.vertx().getOrCreateContext();
    RedisSettings settings = RedisSettings.fromEnv(new Env(Map.of("REDIS_NODES", redis.seeds(),
        "REDIS_OPERATION_TIMEOUT_MS", "20000", "REDIS_TOPOLOGY_REFRESH_MS", "600000")));
    router = onContext(() -> {
      ClusterRouter created = new ClusterRouter(redis.vertx(), settings, ReadFrom.MASTER);
      return created.start().map(created);
    });
  }

  @AfterEach
  void closeRouter() throws Exception {
    if (router != null) {
      onContext(router::close);
    }
  }

  @Test
  void askIsFollowedWithoutMovingTheMapAndMovedMovesItAtOnce() throws Exception {
    String key = "redirectit:{ask}" + System.nanoTime();
    int slot = SlotHash.slot(key);
    HostAndPort source = router.slots().shardOf(slot).master();
    HostAndPort target = otherMaster(source);
    assertThat(incr(key)).isEqualTo(1);

    open(slot, source, target);
    cli(source).run("MIGRATE", "127.0.0.1", Integer.toString(target.port()), key, "0", "5000");
    // The source no longer has the key: it answers ASK; the router asks the target, twice, the map unmoved.
    assertThat(incr(key)).isEqualTo(2);
    assertThat(incr(key)).isEqualTo(3);
    assertThat(types()).containsExactly(ErrorType.ASK, ErrorType.ASK);
    assertThat(router.slots().shardOf(slot).master()).isEqualTo(source);

    close(slot, target);
    failures.clear();
    // The source now answers MOVED: the router retries on the target and moves the slot in its map.
    assertThat(incr(key)).isEqualTo(4);
    assertThat(types()).containsExactly(ErrorType.MOVED);
    assertThat(router.slots().shardOf(slot).master()).isEqualTo(target);
    failures.clear();
    assertThat(incr(key)).isEqualTo(5);
    assertThat(failures).as("straight to the new owner").isEmpty();
    assertThat(RedisCli.at(BASE).cluster().counter(key)).isEqualTo(5);
  }

  @Test
  void aMultiKeyCommandSplitMidMoveGetsTryagainAndSucceedsOnceItsKeysAreTogether() throws Exception {
    String first = "redirectit:{try}a" + System.nanoTime();
    String second = "redirectit:{try}b" + System.nanoTime();
    int slot = SlotHash.slot(first);
    HostAndPort source = router.slots().shardOf(slot).master();
    HostAndPort target = otherMaster(source);
    cli(source).ok("MSET", first, "1", second, "2");

    open(slot, source, target);
    cli(source).run("MIGRATE", "127.0.0.1", Integer.toString(target.port()), first, "0", "5000");
    // Split: the source has one of the two keys, so MGET gets TRYAGAIN until the second one moves too.
    Future<Response> mget = context(() -> router.execute(first,
        () -> Request.cmd(Command.MGET).arg(first).arg(second), (failure, at) -> failures.add(failure)));
    await().atMost(WAIT).until(() -> types().contains(ErrorType.TRYAGAIN));
    assertThat(mget.isComplete()).as("still retrying while the keys are split").isFalse();
    cli(source).run("MIGRATE", "127.0.0.1", Integer.toString(target.port()), second, "0", "5000");

    Response values = mget.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(values.get(0).toString()).isEqualTo("1");
    assertThat(values.get(1).toString()).isEqualTo("2");
    assertThat(types()).contains(ErrorType.TRYAGAIN).endsWith(ErrorType.ASK)
        .allMatch(type -> type == ErrorType.TRYAGAIN || type == ErrorType.ASK);
    close(slot, target);
  }

  // ---- the migration's steps, with redis-cli on each node

  /** IMPORTING on the target, then MIGRATING on the source, as redis-cli --cluster reshard orders them. */
  private static void open(int slot, HostAndPort source, HostAndPort target) {
    cli(target).ok("CLUSTER", "SETSLOT", Integer.toString(slot), "IMPORTING", id(source));
    cli(source).ok("CLUSTER", "SETSLOT", Integer.toString(slot), "MIGRATING", id(target));
  }

  /** SETSLOT NODE on every master, the target first. */
  private static void close(int slot, HostAndPort target) {
    cli(target).ok("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", id(target));
    for (int port = BASE; port < BASE + 6; port++) {
      if (port != target.port() && cli(port).run("ROLE").startsWith("master")) {
        cli(port).ok("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", id(target));
      }
    }
  }

  private HostAndPort otherMaster(HostAndPort master) {
    return router.slots().shards().stream().map(SlotMap.Shard::master).filter(node -> !node.equals(master))
        .findFirst().orElseThrow();
  }

  private static String id(HostAndPort node) {
    return cli(node).run("CLUSTER", "MYID");
  }

  private static RedisCli cli(HostAndPort node) {
    return RedisCli.at(node.port());
  }

  private static RedisCli cli(int port) {
    return RedisCli.at(port);
  }

  private List<ErrorType> types() {
    return failures.stream().map(RedisFailure::type).toList();
  }

  private long incr(String key) throws Exception {
    Future<Response> reply = context(() -> router.execute(key, () -> Request.cmd(Command.INCR).arg(key),
        (failure, at) -> failures.add(failure)));
    return reply.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS).toLong();
  }

  /** Runs {@code work} on the router's context (its contract) and hands back its future. */
  private <T> Future<T> context(Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }

  private <T> T onContext(Supplier<Future<T>> work) throws Exception {
    return context(work).toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }
}
