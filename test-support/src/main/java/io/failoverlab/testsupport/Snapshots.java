package io.failoverlab.testsupport;

import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Monitor snapshots of a 3-master, 3-replica cluster on 127.0.0.1:7000-7005, healthy or changed. */
public final class Snapshots {

  private Snapshots() {
  }

  public static NodeStatus master(int port, String slots) {
    return new NodeStatus("id" + port, "127.0.0.1:" + port, "master", List.of("master"), null, null, slots, true, true, 1);
  }

  public static NodeStatus replica(int port, int masterPort) {
    return new NodeStatus("id" + port, "127.0.0.1:" + port, "replica", List.of("slave"), "id" + masterPort,
        "127.0.0.1:" + masterPort, null, true, true, 1);
  }

  /** 7000: 0-5460, 7001: 5461-10921, 7002: 10922-16383; 7003-7005 their replicas. Listed in a shuffled order. */
  public static TopologySnapshot healthy() {
    return snapshot(List.of(master(7002, "10922-16383"), replica(7003, 7000), master(7000, "0-5460"),
        replica(7005, 7002), master(7001, "5461-10921"), replica(7004, 7001)));
  }

  public static TopologySnapshot snapshot(List<NodeStatus> nodes) {
    return new TopologySnapshot(1000, 200, "ok", 3, 0, nodes);
  }

  /** The healthy snapshot with one node replaced. */
  public static TopologySnapshot with(int port, UnaryOperator<NodeStatus> change) {
    List<NodeStatus> nodes = new ArrayList<>();
    for (NodeStatus node : healthy().nodes()) {
      nodes.add(node.address().equals("127.0.0.1:" + port) ? change.apply(node) : node);
    }
    return snapshot(nodes);
  }

  public static NodeStatus copy(NodeStatus n, String role, List<String> flags, String master, String slots, boolean reachable,
                         boolean linkUp) {
    return new NodeStatus(n.id(), n.address(), role, flags, master == null ? null : "id" + master.substring(master.indexOf(':') + 1),
        master, slots, reachable, linkUp, n.configEpoch());
  }
}
