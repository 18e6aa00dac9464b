package io.failoverlab.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.topology.ClusterNodesParser;
import io.failoverlab.common.topology.HostAndPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The merge of real CLUSTER NODES / CLUSTER INFO / INFO replication replies (see {@link CapturedPoll}). */
class TopologyMergerTest {

  private static NodeStatus node(TopologySnapshot snapshot, int port) {
    return snapshot.nodes().stream().filter(node -> node.address().equals("127.0.0.1:" + port)).findFirst()
        .orElseThrow(() -> new AssertionError("no node 127.0.0.1:" + port + " in " + snapshot.nodes()));
  }

  @Test
  void healthyClusterHasThreeMastersEachWithASyncedReplica() {
    MergedTopology merged = CapturedPoll.merged("healthy", 1234);
    TopologySnapshot snapshot = merged.snapshot();

    assertThat(snapshot.timestamp()).isEqualTo(1234);
    assertThat(snapshot.pollIntervalMs()).isEqualTo(200);
    assertThat(snapshot.clusterState()).isEqualTo("ok");
    assertThat(snapshot.masters()).isEqualTo(3);
    assertThat(snapshot.uncoveredSlots()).isZero();
    assertThat(snapshot.nodes()).hasSize(6).allMatch(NodeStatus::reachable).allMatch(NodeStatus::linkUp)
        .allMatch(node -> node.flags().isEmpty());
    assertThat(node(snapshot, 7100)).extracting(NodeStatus::role, NodeStatus::slots, NodeStatus::configEpoch)
        .containsExactly("master", "0-5460", 1L);
    assertThat(node(snapshot, 7104)).extracting(NodeStatus::role, NodeStatus::master, NodeStatus::masterId)
        .containsExactly("replica", "127.0.0.1:7100", node(snapshot, 7100).id());
    assertThat(merged.listedAddresses()).hasSize(6);
    assertThat(merged.clusterStateByNode()).hasSize(6).containsValue("ok").doesNotContainValue("fail");
  }

  @Test
  void crashedMasterIsUnreachableAndItsSlotsUncoveredBeforeTheClusterNotices() {
    TopologySnapshot snapshot = CapturedPoll.merged("crash-disconnected", 0).snapshot();
    NodeStatus dead = node(snapshot, 7100);

    assertThat(dead.reachable()).isFalse();
    assertThat(dead.role()).as("what the others say").isEqualTo("master");
    assertThat(dead.flags()).as("nobody flags it yet").isEmpty();
    assertThat(dead.slots()).isEqualTo("0-5460");
    assertThat(snapshot.clusterState()).as("no reachable node says otherwise").isEqualTo("ok");
    assertThat(snapshot.masters()).isEqualTo(2);
    assertThat(snapshot.uncoveredSlots()).isEqualTo(5461);
    assertThat(node(snapshot, 7104).linkUp()).as("replica of the dead master").isFalse();
  }

  @Test
  void flagsAreTheUnionOfEveryView() {
    // One node still says fail? while four already say fail.
    NodeStatus dead = node(CapturedPoll.merged("crash-fail-spreading", 0).snapshot(), 7100);
    assertThat(dead.flags()).containsExactlyInAnyOrder("fail", "fail?");
    assertThat(node(CapturedPoll.merged("crash-fail-agreed", 0).snapshot(), 7100).flags()).containsExactly("fail");
  }

  @Test
  void promotedReplicaOwnsTheSlotsByConfigEpochWhileOtherViewsLag() {
    // Three of the five answering nodes still say 7100 (epoch 1) owns 0-5460; 7104 says it does, epoch 7.
    TopologySnapshot snapshot = CapturedPoll.merged("crash-promotion-spreading", 0).snapshot();

    assertThat(node(snapshot, 7104)).extracting(NodeStatus::role, NodeStatus::slots, NodeStatus::configEpoch)
        .containsExactly("master", "0-5460", 7L);
    assertThat(node(snapshot, 7100).slots()).isEmpty();
    assertThat(snapshot.masters()).isEqualTo(3);
    assertThat(snapshot.uncoveredSlots()).isZero();
  }

  @Test
  void restartedOldMasterIsAReplicaOfThePromotedNodeStillSyncing() {
    TopologySnapshot snapshot = CapturedPoll.merged("crash-old-master-rejoined", 0).snapshot();
    NodeStatus back = node(snapshot, 7100);

    assertThat(back).extracting(NodeStatus::reachable, NodeStatus::role, NodeStatus::master, NodeStatus::linkUp)
        .containsExactly(true, "replica", "127.0.0.1:7104", false);
    assertThat(back.flags()).isEmpty();
  }

  @Test
  void clusterStateFailsWhenAnyReachableNodeSaysFail() {
    MergedTopology merged = CapturedPoll.merged("hang-clusterdown", 0);

    assertThat(merged.snapshot().clusterState()).isEqualTo("fail");
    assertThat(merged.clusterStateByNode()).containsEntry("127.0.0.1:7103", "fail")
        .containsEntry("127.0.0.1:7102", "ok").doesNotContainKey("127.0.0.1:7101");
    NodeStatus hung = node(merged.snapshot(), 7101);
    assertThat(hung.reachable()).isFalse();
    assertThat(hung.flags()).contains("fail");
    assertThat(merged.snapshot().uncoveredSlots()).isEqualTo(5462);
  }

