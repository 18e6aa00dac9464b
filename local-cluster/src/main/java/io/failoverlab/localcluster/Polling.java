package io.failoverlab.localcluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Waits for a condition without blocking: tries, and on failure retries on a Vert.x timer until the deadline.
 * An attempt failing with {@link GiveUp} ends the wait at once (e.g. the process being waited for has exited).
 */
final class Polling {

  static final Duration INTERVAL = Duration.ofMillis(50);

  /** Failure of an attempt that retrying cannot fix. */
  static final class GiveUp extends IllegalStateException {
    GiveUp(String message) {
      super(message);
    }
  }

  private Polling() {
  }

  /**
   * @param what    what is awaited, for the timeout message
   * @param attempt succeeds when the condition holds, fails with the reason it does not (kept for the timeout message)
   */
  static Future<Void> until(Vertx vertx, String what, Duration timeout, Supplier<Future<?>> attempt) {
    Promise<Void> promise = Promise.promise();
    long deadline = System.nanoTime() + timeout.toNanos();
    tryOnce(vertx, what, timeout, deadline, attempt, promise);
    return promise.future();
  }

  private static void tryOnce(Vertx vertx, String what, Duration timeout, long deadline, Supplier<Future<?>> attempt, Promise<Void> promise) {
    Future<?> result;
    try {
      result = attempt.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        promise.complete();
      } else if (ar.cause() instanceof GiveUp) {
        promise.fail(ar.cause());
      } else if (System.nanoTime() >= deadline) {
        TimeoutException timeoutException = new TimeoutException(what + " not reached within " + timeout.toMillis() + " ms; last check: " + ar.cause().getMessage());
        timeoutException.initCause(ar.cause());
        promise.fail(timeoutException);
      } else {
        vertx.setTimer(INTERVAL.toMillis(), id -> tryOnce(vertx, what, timeout, deadline, attempt, promise));
      }
    });
  }
}
