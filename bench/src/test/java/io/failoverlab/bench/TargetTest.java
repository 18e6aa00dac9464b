package io.failoverlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TargetTest {

  @Test
  void atMostIsMetOnTheLimitAndMissedAboveIt() {
    assertThat(Target.atMost("recovery", "median lag", 50, 50.0, "ms").status()).isEqualTo(Target.Status.MET);
    assertThat(Target.atMost("recovery", "median lag", 50, 50.5, "ms").status()).isEqualTo(Target.Status.MISSED);
  }

  @Test
  void atLeastAndBelowCompareTheOtherWay() {
    assertThat(Target.atLeast("throughput", "ratio", 0.8, 0.8, "").status()).isEqualTo(Target.Status.MET);
    assertThat(Target.atLeast("throughput", "ratio", 0.8, 0.79, "").status()).isEqualTo(Target.Status.MISSED);
    assertThat(Target.below("lettuce", "lag", 100, 100.0, "ms").status()).isEqualTo(Target.Status.MISSED);
    assertThat(Target.below("lettuce", "lag", 100, -3.0, "ms").status()).isEqualTo(Target.Status.MET);
  }

  @Test
  void aMissingFigureOrLimitIsNotMeasuredNeverMet() {
    assertThat(Target.atMost("memory", "heap", 64, null, "MB").status()).isEqualTo(Target.Status.NOT_MEASURED);
    assertThat(Target.below("lettuce", "lag", Double.NaN, 3.0, "ms").status()).isEqualTo(Target.Status.NOT_MEASURED);
  }

  @Test
  void describeShowsLimitMeasuredAndStatusWithWholeNumbersWithoutDecimals() {
    assertThat(Target.atMost("recovery", "writer median recovery lag", 50, 7.0, "ms").describe())
        .isEqualTo("writer median recovery lag <= 50 ms: 7 ms (met)");
    assertThat(Target.atLeast("throughput", "writer / redis-benchmark", 0.8, 0.5512, "").describe())
        .isEqualTo("writer / redis-benchmark >= 0.80: 0.55 (missed)");
    assertThat(Target.atMost("memory", "heap", 64, null, "MB").describe()).isEqualTo("heap <= 64 MB: - (not measured)");
  }
}
