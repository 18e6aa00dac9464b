package io.failoverlab.bench;

import io.failoverlab.clients.OpLog;
import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.topology.ClusterNode;
import io.failoverlab.common.topology.ClusterNodesParser;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.router.ClusterRouter;
import io.failoverlab.router.ReadFrom;
import io.failoverlab.router.SlotHash;
import io.failoverlab.router.SlotMap;
import io.failoverlab.router.load.CounterKeys;
import io.failoverlab.router.load.LoadLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A load client on the services' own routing layer ({@link ClusterRouter}, {@link LoadLoop}, the
 * writer's settings) that records every operation per slot: the services publish latency per second
 * and per service only, and blast radius needs latency per shard. Also answers the bench's topology
 * questions through its router's node links.
 *
 * <p>Router and loop live on this verticle's event loop; the bench thread talks to it through
 * {@link #call}.
 */
final class RouterProbe extends VerticleBase {

  private final RedisSettings settings;
  private final int rate;
  private final int concurrency;
  private final List<String> keys;
  private final Map<String, Integer> slotOf = new HashMap<>();
  private final OpLog log = new OpLog("router probe");
  private ClusterRouter router;
  private LoadLoop loop;

  RouterProbe(RedisSettings settings, String keyPrefix, int keyCount, int rate, int concurrency) {
    this.settings = settings;
    this.rate = rate;
    this.concurrency = concurrency;
    this.keys = new CounterKeys(keyPrefix, keyCount).names();
    keys.forEach(key -> slotOf.put(key, SlotHash.slot(key)));
  }

  OpLog log() {
    return log;
  }

  @Override
  public Future<?> start() {
    router = new ClusterRouter(vertx, settings, ReadFrom.MASTER);
    loop = new LoadLoop(vertx, keys, rate, concurrency, this::operate, () -> { });
    return router.start().onSuccess(v -> loop.start());
  }

  @Override
  public Future<?> stop() {
    return loop.stop().eventually(() -> router.close());
  }

  private Future<?> operate(String key) {
    int slot = slotOf.get(key);
    long start = System.nanoTime();
    return router.execute(slot, () -> Request.cmd(Command.INCR).arg(key),
            (failure, sentAt) -> log.attemptFailed(System.currentTimeMillis(), slot, failure.type().label()))
        .onComplete(result -> log.op(System.currentTimeMillis(), slot,
            TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start), result.succeeded()));
  }

  /**
   * The cluster as its nodes see it now: CLUSTER NODES from each of {@code nodes} that answers,
   * merged the router's way (by config epoch), so shard labels match the services' own.
   */
  Future<SlotMap> topology(List<HostAndPort> nodes) {
    return call(() -> {
      List<Future<List<ClusterNode>>> views = new ArrayList<>();
      for (HostAndPort node : nodes) {
        views.add(router.sendTo(node, Request.cmd(Command.CLUSTER).arg("NODES"))
            .map(reply -> ClusterNodesParser.parse(reply.toString())));
      }
      return Future.join(views).transform(ignored -> {
        List<List<ClusterNode>> answered = new ArrayList<>();
        views.stream().filter(Future::succeeded).forEach(view -> answered.add(view.result()));
        return answered.isEmpty()
            ? Future.failedFuture("no node answered CLUSTER NODES")
            : Future.succeededFuture(SlotMap.fromViews(answered));
      });
    });
  }

  /** Runs {@code work} on this verticle's event loop. */
  <T> Future<T> call(Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        work.get().onComplete(done);
      } catch (RuntimeException e) {
        done.tryFail(e);
      }
    });
    return done.future();
  }
}
