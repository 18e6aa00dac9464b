package io.failoverlab.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The one computation of min / median / p95 / max (the drill's and the bench's tests, together). */
class StatsTest {

  // ---- as the drill reports them: whole milliseconds

  @Test
  void noValuesGiveNoStatistics() {
    assertThat(Stats.of(List.of())).isEqualTo(Stats.EMPTY);
    assertThat(Stats.of(Arrays.asList(null, null))).isEqualTo(new Stats(0, null, null, null, null));
    assertThat(Stats.EMPTY.whole("median")).isNull();
  }

  @Test
  void oneValueIsEveryStatistic() {
    assertThat(whole(Stats.of(List.of(42L)))).containsExactly(42L, 42L, 42L, 42L);
  }

  @Test
  void oddCountTakesTheMiddleValueWhateverTheOrder() {
    assertThat(whole(Stats.of(List.of(2247L, 2097L, 2383L)))).containsExactly(2097L, 2247L, 2383L, 2383L);
  }

  @Test
  void evenCountAveragesTheTwoMiddleValuesRoundedToTheNearestMs() {
    assertThat(whole(Stats.of(List.of(4L, 1L, 3L, 2L)))).containsExactly(1L, 3L, 4L, 4L);
    assertThat(whole(Stats.of(List.of(-154L, -85L)))).containsExactly(-154L, -119L, -85L, -85L);
    assertThat(Stats.of(List.of(-154L, -85L)).toWholeJson().getLong("median")).isEqualTo(-119L);
  }

  @Test
  void p95IsNearestRank() {
    // 20 values: rank ceil(0.95 * 20) = 19.
    assertThat(Stats.of(shuffled(1, 20)).whole("p95")).isEqualTo(19L);
    assertThat(Stats.of(shuffled(1, 20)).whole("median")).isEqualTo(11L);
    // 100 values: rank 95, median (50 + 51) / 2 rounded.
    Stats hundred = Stats.of(shuffled(1, 100));
    assertThat(hundred.count()).isEqualTo(100);
    assertThat(whole(hundred)).containsExactly(1L, 51L, 95L, 100L);
    // 19 values: rank ceil(18.05) = 19, the maximum.
    assertThat(Stats.of(shuffled(1, 19)).whole("p95")).isEqualTo(19L);
    // 21 values: rank ceil(19.95) = 20.
    assertThat(Stats.of(shuffled(1, 21)).whole("p95")).isEqualTo(20L);
  }

  @Test
  void nullsAreSkipped() {
    Stats stats = Stats.of(Arrays.asList(10L, null, 30L, null, 20L));
    assertThat(stats.count()).isEqualTo(3);
    assertThat(whole(stats)).containsExactly(10L, 20L, 30L, 30L);
  }

  // ---- as the bench reports them: the values as they are

  @Test
  void oddCountTakesTheMiddleValueAndP95IsTheMaximumBelowTwentyValues() {
    Stats stats = Stats.of(List.of(30L, -5L, 10L, 20L, 1000L));

    assertThat(stats.count()).isEqualTo(5);
    assertThat(stats.min()).isEqualTo(-5.0);
    assertThat(stats.median()).isEqualTo(20.0);
    assertThat(stats.p95()).isEqualTo(1000.0);
    assertThat(stats.max()).isEqualTo(1000.0);
  }

  @Test
  void evenCountAveragesTheTwoMiddleValues() {
    assertThat(Stats.of(List.of(1.0, 2.0, 4.0, 10.0)).median()).isEqualTo(3.0);
  }

  @Test
  void p95IsTheNearestRankWithTwentyOrMoreValues() {
    List<Long> values = new ArrayList<>();
    for (long i = 1; i <= 40; i++) {
      values.add(i);
    }
    // 95% of 40 = 38: the 38th smallest value.
    assertThat(Stats.of(values).p95()).isEqualTo(38.0);
    assertThat(Stats.percentileRank(40, 95)).isEqualTo(38);
    assertThat(Stats.percentileRank(1, 95)).isEqualTo(1);
  }

  @Test
  void missingValuesAreSkippedAndNoValuesGiveAnEmptySummary() {
    assertThat(Stats.of(Arrays.asList(null, 7L, null)).median()).isEqualTo(7.0);
    assertThat(Stats.of(Arrays.asList((Long) null))).isEqualTo(Stats.EMPTY);
    assertThat(Stats.EMPTY.get("p95")).isNull();
  }

  private static List<Long> whole(Stats stats) {
    return Stats.STATISTICS.stream().map(stats::whole).toList();
  }

  private static List<Long> shuffled(long from, long to) {
    List<Long> values = new ArrayList<>(LongStream.rangeClosed(from, to).boxed().toList());
    Collections.shuffle(values, new java.util.Random(7));
    return values;
  }
}
