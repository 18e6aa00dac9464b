package io.failoverlab.drill;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Waiting for a condition without blocking an event loop: a timer polls it until it holds or a deadline passes. */
final class Waits {

  static final long POLL_MS = 50;

  /** A probe's answer: the value once the condition holds, else what is still missing (for the timeout message). */
  record Probe<T>(T value, String problem) {

    static <T> Probe<T> ready(T value) {
      return new Probe<>(value, null);
    }

    static <T> Probe<T> notYet(String problem) {
      return new Probe<>(null, problem);
    }
  }

  private Waits() {
  }

  /**
   * Completes with the probe's value once it is ready; fails with a {@link TimeoutException} naming
   * {@code what} and the last problem when {@code timeout} passes first. The probe runs on an event
   * loop every {@value #POLL_MS} ms: it must be quick and must not block.
   */
  static <T> Future<T> until(Vertx vertx, String what, Duration timeout, Supplier<Probe<T>> probe) {
    Promise<T> promise = Promise.promise();
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    vertx.setPeriodic(1, POLL_MS, timer -> {
      Probe<T> answer;
      try {
        answer = probe.get();
      } catch (RuntimeException e) {
        vertx.cancelTimer(timer);
        promise.tryFail(e);
        return;
      }
      if (answer.problem() == null) {
        vertx.cancelTimer(timer);
        promise.tryComplete(answer.value());
      } else if (System.currentTimeMillis() >= deadline) {
        vertx.cancelTimer(timer);
        promise.tryFail(new TimeoutException(what + " not reached within " + timeout.toSeconds() + " s: "
            + answer.problem()));
      }
    });
    return promise.future();
  }
}
