package io.failoverlab.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.testsupport.Snapshots;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardTargetsTest {

  @Test
  void shardsAreOrderedByTheirFirstSlot() {
    assertThat(ShardTargets.shards(Snapshots.healthy())).containsExactly("0-5460", "5461-10921", "10922-16383");
  }

  @Test
  void roundRobinCyclesOverTheShards() {
    List<String> shards = ShardTargets.shards(Snapshots.healthy());
    assertThat(List.of(1, 2, 3, 4, 5).stream().map(i -> ShardTargets.roundRobin(shards, i)))
        .containsExactly("0-5460", "5461-10921", "10922-16383", "0-5460", "5461-10921");
  }

  @Test
  void theCurrentMasterOfAShardIsWhoeverServesItsFirstSlotNow() {
    assertThat(ShardTargets.current(Snapshots.healthy(), "0-5460"))
        .isEqualTo(new ShardTargets.Choice("127.0.0.1:7000", "0-5460", "127.0.0.1:7003"));
    // After a failover of 7000: 7003 serves the shard, 7000 came back as its replica.
    TopologySnapshot after = Snapshots.snapshot(List.of(
        Snapshots.replica(7000, 7003), Snapshots.master(7001, "5461-10921"), Snapshots.master(7002, "10922-16383"),
        Snapshots.master(7003, "0-5460"), Snapshots.replica(7004, 7001), Snapshots.replica(7005, 7002)));
    assertThat(ShardTargets.current(after, "0-5460"))
        .isEqualTo(new ShardTargets.Choice("127.0.0.1:7003", "0-5460", "127.0.0.1:7000"));
  }

  @Test
  void aNamedNodeStandsForItsShardWhetherMasterOrReplica() {
    assertThat(ShardTargets.shardOf(Snapshots.healthy(), "127.0.0.1:7001")).isEqualTo("5461-10921");
    assertThat(ShardTargets.shardOf(Snapshots.healthy(), "127.0.0.1:7005")).isEqualTo("10922-16383");
    assertThatThrownBy(() -> ShardTargets.shardOf(Snapshots.healthy(), "127.0.0.1:7999"))
        .hasMessageContaining("127.0.0.1:7999 is not in the cluster");
  }

  @Test
  void aShardNobodyServesCannotBeTargeted() {
    TopologySnapshot down = Snapshots.snapshot(List.of(Snapshots.master(7001, "5461-10921")));
    assertThatThrownBy(() -> ShardTargets.current(down, "0-5460")).hasMessageContaining("no master serves slot 0");
  }

  @Test
  void targetOptionIsRoundRobinOrHostAndPort() {
    assertThat(DrillTarget.parse("round-robin").roundRobinMode()).isTrue();
    assertThat(DrillTarget.parse("127.0.0.1:7002").node().port()).isEqualTo(7002);
    assertThatThrownBy(() -> DrillTarget.parse("somewhere")).hasMessageContaining("expected round-robin or host:port");
  }
}
