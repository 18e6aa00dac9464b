package io.failoverlab.monitor;

import io.failoverlab.common.topology.ClusterNode;
import io.failoverlab.common.topology.HostAndPort;
import java.util.List;
import java.util.Map;

/**
 * What one node answered in one poll. {@code view} (its CLUSTER NODES) is null when it did not answer
 * in time: the node counts as unreachable. {@code clusterInfo} and {@code replication} are empty when
 * only those commands failed. {@code error} says why something is missing, for {@code /stats}.
 */
record NodeReply(
    HostAndPort address,
    List<ClusterNode> view,
    Map<String, String> clusterInfo,
    Map<String, String> replication,
    String error) {

  NodeReply {
    view = view == null ? null : List.copyOf(view);
    clusterInfo = clusterInfo == null ? Map.of() : Map.copyOf(clusterInfo);
    replication = replication == null ? Map.of() : Map.copyOf(replication);
  }

  static NodeReply unreachable(HostAndPort address, String error) {
    return new NodeReply(address, null, Map.of(), Map.of(), error);
  }

  boolean reachable() {
    return view != null;
  }

  /** The line the node wrote about itself, or null (unreachable, or a reply without "myself"). */
  ClusterNode self() {
    if (view == null) {
      return null;
    }
    for (ClusterNode node : view) {
      if (node.myself()) {
        return node;
      }
    }
    return null;
  }
}
