package io.failoverlab.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The bench thread's waits: a condition polled by a Vert.x timer (never a sleep), or a measurement
 * window that is a span of time by definition. The bench thread blocks in {@link Future#await}; it is
 * never an event loop. Checks run on an event loop, so they must be quick and must not block.
 */
final class Await {

  static final long POLL_MS = 20;

  /** The bench could not go on: the message says which step and why. */
  static final class BenchFailure extends RuntimeException {
    BenchFailure(String message) {
      super(message);
    }

    BenchFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private Await() {
  }

  /** Returns once {@code problem} answers null; fails with its last answer when {@code timeout} passes first. */
  static void until(Vertx vertx, String what, Duration timeout, Supplier<String> problem) {
    untilAsync(vertx, what, timeout, () -> Future.succeededFuture(problem.get()));
  }

  /** As {@link #until}, for a check that needs I/O (an HTTP call, a file). */
  static void untilAsync(Vertx vertx, String what, Duration timeout, Supplier<Future<String>> problem) {
    Promise<Void> done = Promise.promise();
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    Runnable[] check = new Runnable[1];
    check[0] = () -> {
      Future<String> answer;
      try {
        answer = problem.get();
      } catch (RuntimeException e) {
        done.tryFail(e);
        return;
      }
      answer.onComplete(result -> {
        String text = result.succeeded() ? result.result() : String.valueOf(result.cause());
        if (result.succeeded() && text == null) {
          done.tryComplete();
        } else if (System.currentTimeMillis() >= deadline) {
          done.tryFail(new BenchFailure(what + " not reached within " + timeout.toSeconds() + " s: " + text));
        } else {
          vertx.setTimer(POLL_MS, id -> check[0].run());
        }
      });
    };
    vertx.runOnContext(v -> check[0].run());
    await(done.future(), timeout.plusSeconds(10), what);
  }

  /** A measurement window: returns after {@code millis} (a Vert.x timer; no thread sleeps). */
  static void window(Vertx vertx, long millis) {
    if (millis > 0) {
      await(vertx.timer(millis, TimeUnit.MILLISECONDS).mapEmpty(), Duration.ofMillis(millis).plusSeconds(10), "timer");
    }
  }

  /** Waits for {@code future}; its failure or the timeout becomes a {@link BenchFailure} naming {@code what}. */
  static <T> T await(Future<T> future, Duration timeout, String what) {
    try {
      return future.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (BenchFailure e) {
      throw e;
    } catch (Exception e) {
      if (future.failed()) {
        Throwable cause = future.cause();
        if (cause instanceof BenchFailure failure) {
          throw failure;
        }
        throw new BenchFailure(what + ": " + (cause.getMessage() != null ? cause.getMessage() : cause.toString()), cause);
      }
      throw new BenchFailure(what + ": no answer within " + timeout.toSeconds() + " s");
    }
  }
}
