package io.failoverlab.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DurationStatsTest {

  @Test
  void noValuesGiveNoStatistics() {
    assertThat(DurationStats.of(List.of())).isEqualTo(new DurationStats(0, null, null, null, null));
    assertThat(DurationStats.of(Arrays.asList(null, null))).isEqualTo(new DurationStats(0, null, null, null, null));
  }

  @Test
  void oneValueIsEveryStatistic() {
    assertThat(DurationStats.of(List.of(42L))).isEqualTo(new DurationStats(1, 42L, 42L, 42L, 42L));
  }

  @Test
  void oddCountTakesTheMiddleValueWhateverTheOrder() {
    assertThat(DurationStats.of(List.of(2247L, 2097L, 2383L))).isEqualTo(new DurationStats(3, 2097L, 2247L, 2383L, 2383L));
  }

  @Test
  void evenCountAveragesTheTwoMiddleValuesRoundedToTheNearestMs() {
    assertThat(DurationStats.of(List.of(4L, 1L, 3L, 2L))).isEqualTo(new DurationStats(4, 1L, 3L, 4L, 4L));
    assertThat(DurationStats.of(List.of(-154L, -85L))).isEqualTo(new DurationStats(2, -154L, -119L, -85L, -85L));
  }

  @Test
  void p95IsNearestRank() {
    // 20 values: rank ceil(0.95 * 20) = 19.
    assertThat(DurationStats.of(shuffled(1, 20)).p95()).isEqualTo(19L);
    assertThat(DurationStats.of(shuffled(1, 20)).median()).isEqualTo(11L);
    // 100 values: rank 95, median (50 + 51) / 2 rounded.
    DurationStats hundred = DurationStats.of(shuffled(1, 100));
    assertThat(hundred).isEqualTo(new DurationStats(100, 1L, 51L, 95L, 100L));
    // 19 values: rank ceil(18.05) = 19, the maximum.
    assertThat(DurationStats.of(shuffled(1, 19)).p95()).isEqualTo(19L);
    // 21 values: rank ceil(19.95) = 20.
    assertThat(DurationStats.of(shuffled(1, 21)).p95()).isEqualTo(20L);
  }

  @Test
  void nullsAreSkipped() {
    assertThat(DurationStats.of(Arrays.asList(10L, null, 30L, null, 20L)))
        .isEqualTo(new DurationStats(3, 10L, 20L, 30L, 30L));
  }

  private static List<Long> shuffled(long from, long to) {
    List<Long> values = new ArrayList<>(LongStream.rangeClosed(from, to).boxed().toList());
    Collections.shuffle(values, new java.util.Random(7));
    return values;
  }
}
