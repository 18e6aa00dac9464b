package io.failoverlab.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.topology.ClusterNode;
import io.failoverlab.common.topology.ClusterNodesParser;
import io.failoverlab.common.topology.HostAndPort;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotMapTest {

  // CLUSTER NODES of a healthy 3+3 cluster, as 7000 answers it.
  static final String HEALTHY = """
      a000 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460
      a001 127.0.0.1:7001@17001 master - 0 1700000000000 2 connected 5461-10922
      a002 127.0.0.1:7002@17002 master - 0 1700000000000 3 connected 10923-16383
      a003 127.0.0.1:7003@17003 slave a000 0 1700000000000 1 connected
      a004 127.0.0.1:7004@17004 slave a001 0 1700000000000 2 connected
      a005 127.0.0.1:7005@17005 slave a002 0 1700000000000 3 connected
      """;

  // 7003 after it was promoted (epoch 7) while 7000 is down; 7000 itself is not asked.
  static final String AFTER_PROMOTION = """
      a000 127.0.0.1:7000@17000 master,fail - 0 1700000000000 1 disconnected
      a001 127.0.0.1:7001@17001 master - 0 1700000000000 2 connected 5461-10922
      a002 127.0.0.1:7002@17002 master - 0 1700000000000 3 connected 10923-16383
      a003 127.0.0.1:7003@17003 myself,master - 0 0 7 connected 0-5460
      a004 127.0.0.1:7004@17004 slave a001 0 1700000000000 2 connected
      a005 127.0.0.1:7005@17005 slave a002 0 1700000000000 3 connected
      """;

  @Test
  void mapsEverySlotToItsMasterAndReplicas() {
    SlotMap map = SlotMap.fromViews(List.of(ClusterNodesParser.parse(HEALTHY)));
    assertThat(map.uncoveredSlots()).isZero();
    assertThat(map.shards()).hasSize(3);
    SlotMap.Shard first = map.shardOf(0);
    assertThat(first.master()).isEqualTo(HostAndPort.parse("127.0.0.1:7000"));
    assertThat(first.replicas()).containsExactly(HostAndPort.parse("127.0.0.1:7003"));
    assertThat(first.label()).isEqualTo("0-5460");
    assertThat(map.shardOf(16383).master().port()).isEqualTo(7002);
  }

  @Test
  void higherConfigEpochWinsWhenViewsDisagree() {
    // A stale view (7000 still claims 0-5460 at epoch 1) must lose to the promoted replica (epoch 7).
    List<ClusterNode> stale = ClusterNodesParser.parse(HEALTHY);
    List<ClusterNode> fresh = ClusterNodesParser.parse(AFTER_PROMOTION);
    SlotMap map = SlotMap.fromViews(List.of(stale, fresh));
    assertThat(map.shardOf(100).master().port()).isEqualTo(7003);
    // The failed node is not offered as a replica to fall back on.
    assertThat(map.shardOf(100).replicas()).isEmpty();
  }

  @Test
  void promotionMovesTheWholeShardAndKeepsTheOldMasterAsReplica() {
    SlotMap map = SlotMap.fromViews(List.of(ClusterNodesParser.parse(HEALTHY)));
    SlotMap.Shard shard = map.shardOf(0);
    SlotMap promoted = map.withPromotion(shard, HostAndPort.parse("127.0.0.1:7003"));
    assertThat(promoted.shardOf(5460).master().port()).isEqualTo(7003);
    assertThat(promoted.shardOf(5460).replicas()).containsExactly(HostAndPort.parse("127.0.0.1:7000"));
    assertThat(promoted.shardOf(5461).master().port()).isEqualTo(7001);
    // Immutable: the old map is unchanged.
    assertThat(map.shardOf(0).master().port()).isEqualTo(7000);
  }

  @Test
  void movedToAReplicaIsAPromotionAndMovedElsewhereMovesOneSlot() {
    SlotMap map = SlotMap.fromViews(List.of(ClusterNodesParser.parse(HEALTHY)));
    assertThat(map.withMovedSlot(10, HostAndPort.parse("127.0.0.1:7003")).shardOf(0).master().port()).isEqualTo(7003);
    SlotMap migrated = map.withMovedSlot(10, HostAndPort.parse("127.0.0.1:7001"));
    assertThat(migrated.shardOf(10).master().port()).isEqualTo(7001);
    assertThat(migrated.shardOf(11).master().port()).isEqualTo(7000);
  }

  @Test
  void uncoveredSlotsAreCounted() {
    String partial = """
        a000 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-99
        """;
    SlotMap map = SlotMap.fromViews(List.of(ClusterNodesParser.parse(partial)));
    assertThat(map.uncoveredSlots()).isEqualTo(16384 - 100);
    assertThat(map.shardOf(100)).isNull();
    assertThat(SlotMap.EMPTY.isEmpty()).isTrue();
  }

  @Test
  void slotHashMatchesRedis() {
    // Values from CLUSTER KEYSLOT on a real server.
    assertThat(SlotHash.slot("foo")).isEqualTo(12182);
    assertThat(SlotHash.slot("{user1000}.following")).isEqualTo(SlotHash.slot("user1000"));
    assertThat(SlotHash.slot("123456789")).isEqualTo(0x31C3 % 16384);
    assertThat(SlotHash.slot("{}x")).isEqualTo(SlotHash.slot("{}x"));
  }
}
