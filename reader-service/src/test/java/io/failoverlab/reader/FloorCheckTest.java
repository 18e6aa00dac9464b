package io.failoverlab.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.contract.AckFloors;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FloorCheckTest {

  private static AckFloors floors(long value, int generation) {
    return new AckFloors("w1", 0, Map.of("k", new AckFloors.Floor(value, generation)));
  }

  @Test
  void readsAtOrAboveTheFloorAreClean() {
    FloorCheck check = new FloorCheck(false);
    check.update(floors(10, 0));
    assertThat(check.judge("k", 10, check.floorFor("k"))).isEqualTo(FloorCheck.Verdict.CLEAN);
    assertThat(check.judge("k", 12, check.floorFor("k"))).isEqualTo(FloorCheck.Verdict.CLEAN);
    assertThat(check.floorFor("other")).isNull();
  }

  @Test
  void aMasterReadBelowTheFloorIsLossCountedOnce() {
    FloorCheck check = new FloorCheck(false);
    check.update(floors(10, 0));
    assertThat(check.judge("k", 7, check.floorFor("k")).lost()).isEqualTo(3);
    // Reading the same deficit again counts nothing more; a deeper one counts the difference.
    assertThat(check.judge("k", 7, check.floorFor("k")).lost()).isZero();
    assertThat(check.judge("k", 6, check.floorFor("k")).lost()).isEqualTo(1);
    // The writer re-based (new generation): its own loss is not re-counted once reads catch up.
    check.update(floors(8, 1));
    FloorCheck.Verdict verdict = check.judge("k", 8, check.floorFor("k"));
    assertThat(verdict.lost()).isZero();
    assertThat(verdict.regression()).isFalse();
  }

  @Test
  void aReadLowerThanThePreviousReadIsARegression() {
    FloorCheck check = new FloorCheck(false);
    assertThat(check.judge("k", 5, null).regression()).isFalse();
    assertThat(check.judge("k", 4, null).regression()).isTrue();
  }

  @Test
  void replicaReadsBelowTheFloorAreStaleNotLost() {
    FloorCheck check = new FloorCheck(true);
    check.update(floors(10, 0));
    FloorCheck.Verdict verdict = check.judge("k", 9, check.floorFor("k"));
    assertThat(verdict.stale()).isTrue();
    assertThat(verdict.lost()).isZero();
  }
}
