package io.failoverlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.bench.FailoverTiming.Phase;
import io.failoverlab.bench.TimingPhase.PointResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The timing curve's pure parts: phase arithmetic, the specification's windows, stats per point, the tables. */
class TimingTest {

  private static final TimingShape SHAPE = new TimingShape(3, 1);

  /** A failover killed at 100 000 with its milestones {@code pfail}, {@code fail}, ... ms after the kill (null: not seen). */
  static FailoverTiming failover(int index, Long pfail, Long fail, Long role, Long writable) {
    long kill = 100_000;
    return new FailoverTiming(index, "127.0.0.1:8180", "127.0.0.1:8183", kill, at(kill, pfail), at(kill, fail),
        at(kill, role), at(kill, writable));
  }

  private static Long at(long kill, Long after) {
    return after == null ? null : kill + after;
  }

  static TimingPhase.Result result(TimingOptions options, List<PointResult> points) {
    Map<TimingPoint, PointResult> map = new LinkedHashMap<>();
    points.forEach(point -> map.put(point.point(), point));
    return new TimingPhase.Result(options, map);
  }

  static TimingOptions options(List<Integer> timeouts) {
    return new TimingOptions(timeouts, List.of(RedisServerChoice.system(), RedisServerChoice.bundled()),
        List.of(SHAPE, new TimingShape(6, 2)), 3, 1000, null);
  }

  @Test
  void phasesAreTheDifferencesBetweenMilestones() {
    FailoverTiming timing = failover(1, 1010L, 1150L, 1900L, 1903L);

    assertThat(Phase.PFAIL.of(timing)).isEqualTo(1010);
    assertThat(Phase.DETECTION.of(timing)).isEqualTo(1150);
    assertThat(Phase.ELECTION.of(timing)).isEqualTo(750);
    assertThat(Phase.WRITABLE.of(timing)).isEqualTo(3);
    assertThat(Phase.TOTAL.of(timing)).isEqualTo(1903);
    assertThat(timing.inOrder()).isTrue();
    assertThat(timing.toJson().getLong("electionMs")).isEqualTo(750);
  }

  @Test
  void anAcceptedWriteBeforeRoleSaysMasterIsThePromotion() {
    // The SET loop saw the promotion 2 ms before the ROLE loop: the write proves it, so promoted = writable.
    FailoverTiming timing = failover(1, 1010L, 1150L, 1902L, 1900L);

    assertThat(timing.promotedAt()).isEqualTo(101_900);
    assertThat(Phase.WRITABLE.of(timing)).isZero();
    assertThat(Phase.ELECTION.of(timing)).isEqualTo(750);
    assertThat(timing.inOrder()).isTrue();
  }

  @Test
  void aMissingMilestoneLeavesEveryPhaseThatNeedsItEmpty() {
    FailoverTiming timing = failover(1, 1010L, null, 1900L, null);

    assertThat(Phase.DETECTION.of(timing)).isNull();
    assertThat(Phase.ELECTION.of(timing)).isNull();
    assertThat(Phase.WRITABLE.of(timing)).isNull();
    assertThat(Phase.TOTAL.of(timing)).isNull();
    assertThat(failover(1, 1200L, 1100L, 1900L, 1900L).inOrder()).as("FAIL before PFAIL").isFalse();
  }

  @Test
  void theSpecificationsWindowGrowsWithTheNodeTimeoutExceptTheElection() {
    assertThat(SpecWindow.of(Phase.PFAIL, 1000)).isEqualTo(new SpecWindow(1000, 1700));
    assertThat(SpecWindow.of(Phase.DETECTION, 1000)).isEqualTo(new SpecWindow(1000, 2300));
    assertThat(SpecWindow.of(Phase.DETECTION, 15000)).isEqualTo(new SpecWindow(15000, 30300));
    assertThat(SpecWindow.of(Phase.ELECTION, 500)).isEqualTo(SpecWindow.of(Phase.ELECTION, 15000))
        .isEqualTo(new SpecWindow(500, 1200));
    assertThat(SpecWindow.of(Phase.WRITABLE, 1000)).isEqualTo(new SpecWindow(0, 10));
    assertThat(SpecWindow.of(Phase.TOTAL, 1000)).isEqualTo(new SpecWindow(1500, 3510));
    SpecWindow window = new SpecWindow(1000, 1700);
    assertThat(window.compare(999)).isNegative();
    assertThat(window.compare(1000)).isZero();
    assertThat(window.compare(1700)).isZero();
    assertThat(window.compare(1701)).isPositive();
  }