  @Test
  void unreachableNodesAreStillListedAsPollTargets() {
    MergedTopology merged = CapturedPoll.merged("hang-clusterdown", 0);
    assertThat(merged.listedAddresses()).contains(new HostAndPort("127.0.0.1", 7101)).hasSize(6);
    assertThat(merged.idByPolledAddress()).doesNotContainKey(new HostAndPort("127.0.0.1", 7101)).hasSize(5);
  }

  @Test
  void aNodePolledUnderTwoAddressesCountsOnce() {
    List<NodeReply> replies = new ArrayList<>(CapturedPoll.replies("healthy"));
    NodeReply first = replies.get(0);
    HostAndPort alias = new HostAndPort("localhost", 7100);
    replies.add(new NodeReply(alias, first.view(), first.clusterInfo(), first.replication(), null));

    MergedTopology merged = TopologyMerger.merge(replies, 0, 200);

    assertThat(merged.snapshot().nodes()).hasSize(6);
    assertThat(node(merged.snapshot(), 7100).reachable()).isTrue();
    assertThat(merged.idByPolledAddress().get(alias)).isEqualTo(node(merged.snapshot(), 7100).id());
    assertThat(merged.clusterStateByNode()).doesNotContainKey("localhost:7100");
  }

  @Test
  void nodesInHandshakeAreLeftOut() {
    String view = "aaaa 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383\n"
        + "bbbb 127.0.0.1:7009@17009 handshake - 0 0 0 connected\n";
    NodeReply reply = new NodeReply(new HostAndPort("127.0.0.1", 7000), ClusterNodesParser.parse(view),
        Map.of("cluster_state", "ok"), Map.of("role", "master"), null);
    TopologySnapshot snapshot = TopologyMerger.merge(List.of(reply), 0, 200).snapshot();
    assertThat(snapshot.nodes()).extracting(NodeStatus::id).containsExactly("aaaa");
    assertThat(snapshot.uncoveredSlots()).isZero();
  }

  @Test
  void nobodyAnsweringMeansUnknownStateAndEverySlotUncovered() {
    List<NodeReply> replies = List.of(NodeReply.unreachable(new HostAndPort("127.0.0.1", 7000), "refused"));
    TopologySnapshot snapshot = TopologyMerger.merge(replies, 0, 200).snapshot();
    assertThat(snapshot.clusterState()).isEqualTo("unknown");
    assertThat(snapshot.nodes()).isEmpty();
    assertThat(snapshot.masters()).isZero();
    assertThat(snapshot.uncoveredSlots()).isEqualTo(16384);
  }

  @Test
  void whenNobodyAnswersTheLastKnownNodesStayAsUnreachable() {
    TopologySnapshot healthy = CapturedPoll.merged("healthy", 1000).snapshot();
    List<NodeReply> silence = new ArrayList<>();
    for (NodeReply reply : CapturedPoll.replies("healthy")) {
      silence.add(NodeReply.unreachable(reply.address(), "timeout"));
    }

    MergedTopology merged = TopologyMerger.merge(silence, healthy, 1200, 200);

    assertThat(merged.snapshot().nodes()).extracting(NodeStatus::id)
        .containsExactlyElementsOf(healthy.nodes().stream().map(NodeStatus::id).toList());
    assertThat(merged.snapshot().nodes()).noneMatch(NodeStatus::reachable);
    assertThat(node(merged.snapshot(), 7100).slots()).isEqualTo("0-5460");
    assertThat(merged.snapshot().clusterState()).isEqualTo("unknown");
    assertThat(merged.snapshot().uncoveredSlots()).isEqualTo(16384);
    assertThat(merged.listedAddresses()).as("still polled").hasSize(6);
    assertThat(TopologyDiff.diff(healthy, merged.snapshot(), 1200)).extracting(event -> event.type())
        .doesNotContain(io.failoverlab.common.contract.TopologyEvent.Type.NODE_REMOVED)
        .contains(io.failoverlab.common.contract.TopologyEvent.Type.NODE_UNREACHABLE);
  }

  @Test
  void aReplicaWhoseInfoFailedIsReachableButItsLinkIsNotKnownUp() {
    List<NodeReply> replies = new ArrayList<>();
    for (NodeReply reply : CapturedPoll.replies("healthy")) {
      replies.add(reply.address().port() == 7104
          ? new NodeReply(reply.address(), reply.view(), Map.of(), Map.of(), "INFO replication: timeout")
          : reply);
    }
    MergedTopology merged = TopologyMerger.merge(replies, 0, 200);
    NodeStatus replica = node(merged.snapshot(), 7104);
    assertThat(replica.reachable()).isTrue();
    assertThat(replica.linkUp()).isFalse();
    assertThat(merged.clusterStateByNode()).doesNotContainKey("127.0.0.1:7104");
    assertThat(merged.snapshot().clusterState()).isEqualTo("ok");
  }
}
