package io.failoverlab.measure;

import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import java.util.List;

/**
 * Whether the monitor's view of the cluster is ready for the next failover: cluster_state ok, every slot
 * served, every node reachable and unflagged, the expected number of masters, each with a replica whose
 * link is up (a replica that never synced cannot be promoted, so the next failover would not be one).
 */
public final class ClusterHealth {

  private static final String MASTER = "master";
  private static final String REPLICA = "replica";

  private ClusterHealth() {
  }

  /** Null when healthy, else the first problem, in words. {@code expectedMasters} 0 = any number. */
  public static String problem(TopologySnapshot snapshot, int expectedMasters) {
    if (snapshot == null) {
      return "the monitor has no topology snapshot yet";
    }
    if (!"ok".equals(snapshot.clusterState())) {
      return "cluster_state is " + snapshot.clusterState();
    }
    if (snapshot.uncoveredSlots() > 0) {
      return snapshot.uncoveredSlots() + " slots have no live master";
    }
    for (NodeStatus node : snapshot.nodes()) {
      if (!node.reachable()) {
        return "node " + node.address() + " does not answer the monitor";
      }
      if (node.flags().contains("fail") || node.flags().contains("fail?")) {
        return "node " + node.address() + " is flagged " + String.join(",", node.flags());
      }
      if (!MASTER.equals(node.role()) && !REPLICA.equals(node.role())) {
        return "node " + node.address() + " has role " + node.role();
      }
    }
    List<NodeStatus> masters = masters(snapshot);
    if (masters.isEmpty()) {
      return "no master serves slots";
    }
    if (expectedMasters > 0 && masters.size() != expectedMasters) {
      return masters.size() + " masters serve slots, expected " + expectedMasters;
    }
    for (NodeStatus master : masters) {
      List<NodeStatus> replicas = replicasOf(snapshot, master);
      if (replicas.isEmpty()) {
        return "master " + master.address() + " (slots " + master.slots() + ") has no replica";
      }
      for (NodeStatus replica : replicas) {
        if (!replica.linkUp()) {
          return "replica " + replica.address() + " of " + master.address() + " is not in sync (master link down)";
        }
      }
    }
    return null;
  }

  public static List<NodeStatus> masters(TopologySnapshot snapshot) {
    return snapshot.nodes().stream()
        .filter(node -> MASTER.equals(node.role()) && node.slots() != null && !node.slots().isBlank())
        .toList();
  }

  public static List<NodeStatus> replicasOf(TopologySnapshot snapshot, NodeStatus master) {
    return snapshot.nodes().stream()
        .filter(node -> REPLICA.equals(node.role())
            && (master.address().equals(node.master()) || (master.id() != null && master.id().equals(node.masterId()))))
        .toList();
  }
}
