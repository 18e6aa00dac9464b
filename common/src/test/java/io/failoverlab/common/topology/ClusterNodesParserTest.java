package io.failoverlab.common.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.failoverlab.common.topology.HostAndPort;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterNodesParserTest {

  @Test
  void parsesRolesFlagsEpochsAndSlots() {
    List<ClusterNode> nodes = ClusterNodesParser.parse("""
        a000 127.0.0.1:7000@17000,host-a myself,master - 0 0 1 connected 0-5460 5462 [5463->-b111]
        a003 127.0.0.1:7003@17003 slave,fail? a000 1700000000000 1700000000000 1 disconnected
        a004 :0@0 master,fail,noaddr - 0 0 0 disconnected
        """);
    ClusterNode master = nodes.get(0);
    assertThat(master.myself()).isTrue();
    assertThat(master.master()).isTrue();
    assertThat(master.address()).isEqualTo(HostAndPort.parse("127.0.0.1:7000"));
    assertThat(master.slots()).containsExactly(new SlotRange(0, 5460), new SlotRange(5462, 5462));
    assertThat(master.slotCount()).isEqualTo(5462);
    ClusterNode replica = nodes.get(1);
    assertThat(replica.replica()).isTrue();
    assertThat(replica.possiblyFailed()).isTrue();
    assertThat(replica.failed()).isFalse();
    assertThat(replica.masterId()).isEqualTo("a000");
    assertThat(replica.linkConnected()).isFalse();
    assertThat(nodes.get(2).address()).isNull();
    assertThat(nodes.get(2).failed()).isTrue();
  }

  /** Bracketed slots are moves in progress, on the node's own line: kept apart, never taken for ownership. */
  @Test
  void openSlotsAreReadAsMigratingOrImportingWithTheirPeer() {
    ClusterNode node = ClusterNodesParser.parse(
        "a000 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-99 [100->-b111] [16383-<-c222] [x->-y]\n")
        .get(0);
    assertThat(node.slots()).containsExactly(new SlotRange(0, 99));
    assertThat(node.openSlots()).containsExactly(new ClusterNode.OpenSlot(100, false, "b111"),
        new ClusterNode.OpenSlot(16383, true, "c222"));
    assertThat(ClusterNode.OpenSlot.parse("100")).isNull();
    assertThat(ClusterNode.OpenSlot.parse("[100]")).isNull();
  }

  @Test
  void malformedLinesAreRejectedWithTheLine() {
    assertThatThrownBy(() -> ClusterNodesParser.parse("a000 127.0.0.1:7000@17000 master"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a000");
  }

  @Test
  void slotRangesFormatAndParse() {
    assertThat(SlotRange.parse("0-5460").size()).isEqualTo(5461);
    assertThat(SlotRange.parse("42")).isEqualTo(new SlotRange(42, 42));
    assertThat(SlotRange.format(List.of(new SlotRange(0, 10), new SlotRange(12, 12)))).isEqualTo("0-10,12");
    assertThatThrownBy(() -> SlotRange.parse("10-2")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SlotRange.parse("x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void infoRepliesBecomeMaps() {
    assertThat(InfoParser.parse("# Replication\r\nrole:slave\r\nmaster_link_status:up\r\n"))
        .containsEntry("role", "slave").containsEntry("master_link_status", "up").hasSize(2);
  }
}
