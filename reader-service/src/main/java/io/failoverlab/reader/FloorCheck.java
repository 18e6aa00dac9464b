package io.failoverlab.reader;

import io.failoverlab.common.contract.AckFloors;
import java.util.HashMap;
import java.util.Map;

/**
 * Judges each read against the writer's acknowledged floors and against the previous read of the key.
 *
 * <ul>
 *   <li>lost: a master read below the floor received before the read was sent. The writer acknowledged
 *       that value, so increments are missing. Counted once per (writer instance, key, generation): the
 *       missing amount is the largest deficit seen, so repeated reads do not count it again.</li>
 *   <li>stale: the same, for a replica read: replication is asynchronous, so it is lag, not loss.</li>
 *   <li>regression: lower than this reader's previous read of the key.</li>
 * </ul>
 */
final class FloorCheck {

  record Verdict(long lost, boolean stale, boolean regression) {
    static final Verdict CLEAN = new Verdict(0, false, false);
  }

  private static final class KeyState {
    long lastRead = -1;
    String floorInstance;
    int floorGeneration;
    long deficitCounted;
  }

  private final boolean replicaReads;
  private final Map<String, KeyState> keys = new HashMap<>();
  private AckFloors floors;

  FloorCheck(boolean replicaReads) {
    this.replicaReads = replicaReads;
  }

  void update(AckFloors latest) {
    floors = latest;
  }

  /** The floor to judge a read sent now against (null when the writer has not acknowledged the key yet). */
  Floor floorFor(String key) {
    if (floors == null) {
      return null;
    }
    AckFloors.Floor floor = floors.floors().get(key);
    return floor == null ? null : new Floor(floors.instance(), floor.value(), floor.generation());
  }

  record Floor(String instance, long value, int generation) {
  }

  Verdict judge(String key, long value, Floor floor) {
    KeyState state = keys.computeIfAbsent(key, k -> new KeyState());
    boolean regression = state.lastRead >= 0 && value < state.lastRead;
    state.lastRead = value;
    if (floor == null || value >= floor.value()) {
      return regression ? new Verdict(0, false, true) : Verdict.CLEAN;
    }
    if (replicaReads) {
      return new Verdict(0, true, regression);
    }
    if (!floor.instance().equals(state.floorInstance) || floor.generation() != state.floorGeneration) {
      state.floorInstance = floor.instance();
      state.floorGeneration = floor.generation();
      state.deficitCounted = 0;
    }
    long deficit = floor.value() - value;
    long lost = Math.max(0, deficit - state.deficitCounted);
    state.deficitCounted = Math.max(state.deficitCounted, deficit);
    return new Verdict(lost, false, regression);
  }
}
