package io.failoverlab.common.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WaitsTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void completesWithTheValueOnceTheConditionHolds() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    String value = Waits.untilReady(vertx, "third check", Duration.ofSeconds(10),
        () -> checks.incrementAndGet() < 3 ? Waits.Probe.<String>notYet("only " + checks.get())
            : Waits.Probe.ready("done")).await(10, TimeUnit.SECONDS);
    assertThat(value).isEqualTo("done");
    assertThat(checks).hasValue(3);
  }

  @Test
  void aTimeoutNamesWhatWasAwaitedAndTheLastProblem() {
    Future<Void> wait = Waits.untilNoProblem(vertx, "the moon", Duration.ofMillis(200), Duration.ofMillis(20),
        () -> "still cheese");
    assertThatThrownBy(() -> wait.await(10, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class)
        .hasMessage("the moon not reached within 200 ms: still cheese");
  }

  @Test
  void aFailedAttemptIsRetriedAndKeptAsTheCauseOfTheTimeout() {
    AtomicInteger attempts = new AtomicInteger();
    Future<Void> wait = Waits.untilSucceeds(vertx, "a node", Duration.ofMillis(300),
        () -> Future.failedFuture(new IllegalStateException("refused " + attempts.incrementAndGet())));
    assertThatThrownBy(() -> wait.await(10, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class)
        .hasMessageStartingWith("a node not reached within 300 ms: refused ")
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(attempts.get()).isGreaterThan(1);
  }

  @Test
  void giveUpEndsTheWaitAtOnce() {
    AtomicInteger attempts = new AtomicInteger();
    Future<Void> wait = Waits.untilSucceeds(vertx, "a process", Duration.ofSeconds(30), () -> {
      attempts.incrementAndGet();
      return Future.failedFuture(new Waits.GiveUp("it exited with 1"));
    });
    assertThatThrownBy(() -> wait.await(10, TimeUnit.SECONDS)).isInstanceOf(Waits.GiveUp.class)
        .hasMessage("it exited with 1");
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aCheckThatThrowsFailsTheWait() {
    Future<Void> wait = Waits.untilNoProblem(vertx, "x", Duration.ofSeconds(30), Waits.DEFAULT_INTERVAL, () -> {
      throw new IllegalArgumentException("bad check");
    });
    assertThatThrownBy(() -> wait.await(10, TimeUnit.SECONDS)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad check");
  }
}
