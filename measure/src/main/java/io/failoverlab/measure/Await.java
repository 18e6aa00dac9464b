package io.failoverlab.measure;

import io.failoverlab.common.async.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The measuring thread's waits (drill, bench): it blocks in {@link Future#await}, so it must never
 * be a Vert.x thread. Conditions are checked by {@link Waits} on a Vert.x timer, never by a sleep;
 * a failure or a timeout becomes a {@link MeasurementFailure} that names the step.
 */
public final class Await {

  /** Slack on top of a wait's own deadline before the measuring thread stops waiting for its answer. */
  static final Duration ANSWER_SLACK = Duration.ofSeconds(10);

  private Await() {
  }

  /**
   * Waits for {@code future}. Its failure, or no answer within {@code timeout}, is a
   * {@link MeasurementFailure} "what: reason" (the reason alone when it already starts with {@code what}).
   */
  public static <T> T result(Future<T> future, Duration timeout, String what) {
    try {
      return future.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (MeasurementFailure e) {
      throw e;
    } catch (Exception e) {
      if (future.failed()) {
        Throwable cause = future.cause();
        if (cause instanceof MeasurementFailure failure) {
          throw failure;
        }
        String text = MeasurementFailure.messageOf(cause);
        throw new MeasurementFailure(text.startsWith(what) ? text : what + ": " + text, cause);
      }
      throw new MeasurementFailure(what + ": no answer within " + timeout.toSeconds() + " s");
    }
  }

  /** Returns once {@code problem} answers null, checked every {@code interval}; fails with its last answer after {@code timeout}. */
  public static void until(Vertx vertx, String what, Duration timeout, Duration interval, Supplier<String> problem) {
    result(Waits.untilNoProblem(vertx, what, timeout, interval, problem), timeout.plus(ANSWER_SLACK), what);
  }

  /** As {@link #until}, for a check that answers with a value once it holds. */
  public static <T> T until(Vertx vertx, String what, Duration timeout, Supplier<Waits.Probe<T>> check) {
    return result(Waits.untilReady(vertx, what, timeout, check), timeout.plus(ANSWER_SLACK), what);
  }

  /** As {@link #until}, for a check that needs I/O (an HTTP call, a file): its future answers the problem or null. */
  public static void untilAsync(Vertx vertx, String what, Duration timeout, Duration interval,
                                Supplier<Future<String>> problem) {
    result(Waits.<Void>until(vertx, what, timeout, interval, () -> problem.get().transform(answer -> {
      if (answer.failed()) {
        return answer.cause() instanceof MeasurementFailure ? Future.failedFuture(answer.cause())
            : Future.succeededFuture(Waits.Probe.notYet(answer.cause()));
      }
      return Future.succeededFuture(answer.result() == null ? Waits.Probe.ready(null)
          : Waits.Probe.notYet(answer.result()));
    })), timeout.plus(ANSWER_SLACK), what);
  }

  /** A measurement window: returns after {@code millis} (a Vert.x timer; no thread sleeps). */
  public static void window(Vertx vertx, long millis) {
    if (millis > 0) {
      result(vertx.timer(millis, TimeUnit.MILLISECONDS).mapEmpty(), Duration.ofMillis(millis).plus(ANSWER_SLACK),
          "timer");
    }
  }
}
