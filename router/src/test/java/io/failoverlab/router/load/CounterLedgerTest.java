package io.failoverlab.router.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.failoverlab.common.contract.AckFloors;
import java.util.List;
import org.junit.jupiter.api.Test;

class CounterLedgerTest {

  private final CounterLedger ledger = new CounterLedger(List.of("k1", "k2"));

  @Test
  void increasingRepliesLoseNothing() {
    assertThat(ledger.acknowledged("k1", 41)).isZero();
    assertThat(ledger.acknowledged("k1", 42)).isZero();
    // A write with unknown outcome that did apply makes the next reply jump: not a loss.
    ledger.unknownOutcome("k1");
    assertThat(ledger.acknowledged("k1", 44)).isZero();
    assertThat(ledger.floor("k1")).isEqualTo(44);
    assertThat(ledger.totalAcknowledged()).isEqualTo(3);
    assertThat(ledger.totalUnknown()).isEqualTo(1);
  }

  @Test
  void aReplyAtOrBelowTheFloorCountsTheMissingAcknowledgedWrites() {
    ledger.acknowledged("k1", 100);
    // The new master lacked the last 3 acknowledged increments: 100 -> 97 + 1 = 98.
    assertThat(ledger.acknowledged("k1", 98)).isEqualTo(3);
    assertThat(ledger.totalLost()).isEqualTo(3);
    // Re-based: the next normal reply loses nothing more, and the generation tells readers.
    assertThat(ledger.acknowledged("k1", 99)).isZero();
    assertThat(ledger.floors().get("k1")).isEqualTo(new AckFloors.Floor(99, 1));
    assertThat(ledger.floors()).doesNotContainKey("k2");
  }

  @Test
  void unknownKeysAreRejected() {
    assertThatThrownBy(() -> ledger.acknowledged("nope", 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void floorsSurviveTheEventBusRoundTrip() {
    ledger.acknowledged("k1", 5);
    AckFloors floors = new AckFloors("w1", 123, ledger.floors());
    assertThat(AckFloors.fromJson(floors.toJson())).isEqualTo(floors);
  }
}
