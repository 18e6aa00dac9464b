package io.failoverlab.monitor;

import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.topology.HostAndPort;
import java.util.Map;
import java.util.Set;

/**
 * One poll's result: the snapshot everybody gets, plus what only the monitor needs: which node said
 * which cluster_state (for the state events' "nodes"), the addresses any reply listed (the next
 * poll's targets) and the node id behind each polled address (to spot a seed that is a listed node).
 */
record MergedTopology(
    TopologySnapshot snapshot,
    Map<String, String> clusterStateByNode,
    Set<HostAndPort> listedAddresses,
    Map<HostAndPort, String> idByPolledAddress) {

  MergedTopology {
    clusterStateByNode = Map.copyOf(clusterStateByNode);
    listedAddresses = Set.copyOf(listedAddresses);
    idByPolledAddress = Map.copyOf(idByPolledAddress);
  }
}
