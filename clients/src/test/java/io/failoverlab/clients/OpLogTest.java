package io.failoverlab.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class OpLogTest {

  private static final BitSet SHARD = new BitSet();
  private static final BitSet OTHERS = new BitSet();

  static {
    SHARD.set(0, 100);
    OTHERS.set(100, 16384);
  }

  @Test
  void recoveryIsTheFirstSuccessAfterTheFirstFailureNotALateReplyFromBeforeTheKill() {
    OpLog log = new OpLog("t");
    log.op(1005, 5, 300, true);          // answered by the master just before it died
    log.attemptFailed(1010, 5, "connection");
    log.op(1020, 200, 300, true);        // another shard
    log.attemptFailed(1500, 6, "moved");
    log.op(4000, 6, 3000_000, true);     // back

    assertThat(log.recoveredAt(SHARD, 1000)).isEqualTo(4000L);
    assertThat(log.recoveredAt(OTHERS, 1000)).isNull();
    assertThat(log.lastSuccess(SHARD)).isEqualTo(4000L);
  }

  @Test
  void aFailedOperationAlsoStartsTheOutage() {
    OpLog log = new OpLog("t");
    log.op(1100, 5, 300_000, false);
    log.op(1200, 5, 100, true);
    assertThat(log.recoveredAt(SHARD, 1000)).isEqualTo(1200L);
  }

  @Test
  void errorsAndLatenciesAreCountedPerShardAndWindowAndForgotten() {
    OpLog log = new OpLog("t");
    log.attemptFailed(100, 150, "clusterdown");
    log.attemptFailed(300, 150, "clusterdown");
    log.attemptFailed(300, 5, "moved");
    log.op(200, 150, 1000, true);
    log.op(250, 150, 9000, false);
    log.op(900, 150, 50_000, true);

    assertThat(log.attemptErrors(OTHERS, 0, 300)).isEqualTo(2);
    assertThat(log.attemptErrors(OTHERS, 150, 1000)).isEqualTo(1);
    Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(2), 3);
    log.latencies(OTHERS, 0, 500, histogram);
    assertThat(histogram.getTotalCount()).isEqualTo(2);
    assertThat(histogram.getValueAtPercentile(99) / 1000.0).isBetween(8.9, 9.1);
    assertThat(log.operations(OTHERS, 0, 1000)).isEqualTo(3);

    log.forgetBefore(260);
    assertThat(log.operations(OTHERS, 0, 1000)).isEqualTo(1);
    assertThat(log.attemptErrors(OTHERS, 0, 1000)).isEqualTo(1);
  }

  @Test
  void unavailabilityEndsAtTheFirstSuccessStartedAfterTheFaultEvenWithoutAnError() {
    OpLog log = new OpLog("t");
    log.timed(999.0, 1000.5, 5, true);      // started before the fault: proves nothing
    log.timed(1001.0, 5001.25, 5, true);    // blocked 4 s on a frozen node, then answered
    log.timed(1002.0, 1003.0, 200, true);   // another shard

    assertThat(log.firstSuccessStartedAfter(SHARD, 1000.0)).isEqualTo(5001.25);
    assertThat(log.firstSuccessStartedAfter(SHARD, 6000.0)).isNull();
    assertThat(log.longestCall(SHARD, 1000.0, 2000.0)).isEqualTo(4000.25);
    assertThat(log.failedOperations(SHARD, 0, 10_000)).isZero();
  }
}