  @Test
  void statsPerPointAreOverItsFailoversAndCountThoseOutsideTheWindow() {
    TimingPoint point = new TimingPoint(1000, SHAPE, RedisServerChoice.system());
    PointResult result = new PointResult(point, "7.0.15 (/usr/bin/redis-server)", List.of(
        failover(1, 1050L, 1100L, 1700L, 1700L),
        failover(2, 1080L, 1300L, 2100L, 2101L),
        failover(3, 1020L, 2400L, 6000L, 6000L)), 12_000, null);

    assertThat(result.stats(Phase.DETECTION).median()).isEqualTo(1300.0);
    assertThat(result.stats(Phase.DETECTION).p95()).isEqualTo(2400.0);
    assertThat(result.stats(Phase.ELECTION).min()).isEqualTo(600.0);
    assertThat(TimingTables.outside(result, Phase.DETECTION)).isEqualTo("1 above");
    assertThat(TimingTables.outside(result, Phase.ELECTION)).isEqualTo("1 above");
    assertThat(TimingTables.outside(result, Phase.PFAIL)).isEqualTo("-");
    assertThat(TimingTables.median(result, Phase.DETECTION)).isEqualTo("1300");
    assertThat(TimingTables.median(result, Phase.TOTAL)).isEqualTo("2101");

    PointResult early = new PointResult(point, null, List.of(failover(1, 400L, 450L, 1500L, 1500L)), 1, null);
    assertThat(TimingTables.outside(early, Phase.DETECTION)).isEqualTo("1 below");
    assertThat(TimingTables.median(early, Phase.DETECTION)).as("marked outside").isEqualTo("450*");

    assertThat(result.toJson().getJsonObject("phases").getJsonObject("detection").getLong("expectedToMs"))
        .isEqualTo(2300);
  }

  @Test
  void theAxesShareTheirCommonPointAndEachTableShowsItsOwn() {
    TimingOptions options = options(List.of(500, 1000));
    // 500 and 1000 with 3x1 system; bundled at 1000; 6x2 at 1000: (1000, 3x1, system) is on all three axes.
    assertThat(options.points()).hasSize(4);
    assertThat(options.largestCluster()).isEqualTo(18);

    PointResult at1000 = new PointResult(new TimingPoint(1000, SHAPE, RedisServerChoice.system()),
        "7.0.15 (/usr/bin/redis-server)", List.of(failover(1, 1050L, 1100L, 1700L, 1700L)), 9_000, null);
    PointResult bundled = new PointResult(new TimingPoint(1000, SHAPE, RedisServerChoice.bundled()), "6.2.11 (bundled)",
        List.of(), 3_000, "starting the cluster: no");
    TimingPhase.Result result = result(options, List.of(at1000, bundled));

    String timeouts = TimingTables.nodeTimeouts(result).table().render();
    assertThat(timeouts).startsWith("10. Failover timing against cluster-node-timeout (ms; shape 3x1, "
        + "redis-server system)").contains("500 ms", "1000 ms", "1000-1700", "elapsed per point: 500 ms 0.0 s, "
        + "1000 ms 9.0 s").contains("500 ms: FAILED after 0 failovers: not run");
    String servers = TimingTables.servers(result).table().render();
    assertThat(servers).contains("system 7.0.15", "bundled 6.2.11", "bundled 6.2.11: FAILED after 0 failovers");
    String shapes = TimingTables.shapes(result).table().render();
    assertThat(shapes).contains("3x1", "6x2").contains("Method, phases and windows as in table 10");
    assertThat(TimingTables.shapes(result).targets()).isEmpty();
    assertThat(result.errors()).containsExactly("node timeout 1000 ms, 3x1, redis-server bundled: starting the "
        + "cluster: no");
  }

  @Test
  void shapesParseAndRejectWhatRedisClusterOrThePortsCannotTake() {
    assertThat(TimingShape.parse(" 6x2 ")).isEqualTo(new TimingShape(6, 2));
    assertThat(TimingShape.parse("16X3").nodes()).isEqualTo(64);
    for (String bad : List.of("2x1", "17x1", "3x0", "3x4", "six", "3x", "3x1x1")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> TimingShape.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
    }
  }
}
