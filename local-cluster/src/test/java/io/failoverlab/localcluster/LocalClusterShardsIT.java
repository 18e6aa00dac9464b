package io.failoverlab.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.failoverlab.common.topology.ClusterNode;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real cluster on 7340-7345 (3 masters x 1 replica) grown by a shard on 7346-7347 and shrunk again, in order:
 * add, crash + restart of the added replica, refusals, remove, add on a taken port, add again, stop. Each step checks
 * the nodes' own views and the processes, not only what the cluster object says about itself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterShardsIT {

  private static final Logger LOG = LoggerFactory.getLogger(LocalClusterShardsIT.class);

  private static final int BASE = 7340;
  private static final int NEW_MASTER = 7346;
  private static final int NEW_REPLICA = 7347;
  private static final Duration SETTLE = Duration.ofSeconds(30);

  private static ClusterFixture fixture;
  private static LocalRedisCluster cluster;
  private static ClusterProbe probe;
  /** node id -> port of the added shard, as its nodes said while they ran. */
  private static Map<String, Integer> addedIds;
  private static List<Long> addedPids;

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
  void addShardJoinsAnEmptyMasterWithASyncedReplica() {
    long startedAt = System.nanoTime();
    List<LocalNode> added = ClusterProbe.await(cluster.addShard());
    LOG.info("event=it-timing op=addShard ms={}", (System.nanoTime() - startedAt) / 1_000_000);

    assertThat(added).extracting(LocalNode::port).containsExactly(NEW_MASTER, NEW_REPLICA);
    assertThat(added).allMatch(node -> node.state() == NodeState.RUNNING && isAlive(node.pid()));
    ClusterProbe.await(cluster.awaitHealthy(SETTLE));

    assertThat(cluster.nodes()).extracting(LocalNode::port).containsExactlyElementsOf(ports(BASE, NEW_REPLICA));
    assertThat(cluster.seedAddresses()).contains("127.0.0.1:" + NEW_MASTER, "127.0.0.1:" + NEW_REPLICA).hasSize(8);
    for (int port : ports(BASE, NEW_REPLICA)) {
      List<ClusterNode> view = probe.view(port);
      assertThat(view).as("CLUSTER NODES of %d", port).hasSize(8);
      assertThat(view.stream().filter(ClusterNode::master)).as("masters seen by %d", port).hasSize(4);
      assertThat(view).as("flags seen by %d", port).noneMatch(node -> node.failed() || node.possiblyFailed());
    }
    ClusterNode master = probe.self(NEW_MASTER).orElseThrow();
    assertThat(master.master()).isTrue();
    assertThat(master.slots()).isEmpty();
    assertThat(probe.isReplicaOf(NEW_REPLICA, NEW_MASTER)).isTrue();
    assertThat(probe.send(NEW_REPLICA, Request.cmd(Command.INFO).arg("replication")).toString())
        .contains("master_port:" + NEW_MASTER, "master_link_status:up", "master_sync_in_progress:0");

    addedIds = Map.of(master.id(), NEW_MASTER, probe.self(NEW_REPLICA).orElseThrow().id(), NEW_REPLICA);
    addedPids = added.stream().map(LocalNode::pid).toList();
  }

  @Test
  @Order(2)
  void addedReplicaCanBeCrashedAndRestarted() {
    ClusterProbe.await(cluster.crash(NEW_REPLICA));
    assertThat(state(NEW_REPLICA)).isEqualTo(NodeState.CRASHED);
    // The health check knows the added node: with it down the cluster is not healthy.
    assertThatThrownBy(() -> ClusterProbe.await(cluster.awaitHealthy(Duration.ofMillis(300))))
        .hasMessageContaining("node " + NEW_REPLICA + " is CRASHED");

    ClusterProbe.await(cluster.restart(NEW_REPLICA));
    ClusterProbe.await(cluster.awaitHealthy(SETTLE));
    assertThat(state(NEW_REPLICA)).isEqualTo(NodeState.RUNNING);
    assertThat(probe.isReplicaOf(NEW_REPLICA, NEW_MASTER)).isTrue();
    assertThat(probe.send(NEW_REPLICA, Request.cmd(Command.INFO).arg("replication")).toString()).contains("master_link_status:up");
    addedPids = cluster.nodes().stream().filter(node -> node.port() >= NEW_MASTER).map(LocalNode::pid).toList();
  }

  @Test
  @Order(3)
  void removeShardRefusesMastersWithSlotsReplicasAndStrangers() {
    assertThatThrownBy(() -> ClusterProbe.await(cluster.removeShard(BASE)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("master " + BASE + " still owns slots 0-5460");
    assertThatThrownBy(() -> ClusterProbe.await(cluster.removeShard(BASE + 3)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("node " + (BASE + 3) + " is not a master").hasMessageContaining("replicates " + BASE);
    assertThatThrownBy(() -> ClusterProbe.await(cluster.removeShard(7399)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("port 7399 is not a node of this cluster");

    // Nothing changed: same nodes, all of them still known everywhere, still healthy.
    assertThat(cluster.nodes()).hasSize(8).allMatch(node -> node.state() == NodeState.RUNNING && isAlive(node.pid()));
    for (int port : ports(BASE, NEW_REPLICA)) {
      assertThat(probe.view(port)).as("CLUSTER NODES of %d", port).hasSize(8);
    }
    ClusterProbe.await(cluster.awaitHealthy(SETTLE));
  }

  @Test
  @Order(4)
  void removeShardForgetsTheShardEverywhereAndRemovesItsProcesses() {
    Path dir = cluster.workDir();
    long startedAt = System.nanoTime();
    ClusterProbe.await(cluster.removeShard(NEW_MASTER));
    LOG.info("event=it-timing op=removeShard ms={}", (System.nanoTime() - startedAt) / 1_000_000);

    ClusterProbe.await(cluster.awaitHealthy(SETTLE));
    assertThat(cluster.nodes()).extracting(LocalNode::port).containsExactlyElementsOf(ports(BASE, BASE + 5));
    assertThat(cluster.seedAddresses()).hasSize(6).doesNotContain("127.0.0.1:" + NEW_MASTER, "127.0.0.1:" + NEW_REPLICA);
    for (int port : ports(BASE, BASE + 5)) {
      List<ClusterNode> view = probe.view(port);
      assertThat(view).as("CLUSTER NODES of %d", port).hasSize(6);
      assertThat(view).as("removed ids in the view of %d", port).noneMatch(node -> addedIds.containsKey(node.id()));
      assertThat(view.stream().filter(ClusterNode::master)).as("masters seen by %d", port).hasSize(3);
    }
    assertThat(addedPids).hasSize(2).noneMatch(LocalClusterShardsIT::isAlive);
    assertThat(dir.resolve(Integer.toString(NEW_MASTER))).doesNotExist();
    assertThat(dir.resolve(Integer.toString(NEW_REPLICA))).doesNotExist();
    for (int port : List.of(NEW_MASTER, NEW_REPLICA)) {
      assertThat(isFree(port)).as("port %d free", port).isTrue();
      assertThat(isFree(port + LocalClusterConfig.BUS_PORT_OFFSET)).as("bus port of %d free", port).isTrue();
    }
    assertThatThrownBy(() -> ClusterProbe.await(cluster.crash(NEW_REPLICA))).hasMessageContaining("not a node of this cluster");
  }

  @Test
  @Order(5)
  void addShardOnATakenPortFailsNamingItAndChangesNothing() throws IOException {
    List<Integer> before = cluster.nodes().stream().map(LocalNode::port).toList();
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), NEW_MASTER));
      assertThatThrownBy(() -> ClusterProbe.await(cluster.addShard()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("port " + NEW_MASTER + " ");
    }
    assertThat(cluster.nodes()).extracting(LocalNode::port).containsExactlyElementsOf(before);
    assertThat(isFree(NEW_REPLICA)).as("no process started on %d", NEW_REPLICA).isTrue();
    assertThat(cluster.workDir().resolve(Integer.toString(NEW_MASTER))).doesNotExist();
    assertThat(cluster.workDir().resolve(Integer.toString(NEW_REPLICA))).doesNotExist();
    for (int port : before) {
      assertThat(probe.view(port)).as("CLUSTER NODES of %d", port).hasSize(6);
    }
    ClusterProbe.await(cluster.awaitHealthy(SETTLE));
  }

  @Test
  @Order(6)
  void theSamePortsTakeANewShardAgainAndStopRemovesIt() {
    List<LocalNode> added = ClusterProbe.await(cluster.addShard());
    assertThat(added).extracting(LocalNode::port).containsExactly(NEW_MASTER, NEW_REPLICA);
    ClusterProbe.await(cluster.awaitHealthy(SETTLE));
    // New processes, new identities: the ban on the forgotten ids does not stand in the way.
    Set<String> ids = IntStream.of(NEW_MASTER, NEW_REPLICA).mapToObj(port -> probe.self(port).orElseThrow().id())
        .collect(Collectors.toSet());
    assertThat(ids).doesNotContainAnyElementsOf(addedIds.keySet());

    Path dir = cluster.workDir();
    List<Long> pids = cluster.nodes().stream().map(LocalNode::pid).toList();
    assertThat(pids).hasSize(8);
    ClusterProbe.await(cluster.stop());
    assertThat(pids).noneMatch(LocalClusterShardsIT::isAlive);
    assertThat(dir).doesNotExist();
    assertThat(isFree(NEW_MASTER)).isTrue();
  }

  private static NodeState state(int port) {
    return cluster.nodes().stream().filter(node -> node.port() == port).findFirst().orElseThrow().state();
  }

  private static List<Integer> ports(int first, int last) {
    List<Integer> ports = new ArrayList<>();
    for (int port = first; port <= last; port++) {
      ports.add(port);
    }
    return ports;
  }

  private static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** As PortCheck and redis-server see it: connections left in TIME_WAIT do not make a port taken. */
  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
