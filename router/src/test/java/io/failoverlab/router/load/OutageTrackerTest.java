package io.failoverlab.router.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.contract.OutageEvent;
import io.failoverlab.router.ErrorType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutageTrackerTest {

  private final List<OutageEvent> events = new ArrayList<>();
  private final OutageTracker tracker = new OutageTracker("writer", "i1", events::add);

  @Test
  void outageStartsAtFirstErrorAndEndsAtFirstSuccessOfTheSameShard() {
    tracker.succeeded("0-5460", 100, 900);
    tracker.attemptFailed("0-5460", ErrorType.CONNECTION, 1000);
    tracker.attemptFailed("0-5460", ErrorType.CONNECTION, 1010);
    tracker.attemptFailed("0-5460", ErrorType.MOVED, 1500);
    tracker.operationFailed("0-5460");
    // A success on another shard does not end this shard's outage.
    tracker.succeeded("5461-10922", 6000, 1600);
    assertThat(tracker.activeShards()).containsExactly("0-5460");
    tracker.succeeded("0-5460", 100, 2400);

    assertThat(events).hasSize(2);
    OutageEvent start = events.get(0);
    assertThat(start.phase()).isEqualTo(OutageEvent.Phase.START);
    assertThat(start.timestamp()).isEqualTo(1000);
    OutageEvent end = events.get(1);
    assertThat(end.phase()).isEqualTo(OutageEvent.Phase.END);
    assertThat(end.startedAt()).isEqualTo(1000);
    assertThat(end.durationMs()).isEqualTo(1400);
    assertThat(end.errorsByType()).containsEntry("connection", 2L).containsEntry("moved", 1L);
    assertThat(end.failedOperations()).isEqualTo(1);
    assertThat(tracker.activeShards()).isEmpty();
    assertThat(tracker.started()).isEqualTo(1);
    assertThat(OutageEvent.fromJson(end.toJson())).isEqualTo(end);
  }

  @Test
  void failuresBeforeTheTopologyWasKnownEndAtTheFirstSuccessAnywhere() {
    tracker.attemptFailed("unknown", ErrorType.CONNECTION, 1000);
    tracker.attemptFailed("0-5460", ErrorType.CONNECTION, 1100);
    tracker.succeeded("5461-10922", 6000, 1500);
    assertThat(tracker.activeShards()).containsExactly("0-5460");
    assertThat(events).filteredOn(e -> e.phase() == OutageEvent.Phase.END).singleElement()
        .satisfies(end -> assertThat(end.shard()).isEqualTo("unknown"));
  }

  @Test
  void anOutageUnderAShardNameThatWentAwayEndsAtTheFirstSuccessOnItsSlots() {
    // A MOVED taught the router a one-slot shard; a failure came while it had that name.
    tracker.attemptFailed("14664", ErrorType.TIMEOUT, 1000);
    tracker.attemptFailed("0-5460", ErrorType.CONNECTION, 1100);
    // Successes elsewhere do not end it, not even on the shard that holds slot 14664 now, for another slot.
    tracker.succeeded("5461-10922", 6000, 1200);
    tracker.succeeded("10923-16383", 14000, 1300);
    assertThat(tracker.activeShards()).containsExactly("14664", "0-5460");
    // After the refresh the slot's shard is "10923-16383": a success on slot 14664 ends the old name's outage.
    tracker.succeeded("10923-16383", 14664, 1400);
    assertThat(tracker.activeShards()).containsExactly("0-5460");
    assertThat(events).filteredOn(e -> e.phase() == OutageEvent.Phase.END).singleElement()
        .satisfies(end -> {
          assertThat(end.shard()).isEqualTo("14664");
          assertThat(end.durationMs()).isEqualTo(400);
        });
    // A shard of several ranges is matched on any of them.
    tracker.attemptFailed("100-200,300-400", ErrorType.CONNECTION, 1500);
    tracker.succeeded("0-5460", 350, 1600);
    assertThat(tracker.activeShards()).isEmpty();
  }

  @Test
  void aLateFailureOfACommandSentDuringAnEndedOutageOpensNoNewOne() {
    tracker.attemptFailed("0-5460", ErrorType.CONNECTION, 1000);
    tracker.succeeded("0-5460", 100, 2000);
    // Sent at 1900, before the recovery at 2000, timed out at 2200: part of the outage that ended.
    tracker.attemptFailed("0-5460", ErrorType.TIMEOUT, 1900);
    assertThat(tracker.activeShards()).isEmpty();
    // Sent after the recovery: a new outage.
    tracker.attemptFailed("0-5460", ErrorType.TIMEOUT, 2100);
    assertThat(tracker.activeShards()).containsExactly("0-5460");
    assertThat(tracker.started()).isEqualTo(2);
    assertThat(events).extracting(OutageEvent::phase).containsExactly(OutageEvent.Phase.START,
        OutageEvent.Phase.END, OutageEvent.Phase.START);
  }

  @Test
  void aRedirectAloneIsRoutingNotAnOutage() {
    tracker.attemptFailed("0-5460", ErrorType.MOVED, 1000);
    tracker.attemptFailed("0-5460", ErrorType.ASK, 1001);
    assertThat(events).isEmpty();
    assertThat(tracker.activeShards()).isEmpty();
  }
}
