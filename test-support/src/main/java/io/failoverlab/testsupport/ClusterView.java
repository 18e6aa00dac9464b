package io.failoverlab.testsupport;

import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.topology.SlotRange;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** What the system-level tests ask of the monitor's merged topology: the masters in slot order, a replica, a node. */
public final class ClusterView {

  private ClusterView() {
  }

  /**
   * The reachable masters that serve slots, in slot order (the shard of slot 0 first), so that an index
   * names the same shard across failovers; empty before the monitor's first poll.
   */
  public static List<String> masters(TopologySnapshot snapshot) {
    if (snapshot == null) {
      return List.of();
    }
    return snapshot.nodes().stream()
        .filter(n -> "master".equals(n.role()) && n.slots() != null && !n.slots().isEmpty() && n.reachable())
        .sorted(Comparator.comparingInt(ClusterView::firstSlot))
        .map(NodeStatus::address)
        .toList();
  }

  /** A replica of {@code master}. */
  public static String replicaOf(TopologySnapshot snapshot, String master) {
    return snapshot.nodes().stream().filter(n -> master.equals(n.master())).map(NodeStatus::address)
        .findFirst().orElseThrow(() -> new AssertionError("no replica of " + master + " in " + snapshot.nodes()));
  }

  public static Optional<NodeStatus> node(TopologySnapshot snapshot, String address) {
    return snapshot.nodes().stream().filter(n -> n.address().equals(address)).findFirst();
  }

  private static int firstSlot(NodeStatus node) {
    return SlotRange.parseList(node.slots()).get(0).from();
  }
}
