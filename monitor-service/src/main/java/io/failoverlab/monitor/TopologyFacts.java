package io.failoverlab.monitor;

import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.topology.SlotRange;
import java.util.BitSet;
import java.util.List;

/**
 * What a snapshot means, in one place, so the merge, the diff and the incident tracker agree.
 *
 * <p>A "live" master serves slots, is reachable by the monitor and is not flagged FAIL. Reachability
 * counts because between a crash and the cluster's FAIL agreement (seconds) the cluster still lists
 * the dead master as serving its slots while every command to them fails: that window is part of the
 * unavailability the monitor must show.
 */
final class TopologyFacts {

  static final int SLOTS = 16384;
  static final String MASTER = "master";
  static final String REPLICA = "replica";
  static final String UNKNOWN = "unknown";
  static final String FLAG_FAIL = "fail";
  static final String FLAG_PFAIL = "fail?";
  static final String STATE_OK = "ok";
  static final String STATE_FAIL = "fail";
  static final String STATE_UNKNOWN = "unknown";

  private TopologyFacts() {
  }

  static boolean liveMaster(NodeStatus node) {
    return MASTER.equals(node.role()) && hasSlots(node) && node.reachable() && !node.flags().contains(FLAG_FAIL);
  }

  static boolean hasSlots(NodeStatus node) {
    return node.slots() != null && !node.slots().isEmpty();
  }

  static boolean failing(NodeStatus node) {
    return node.flags().contains(FLAG_FAIL) || node.flags().contains(FLAG_PFAIL);
  }

  /** A role worth an incident when it fails: a master or a replica (not a node in handshake, unknown). */
  static boolean dataNode(String role) {
    return MASTER.equals(role) || REPLICA.equals(role);
  }

  static List<SlotRange> parseSlots(String slots) {
    if (slots == null || slots.isBlank()) {
      return List.of();
    }
    return java.util.Arrays.stream(slots.split(",")).map(String::strip).map(SlotRange::parse).toList();
  }

  static BitSet slotsOf(String slots) {
    BitSet set = new BitSet(SLOTS);
    for (SlotRange range : parseSlots(slots)) {
      set.set(range.from(), range.to() + 1);
    }
    return set;
  }

  /** Slots no live master serves. */
  static BitSet uncovered(List<NodeStatus> nodes) {
    BitSet covered = new BitSet(SLOTS);
    for (NodeStatus node : nodes) {
      if (liveMaster(node)) {
        covered.or(slotsOf(node.slots()));
      }
    }
    BitSet uncovered = new BitSet(SLOTS);
    uncovered.set(0, SLOTS);
    uncovered.andNot(covered);
    return uncovered;
  }

  static String uncoveredRanges(TopologySnapshot snapshot) {
    return SlotRange.format(SlotRange.of(uncovered(snapshot.nodes())));
  }

  /** Stable enough to end an incident: every reachable node says ok and a live master serves every slot. */
  static boolean stable(TopologySnapshot snapshot) {
    return snapshot != null && STATE_OK.equals(snapshot.clusterState()) && snapshot.uncoveredSlots() == 0;
  }
}
