package io.failoverlab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.router.load.LoadLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The load loop as the bench found it should work. Flat out (rate 0), as the throughput bench drives
 * it: the follow-up of a finished operation starts inside its completion (so its write joins the
 * others of the same read) on the key after it, the in-flight bound and one-operation-per-key still
 * hold, and operations that fail at once do not recurse. At a rate: each shard's keys come spread
 * over the cycle, so a dead shard always has operations in flight to notice its promotion.
 */
class LoadLoopFlatOutTest {

  private Vertx vertx;
  private Context context;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private <T> T onContext(Supplier<T> work) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(work.get());
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aFinishedOperationStartsTheNextFreeKeyAfterItWithinItsCompletion() throws Exception {
    List<String> keys = List.of("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7");
    List<String> started = new ArrayList<>();
    Map<String, Promise<Void>> pending = new HashMap<>();
    LoadLoop loop = onContext(() -> new LoadLoop(vertx, keys, 0, 3, key -> {
      started.add(key);
      Promise<Void> promise = Promise.promise();
      pending.put(key, promise);
      return promise.future();
    }, () -> { }));
    onContext(() -> {
      loop.start();
      return null;
    });
    assertThat(onContext(() -> List.copyOf(started))).containsExactly("k0", "k1", "k2");

    // k1 finishes: its follow-up starts before complete() returns, on the next free key after k1 (k3).
    List<String> afterK1 = onContext(() -> {
      pending.remove("k1").complete();
      return List.copyOf(started);
    });
    assertThat(afterK1).containsExactly("k0", "k1", "k2", "k3");
    assertThat(onContext(loop::inFlight)).isEqualTo(3);

    // k3 finishes: k4 is next; then k0 finishes: k1 is free again and comes next after k0.
    onContext(() -> {
      pending.remove("k3").complete();
      pending.remove("k0").complete();
      return null;
    });
    assertThat(onContext(() -> List.copyOf(started))).containsExactly("k0", "k1", "k2", "k3", "k4", "k1");
    assertThat(onContext(loop::inFlight)).isEqualTo(3);
  }

  @Test
  void rateModeVisitsEveryKeyOnceWithEachShardsKeysSpreadOverTheCycle() {
    for (int n : new int[] {1, 2, 3, 7, 48, 1024}) {
      int[] order = LoadLoop.spreadOrder(n);
      assertThat(java.util.Arrays.stream(order).sorted().toArray()).as("a permutation of %d keys", n)
          .isEqualTo(java.util.stream.IntStream.range(0, n).toArray());
    }
    // 48 keys laid out by slot over 3 shards: keys 0-15 are one shard. In key order its 16 turns would
    // come in one burst; spread, no two of them are more than 5 turns apart (16 in 48: 3 on average).
    int[] order = LoadLoop.spreadOrder(48);
    for (int shard = 0; shard < 3; shard++) {
      List<Integer> turns = new ArrayList<>();
      for (int turn = 0; turn < order.length; turn++) {
        if (order[turn] / 16 == shard) {
          turns.add(turn);
        }
      }
      int widest = turns.get(0) + 48 - turns.get(turns.size() - 1);
      for (int i = 1; i < turns.size(); i++) {
        widest = Math.max(widest, turns.get(i) - turns.get(i - 1));
      }
      assertThat(widest).as("widest gap between shard %d's turns", shard).isLessThanOrEqualTo(5);
    }
  }

  @Test
  void operationsThatFailAtOnceKeepTheLoopGoingWithoutRecursion() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<String> keys = List.of("a", "b", "c");
    LoadLoop loop = onContext(() -> new LoadLoop(vertx, keys, 0, 2, key -> {
      calls.incrementAndGet();
      return Future.failedFuture("refused at once");
    }, () -> { }));
    onContext(() -> {
      loop.start();
      return null;
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() > 100_000);
    onContext(loop::stop).await(10, TimeUnit.SECONDS);
    assertThat(onContext(loop::inFlight)).isZero();
  }
}
