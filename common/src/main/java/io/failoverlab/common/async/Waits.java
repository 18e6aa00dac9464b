package io.failoverlab.common.async;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Waiting for a condition without blocking: a Vert.x timer checks it until it holds or a deadline
 * passes, and the timeout names what was awaited and the last reason it did not hold. The one way
 * to wait for a condition in this project (the local cluster, the drill, the bench); checks run on
 * an event loop, so they must be quick and must not block.
 */
public final class Waits {

  /** How often a condition is checked unless the caller says otherwise. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(50);

  /**
   * A check's answer: the value once the condition holds, else what is still missing (and the
   * failure that said so, kept as the cause of a timeout).
   */
  public record Probe<T>(T value, String problem, Throwable cause) {

    public static <T> Probe<T> ready(T value) {
      return new Probe<>(value, null, null);
    }

    public static <T> Probe<T> notYet(String problem) {
      return new Probe<>(null, problem == null ? "not yet" : problem, null);
    }

    public static <T> Probe<T> notYet(Throwable failure) {
      String message = failure.getMessage() != null ? failure.getMessage() : failure.toString();
      return new Probe<>(null, message, failure);
    }

    public boolean isReady() {
      return problem == null;
    }
  }

  /** A check fails with this when waiting longer cannot help (the awaited process has exited): the wait ends at once. */
  public static class GiveUp extends IllegalStateException {
    public GiveUp(String message) {
      super(message);
    }
  }

  private Waits() {
  }

  /**
   * Completes with the check's value once it is ready. Fails with a {@link TimeoutException}
   * ("{@code what} not reached within 10 s: last problem") when {@code timeout} passes first, or at
   * once with a {@link GiveUp} or a check that throws. The first check runs at once, then one every
   * {@code interval} after the previous one answered.
   */
  public static <T> Future<T> until(Vertx vertx, String what, Duration timeout, Duration interval,
                                    Supplier<Future<Probe<T>>> check) {
    Promise<T> done = Promise.promise();
    long deadline = System.nanoTime() + timeout.toNanos();
    vertx.runOnContext(v -> checkOnce(vertx, what, timeout, interval, deadline, check, done));
    return done.future();
  }

  /** {@link #until} with a check that answers at once. */
  public static <T> Future<T> untilReady(Vertx vertx, String what, Duration timeout, Supplier<Probe<T>> check) {
    return until(vertx, what, timeout, DEFAULT_INTERVAL, () -> Future.succeededFuture(check.get()));
  }

  /** Until {@code problem} answers null (the condition holds); its last answer explains a timeout. */
  public static Future<Void> untilNoProblem(Vertx vertx, String what, Duration timeout, Duration interval,
                                            Supplier<String> problem) {
    return Waits.<Void>until(vertx, what, timeout, interval, () -> {
      String text = problem.get();
      return Future.succeededFuture(text == null ? Probe.ready(null) : Probe.notYet(text));
    });
  }

  /** Until {@code attempt} succeeds; each failure's message is the reason it does not hold yet. */
  public static Future<Void> untilSucceeds(Vertx vertx, String what, Duration timeout, Supplier<Future<?>> attempt) {
    return Waits.<Void>until(vertx, what, timeout, DEFAULT_INTERVAL, () -> attempt.get().transform(result -> {
      if (result.succeeded()) {
        return Future.succeededFuture(Probe.ready(null));
      }
      return result.cause() instanceof GiveUp ? Future.failedFuture(result.cause())
          : Future.succeededFuture(Probe.<Void>notYet(result.cause()));
    }));
  }

  private static <T> void checkOnce(Vertx vertx, String what, Duration timeout, Duration interval, long deadline,
                                    Supplier<Future<Probe<T>>> check, Promise<T> done) {
    Future<Probe<T>> answer;
    try {
      answer = check.get();
    } catch (RuntimeException e) {
      done.tryFail(e);
      return;
    }
    answer.onComplete(result -> {
      if (result.failed()) {
        done.tryFail(result.cause());
      } else if (result.result().isReady()) {
        done.tryComplete(result.result().value());
      } else if (System.nanoTime() >= deadline) {
        TimeoutException expired = new TimeoutException(what + " not reached within " + describe(timeout) + ": "
            + result.result().problem());
        expired.initCause(result.result().cause());
        done.tryFail(expired);
      } else {
        vertx.setTimer(Math.max(1, interval.toMillis()),
            id -> checkOnce(vertx, what, timeout, interval, deadline, check, done));
      }
    });
  }

  /** "10 s" for whole seconds, else "1500 ms". */
  static String describe(Duration timeout) {
    long ms = timeout.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
