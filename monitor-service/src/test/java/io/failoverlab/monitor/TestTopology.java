package io.failoverlab.monitor;

import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Snapshots built by hand; masters and uncovered slots computed as the merger does. */
final class TestTopology {

  static final String SHARD_A = "0-5460";
  static final String SHARD_B = "5461-10922";
  static final String SHARD_C = "10923-16383";

  private TestTopology() {
  }

  static NodeStatus master(int port, String slots) {
    return new NodeStatus("id-" + port, "10.0.0.1:" + port, TopologyFacts.MASTER, List.of(), null, null, slots,
        true, true, port - 7000 + 1);
  }

  static NodeStatus replica(int port, NodeStatus master) {
    return new NodeStatus("id-" + port, "10.0.0.1:" + port, TopologyFacts.REPLICA, List.of(), master.id(),
        master.address(), "", true, true, master.configEpoch());
  }

  static NodeStatus unreachable(NodeStatus node) {
    return new NodeStatus(node.id(), node.address(), node.role(), node.flags(), node.masterId(), node.master(),
        node.slots(), false, false, node.configEpoch());
  }

  static NodeStatus reachable(NodeStatus node) {
    return new NodeStatus(node.id(), node.address(), node.role(), node.flags(), node.masterId(), node.master(),
        node.slots(), true, true, node.configEpoch());
  }

  static NodeStatus flagged(NodeStatus node, String... flags) {
    return new NodeStatus(node.id(), node.address(), node.role(), Arrays.asList(flags), node.masterId(), node.master(),
        node.slots(), node.reachable(), node.linkUp(), node.configEpoch());
  }

  static NodeStatus linkDown(NodeStatus node) {
    return new NodeStatus(node.id(), node.address(), node.role(), node.flags(), node.masterId(), node.master(),
        node.slots(), node.reachable(), false, node.configEpoch());
  }

  static NodeStatus withoutSlots(NodeStatus node) {
    return new NodeStatus(node.id(), node.address(), node.role(), node.flags(), node.masterId(), node.master(),
        "", node.reachable(), node.linkUp(), node.configEpoch());
  }

  /** The replica took over {@code slots} with a new config epoch. */
  static NodeStatus promoted(NodeStatus replica, String slots, long epoch) {
    return new NodeStatus(replica.id(), replica.address(), TopologyFacts.MASTER, replica.flags(), null, null, slots,
        replica.reachable(), true, epoch);
  }

  /** A node (a former master) now following {@code master}. */
  static NodeStatus following(NodeStatus node, NodeStatus master, boolean linkUp) {
    return new NodeStatus(node.id(), node.address(), TopologyFacts.REPLICA, List.of(), master.id(), master.address(),
        "", true, linkUp, master.configEpoch());
  }

  static TopologySnapshot snapshot(long at, NodeStatus... nodes) {
    return snapshot(at, TopologyFacts.STATE_OK, nodes);
  }

  static TopologySnapshot snapshot(long at, String state, NodeStatus... nodes) {
    List<NodeStatus> list = new ArrayList<>(Arrays.asList(nodes));
    int masters = (int) list.stream().filter(TopologyFacts::liveMaster).count();
    // As a real cluster after its last election: the current epoch is the highest config epoch.
    long currentEpoch = list.stream().mapToLong(NodeStatus::configEpoch).max().orElse(0);
    return new TopologySnapshot(at, 200, state, masters, TopologyFacts.uncovered(list).cardinality(), list,
        currentEpoch, List.of());
  }

  /** Three masters (7000-7002) and their replicas (7003 follows 7000, 7004 7001, 7005 7002). */
  static final class Cluster {
    NodeStatus m0 = master(7000, SHARD_A);
    NodeStatus m1 = master(7001, SHARD_B);
    NodeStatus m2 = master(7002, SHARD_C);
    NodeStatus r0 = replica(7003, m0);
    NodeStatus r1 = replica(7004, m1);
    NodeStatus r2 = replica(7005, m2);
    String state = TopologyFacts.STATE_OK;

    TopologySnapshot at(long at) {
      return snapshot(at, state, m0, m1, m2, r0, r1, r2);
    }
  }
}
