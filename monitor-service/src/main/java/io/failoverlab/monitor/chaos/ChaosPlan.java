package io.failoverlab.monitor.chaos;

import io.failoverlab.common.contract.ChaosRequest.FailoverMode;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.topology.SlotRange;
import java.util.List;

/**
 * What an accepted chaos request will do, as {@link ChaosPlanner} decided it: the node named first,
 * the shard's master, every node the action keeps busy, how the fault is made, and for a migrate the
 * slots and their source and target, for a fix the repairs.
 *
 * @param targets every node acted on ({@code node} is the first)
 * @param involved every node it keeps busy
 */
record ChaosPlan(NodeStatus node, String master, List<String> involved, String method, FailoverMode mode,
                 List<NodeStatus> targets, MigrationPlan migration, List<SlotRepair.Plan> repairs) {

  ChaosPlan(NodeStatus node, String master, List<String> involved, String method) {
    this(node, master, involved, method, FailoverMode.DEFAULT, List.of(node), null, null);
  }

  ChaosPlan(NodeStatus node, String master, List<String> involved, String method, FailoverMode mode) {
    this(node, master, involved, method, mode, List.of(node), null, null);
  }

  ChaosPlan(NodeStatus node, String master, List<String> involved, String method, FailoverMode mode,
            List<NodeStatus> targets) {
    this(node, master, involved, method, mode, targets, null, null);
  }

  /** The slots a migrate moves, or the open slots a fix closes, as the 202 body lists them; else null. */
  String slots() {
    if (migration != null) {
      return SlotRange.format(ranges(migration.slots()));
    }
    return repairs == null ? null : SlotRange.format(ranges(repairs.stream().map(SlotRepair.Plan::slot).toList()));
  }

  /** What a migrate moves: from the source to the target, every other master told the new owners. */
  record MigrationPlan(SlotCommands.Node source, SlotCommands.Node target, List<SlotCommands.Node> others,
                       List<Integer> slots) {
  }

  private static List<SlotRange> ranges(List<Integer> slots) {
    java.util.BitSet set = new java.util.BitSet(io.failoverlab.router.SlotHash.SLOTS);
    slots.forEach(set::set);
    return SlotRange.of(set);
  }
}
