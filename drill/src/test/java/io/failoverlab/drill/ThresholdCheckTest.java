package io.failoverlab.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.measure.FailoverRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThresholdCheckTest {

  @Test
  void unsetThresholdsAreNotChecked() {
    assertThat(ThresholdCheck.evaluate(DrillFixtures.options(), DrillFixtures.threeRows())).isEmpty();
  }

  @Test
  void unavailabilityIsTheWorstFailoverAndNamesIt() {
    List<ThresholdCheck> checks = ThresholdCheck.evaluate(
        DrillFixtures.options().withThresholds(2300L, null, null), DrillFixtures.threeRows());
    assertThat(checks).hasSize(1);
    ThresholdCheck check = checks.get(0);
    assertThat(check.actual()).isEqualTo(2383L);
    assertThat(check.worstFailover()).isEqualTo(3);
    assertThat(check.passed()).isFalse();
    assertThat(check.describe()).isEqualTo(
        "--max-unavailability-ms 2300: worst write unavailability (ms) 2383 (failover 3) > 2300, MISSED");
  }

  @Test
  void aLimitEqualToTheActualValueIsMet() {
    ThresholdCheck check = ThresholdCheck.evaluate(DrillFixtures.options().withThresholds(2383L, 2L, 3L),
        DrillFixtures.threeRows()).get(0);
    assertThat(check.passed()).isTrue();
    assertThat(ThresholdCheck.evaluate(DrillFixtures.options().withThresholds(2383L, 2L, 3L), DrillFixtures.threeRows()))
        .allMatch(ThresholdCheck::passed);
  }

  @Test
  void lostWritesAndHealthyShardErrorsAreTotalsOverTheDrill() {
    List<ThresholdCheck> checks = ThresholdCheck.evaluate(DrillFixtures.options().withThresholds(null, 1L, 2L),
        DrillFixtures.threeRows());
    assertThat(checks).extracting(ThresholdCheck::option)
        .containsExactly("--max-lost-writes", "--max-healthy-shard-errors");
    assertThat(checks).extracting(ThresholdCheck::actual).containsExactly(2L, 3L);
    assertThat(checks).noneMatch(ThresholdCheck::passed);
  }

  @Test
  void aFailoverWithoutWriterOutageCountsAsZeroUnavailability() {
    List<FailoverRecord> rows = new ArrayList<>();
    rows.add(DrillFixtures.row(1, "127.0.0.1:7000", "127.0.0.1:7003", 0, null, null, null, null, 0, 0));
    ThresholdCheck check = ThresholdCheck.evaluate(DrillFixtures.options().withThresholds(0L, null, null), rows).get(0);
    assertThat(check.actual()).isZero();
    assertThat(check.passed()).isTrue();
  }
}
