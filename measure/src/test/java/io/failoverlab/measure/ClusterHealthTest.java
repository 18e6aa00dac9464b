package io.failoverlab.measure;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.testsupport.Snapshots;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterHealthTest {

  @Test
  void threeMastersEachWithASyncedReplicaIsHealthy() {
    assertThat(ClusterHealth.problem(Snapshots.healthy(), 3)).isNull();
    assertThat(ClusterHealth.problem(Snapshots.healthy(), 0)).isNull();
  }

  @Test
  void noSnapshotYetIsNotHealthy() {
    assertThat(ClusterHealth.problem(null, 3)).contains("no topology snapshot");
  }

  @Test
  void clusterStateAndUncoveredSlotsCount() {
    TopologySnapshot healthy = Snapshots.healthy();
    assertThat(ClusterHealth.problem(new TopologySnapshot(1, 200, "fail", 3, 0, healthy.nodes()), 3))
        .isEqualTo("cluster_state is fail");
    assertThat(ClusterHealth.problem(new TopologySnapshot(1, 200, "ok", 2, 5461, healthy.nodes()), 3))
        .isEqualTo("5461 slots have no live master");
  }

  @Test
  void aNodeThatIsDownOrFlaggedIsNotHealthy() {
    assertThat(ClusterHealth.problem(Snapshots.with(7003, n -> Snapshots.copy(n, "replica", List.of("slave"),
        "127.0.0.1:7000", null, false, false)), 3)).isEqualTo("node 127.0.0.1:7003 does not answer the monitor");
    assertThat(ClusterHealth.problem(Snapshots.with(7004, n -> Snapshots.copy(n, "replica", List.of("slave", "fail?"),
        "127.0.0.1:7001", null, true, true)), 3)).isEqualTo("node 127.0.0.1:7004 is flagged slave,fail?");
  }

  @Test
  void aReplicaStillSyncingIsNotInSync() {
    assertThat(ClusterHealth.problem(Snapshots.with(7005, n -> Snapshots.copy(n, "replica", List.of("slave"),
        "127.0.0.1:7002", null, true, false)), 3))
        .isEqualTo("replica 127.0.0.1:7005 of 127.0.0.1:7002 is not in sync (master link down)");
  }

  @Test
  void aMasterWithoutReplicaOrAMissingMasterIsNotHealthy() {
    // 7003 became a master without slots: 7000 has no replica left.
    assertThat(ClusterHealth.problem(Snapshots.with(7003, n -> Snapshots.copy(n, "master", List.of("master"),
        null, null, true, true)), 3)).isEqualTo("master 127.0.0.1:7000 (slots 0-5460) has no replica");
    assertThat(ClusterHealth.problem(Snapshots.healthy(), 4)).isEqualTo("3 masters serve slots, expected 4");
  }
}
