package io.failoverlab.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One real 6-node cluster on 7200-7205, taken through the operations drills need, in order: start,
 * crash + restart, hang + resume, stop. Each step checks the nodes' own view, not the cluster object's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalRedisClusterIT {

  private static final int BASE = 7200;
  private static final Duration FAILOVER = Duration.ofSeconds(30);

  private static ClusterFixture fixture;
  private static LocalRedisCluster cluster;
  private static ClusterProbe probe;
  private static List<Long> pids;

  @BeforeAll
  static void startCluster() {
    fixture = ClusterFixture.start(BASE);
    cluster = fixture.cluster;
    probe = fixture.probe;
  }

  @AfterAll
  static void tearDown() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  @Order(1)
  void startReportsReadyOnlyWhenEveryReplicaIsInSync() {
    for (int port = BASE; port < BASE + 6; port++) {
      String info = probe.send(port, Request.cmd(Command.CLUSTER).arg("INFO")).toString();
      assertThat(info).contains("cluster_state:ok").contains("cluster_slots_assigned:16384");
    }
    for (int port = BASE; port < BASE + 3; port++) {
      assertThat(probe.isMasterWithSlots(port)).as("master %d", port).isTrue();
      assertThat(probe.isReplicaOf(port + 3, port)).as("replica %d of %d", port + 3, port).isTrue();
      String replication = probe.send(port + 3, Request.cmd(Command.INFO).arg("replication")).toString();
      assertThat(replication).contains("master_link_status:up");
    }
    assertThat(cluster.binary().source()).isEqualTo(RedisBinary.Source.PATH);
    assertThat(cluster.workDir()).isDirectory();
    pids = cluster.nodes().stream().map(LocalNode::pid).toList();
    assertThat(pids).allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }

  @Test
  @Order(2)
  void crashedMasterIsReplacedAndRejoinsAsReplicaAfterRestart() {
    ClusterProbe.await(cluster.crash(BASE));
    assertThat(cluster.nodes().get(0).state()).isEqualTo(NodeState.CRASHED);
    await().atMost(FAILOVER).until(() -> probe.isMasterWithSlots(BASE + 3));

    ClusterProbe.await(cluster.restart(BASE));
    await().atMost(FAILOVER).until(() -> probe.isReplicaOf(BASE, BASE + 3));
    ClusterProbe.await(cluster.awaitHealthy(FAILOVER));
  }

  @Test
  @Order(3)
  void hungMasterIsReplacedAndFollowsTheNewMasterWhenResumed() {
    ClusterProbe.await(cluster.hang(BASE + 1, Duration.ofSeconds(60)));
    assertThat(cluster.nodes().get(1).state()).isEqualTo(NodeState.HUNG);
    await().atMost(FAILOVER).until(() -> probe.isMasterWithSlots(BASE + 4));

    ClusterProbe.await(cluster.resume(BASE + 1));
    await().atMost(FAILOVER).until(() -> probe.isReplicaOf(BASE + 1, BASE + 4));
    ClusterProbe.await(cluster.awaitHealthy(FAILOVER));
  }

  @Test
  @Order(4)
  void operationsRejectNodesOutsideTheClusterAndWrongStates() {
    assertThatThrownBy(() -> ClusterProbe.await(cluster.crash(6379))).hasMessageContaining("not a node of this cluster");
    assertThatThrownBy(() -> ClusterProbe.await(cluster.restart(BASE + 2))).hasMessageContaining("only a CRASHED node");
    assertThatThrownBy(() -> ClusterProbe.await(cluster.hang(BASE + 2, Duration.ZERO))).hasMessageContaining("positive");
  }

  @Test
  @Order(5)
  void stopLeavesNoProcessAndNoDirectory() {
    Path dir = cluster.workDir();
    List<Long> current = cluster.nodes().stream().map(LocalNode::pid).toList();
    ClusterProbe.await(cluster.stop());
    assertThat(Files.exists(dir)).isFalse();
    for (long pid : current) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive", pid).isFalse();
    }
    assertThat(cluster.nodes()).allMatch(node -> node.state() == NodeState.STOPPED);
    // A second stop is harmless.
    ClusterProbe.await(cluster.stop());
  }
}
