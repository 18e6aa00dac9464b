package io.failoverlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

  @Test
  void oddCountTakesTheMiddleValueAndP95IsTheMaximumBelowTwentyValues() {
    Summary summary = Summary.of(List.of(30L, -5L, 10L, 20L, 1000L));

    assertThat(summary.count()).isEqualTo(5);
    assertThat(summary.min()).isEqualTo(-5.0);
    assertThat(summary.median()).isEqualTo(20.0);
    assertThat(summary.p95()).isEqualTo(1000.0);
    assertThat(summary.max()).isEqualTo(1000.0);
  }

  @Test
  void evenCountAveragesTheTwoMiddleValues() {
    assertThat(Summary.of(List.of(1.0, 2.0, 4.0, 10.0)).median()).isEqualTo(3.0);
  }

  @Test
  void p95IsTheNearestRankWithTwentyOrMoreValues() {
    List<Long> values = new ArrayList<>();
    for (long i = 1; i <= 40; i++) {
      values.add(i);
    }
    // 95% of 40 = 38: the 38th smallest value.
    assertThat(Summary.of(values).p95()).isEqualTo(38.0);
    assertThat(Summary.percentileRank(40, 95)).isEqualTo(38);
    assertThat(Summary.percentileRank(1, 95)).isEqualTo(1);
  }

  @Test
  void missingValuesAreSkippedAndNoValuesGiveAnEmptySummary() {
    assertThat(Summary.of(Arrays.asList(null, 7L, null)).median()).isEqualTo(7.0);
    assertThat(Summary.of(Arrays.asList((Long) null))).isEqualTo(Summary.EMPTY);
    assertThat(Summary.EMPTY.get("p95")).isNull();
  }
}
