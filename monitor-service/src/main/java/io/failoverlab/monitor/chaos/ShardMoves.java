package io.failoverlab.monitor.chaos;

import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.common.topology.SlotRange;
import java.util.ArrayList;
import java.util.List;

/**
 * Which slots move when a shard joins or leaves, so that every master ends with about the same
 * number: a new shard takes from each master its share (its slots / masters after), the first ones
 * it owns; a leaving shard's slots are dealt to the others in contiguous runs, as evenly.
 */
final class ShardMoves {

  private ShardMoves() {
  }

  /** {@code masters}: every live master, the new one (owning no slots) among them. */
  static List<SlotMigration.Move> toNewShard(List<NodeStatus> masters, NodeStatus newMaster) {
    SlotCommands.Node target = node(newMaster);
    int after = masters.size();
    List<SlotMigration.Move> moves = new ArrayList<>();
    for (NodeStatus master : masters) {
      if (master.address().equals(newMaster.address())) {
        continue;
      }
      List<Integer> owned = slots(master);
      int give = Math.round(owned.size() / (float) after);
      SlotCommands.Node source = node(master);
      owned.subList(0, give).forEach(slot -> moves.add(new SlotMigration.Move(source, target, slot)));
    }
    return moves;
  }

  /** {@code masters}: every live master, the leaving one among them. */
  static List<SlotMigration.Move> fromLeavingShard(List<NodeStatus> masters, NodeStatus leaving) {
    List<NodeStatus> staying = masters.stream().filter(m -> !m.address().equals(leaving.address())).toList();
    List<Integer> owned = slots(leaving);
    SlotCommands.Node source = node(leaving);
    List<SlotMigration.Move> moves = new ArrayList<>();
    for (int i = 0; i < owned.size(); i++) {
      // Contiguous runs: slot i goes to the (i * staying / owned)-th master.
      NodeStatus target = staying.get((int) ((long) i * staying.size() / owned.size()));
      moves.add(new SlotMigration.Move(source, node(target), owned.get(i)));
    }
    return moves;
  }

  private static List<Integer> slots(NodeStatus master) {
    List<Integer> slots = new ArrayList<>();
    if (master.slots() != null && !master.slots().isBlank()) {
      for (SlotRange range : SlotRange.parseList(master.slots())) {
        for (int slot = range.from(); slot <= range.to(); slot++) {
          slots.add(slot);
        }
      }
    }
    return slots;
  }

  private static SlotCommands.Node node(NodeStatus status) {
    return new SlotCommands.Node(HostAndPort.parse(status.address()), status.id());
  }
}
