package io.failoverlab.drill;

import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.topology.SlotRange;
import io.failoverlab.measure.ClusterHealth;
import java.util.Comparator;
import java.util.List;

/**
 * Picks the master a failover hits. Shards are named by their slot ranges, which a failover hands
 * over unchanged to the promoted replica, so "the shard of slots 0-5460" stays the same shard while
 * its master changes; its current master is the one serving its first slot.
 */
final class ShardTargets {

  /** The node a failover acts on, the shard it serves, and (for the record) a replica that may take over. */
  record Choice(String master, String shard, String replica) {
  }

  private ShardTargets() {
  }

  /** The shards (slot ranges of the masters), ordered by their first slot. */
  static List<String> shards(TopologySnapshot snapshot) {
    return ClusterHealth.masters(snapshot).stream()
        .map(NodeStatus::slots)
        .sorted(Comparator.comparingInt(ShardTargets::firstSlot))
        .toList();
  }

  /** The shard a named node belongs to: its slots if it is a master, its master's if a replica. */
  static String shardOf(TopologySnapshot snapshot, String address) {
    NodeStatus node = snapshot.nodes().stream().filter(n -> address.equals(n.address())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("node " + address + " is not in the cluster (nodes: "
            + snapshot.nodes().stream().map(NodeStatus::address).sorted().toList() + ")"));
    if ("replica".equals(node.role())) {
      for (NodeStatus master : ClusterHealth.masters(snapshot)) {
        if (master.address().equals(node.master()) || master.id().equals(node.masterId())) {
          return master.slots();
        }
      }
      throw new IllegalArgumentException("node " + address + " is a replica of " + node.master()
          + ", which serves no slots");
    }
    if (node.slots() == null || node.slots().isBlank()) {
      throw new IllegalArgumentException("node " + address + " serves no slots");
    }
    return node.slots();
  }

  /** Round-robin: failover {@code index} (1-based) hits the shard {@code (index - 1) mod shards}. */
  static String roundRobin(List<String> shards, int index) {
    return shards.get((index - 1) % shards.size());
  }

  /** The current master of the shard (the one serving its first slot) and one of its replicas. */
  static Choice current(TopologySnapshot snapshot, String shard) {
    int first = firstSlot(shard);
    for (NodeStatus master : ClusterHealth.masters(snapshot)) {
      if (serves(master.slots(), first)) {
        List<NodeStatus> replicas = ClusterHealth.replicasOf(snapshot, master);
        return new Choice(master.address(), shard, replicas.isEmpty() ? null : replicas.get(0).address());
      }
    }
    throw new IllegalStateException("no master serves slot " + first + " of shard " + shard);
  }

  static int firstSlot(String slots) {
    return SlotRange.parseList(slots).get(0).from();
  }

  private static boolean serves(String slots, int slot) {
    return SlotRange.contains(SlotRange.parseList(slots), slot);
  }
}
