package io.failoverlab.lab.reliability;

import io.failoverlab.measure.LedgerCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.MigrationProgress;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.topology.SlotRange;
import io.failoverlab.localcluster.LocalNode;
import io.failoverlab.testsupport.ClusterView;
import io.failoverlab.testsupport.Ports;
import io.failoverlab.testsupport.RedisCli;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The kill endpoint's {@code add-shard} and {@code remove-shard} on a lab of three masters with a
 * replica each (ports 7380-7385; the added shard on 7386-7387), writer and reader at 500 op/s over
 * 2048 keys: a fourth shard joins and takes an even share of the slots while the clients run, then
 * leaves again; each time every slot is covered, the cluster healthy, no error reaches the
 * application, and no acknowledged write is lost (checked key by key with redis-cli at the end).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShardChangeIT {

  private static final int BASE = 7380;
  private static final Duration WAIT = Duration.ofSeconds(120);

  private static MigrationLab lab;

  @BeforeAll
  static void startLab() throws Exception {
    lab = MigrationLab.start(BASE, "shards", Map.of("WRITER_RATE", "500", "READER_RATE", "500"), WAIT);
  }

  @AfterAll
  static void stopLab() throws Exception {
    if (lab != null) {
      lab.close();
    }
    Ports.assertFree(BASE, BASE + 7);
  }

  @Test
  @Order(1)
  void badShardChangesAreRefusedAndTouchNothing() throws Exception {
    TopologySnapshot snapshot = lab.lab.monitor().latestSnapshot();
    String master = ClusterView.masters(snapshot).get(0);
    String replica = ClusterView.replicaOf(snapshot, master);
    List<Long> pids = lab.lab.cluster().nodes().stream().map(LocalNode::pid).toList();
    assertThat(refused(new JsonObject().put("action", "add-shard").put("node", master)))
        .isEqualTo("400: add-shard takes no fields: the new shard starts on the next free ports");
    assertThat(refused(new JsonObject().put("action", "remove-shard").put("node", replica)))
        .startsWith("409: node " + replica + " is a replica");
    assertThat(refused(new JsonObject().put("action", "remove-shard").put("node", master)))
        .isEqualTo("409: removing " + master + " would leave 2 masters: a cluster needs 3 for a majority to fail one over");
    assertThat(refused(new JsonObject().put("action", "remove-shard"))).startsWith("400: missing \"node\"");
    assertThat(refused(new JsonObject().put("action", "remove-shard").put("node", "127.0.0.1:6999")))
        .startsWith("404: node 127.0.0.1:6999");
    assertThat(lab.lab.cluster().nodes().stream().map(LocalNode::pid).toList()).isEqualTo(pids);
    assertThat(lab.progress).isEmpty();
  }

  @Test
  @Order(2)
  void aShardAddedUnderLoadTakesAnEvenShareWithoutAnErrorReachingTheClients() throws Exception {
    lab.awaitClientsAtWork(1500, 1500);
    JsonObject writerBefore = lab.totals(lab.lab.writer().httpPort());
    ChaosAction action = ChaosBus.submit(lab.lab.vertx(), new ChaosRequest(ChaosRequest.Action.ADD_SHARD, null, null,
        "it"));
    MigrationProgress end = lab.awaitEnd(action.id());
    assertThat(end.state()).as("%s", end).isEqualTo(MigrationProgress.State.DONE);
    String added = end.to();
    assertThat(added).isEqualTo("127.0.0.1:" + (BASE + 6));
    assertThat(end.slotsTotal()).isBetween(4090, 4100);

    await().atMost(WAIT).until(() -> {
      TopologySnapshot now = lab.lab.monitor().latestSnapshot();
      return ClusterView.masters(now).size() == 4 && now.uncoveredSlots() == 0 && now.openSlots().isEmpty()
          && "ok".equals(now.clusterState()) && now.nodes().size() == 8;
    });
    TopologySnapshot after = lab.lab.monitor().latestSnapshot();
    for (String master : ClusterView.masters(after)) {
      int owned = SlotRange.parseList(ClusterView.node(after, master).orElseThrow().slots()).stream()
          .mapToInt(SlotRange::size).sum();
      assertThat(owned).as("slots of %s", master).isBetween(4090, 4100);
    }
    assertThat(ClusterView.replicaOf(after, added)).isEqualTo("127.0.0.1:" + (BASE + 7));
    lab.lab.cluster().awaitHealthy(WAIT).await(150, TimeUnit.SECONDS);

    IncidentReport incident = lab.awaitClosedIncident(action);
    System.out.println("MEASURED add-shard: " + String.join(" ", incident.explanation()));
    assertThat(incident.kind()).isEqualTo(IncidentReport.KIND_MIGRATION);
    assertThat(incident.migration().clients().get("writer").applicationErrors()).isZero();
    assertThat(incident.migration().clients().get("reader").applicationErrors()).isZero();
    JsonObject writer = lab.totals(lab.lab.writer().httpPort());
    assertThat(writer.getLong("failed") - writerBefore.getLong("failed")).isZero();
    assertThat(writer.getLong("lostWrites")).isZero();
  }

  @Test
  @Order(3)
  void theAddedShardRemovedUnderLoadGivesItsSlotsBackAndItsNodesAreGone() throws Exception {
    String added = "127.0.0.1:" + (BASE + 6);
    JsonObject writerBefore = lab.totals(lab.lab.writer().httpPort());
    ChaosAction action = ChaosBus.submit(lab.lab.vertx(), new ChaosRequest(ChaosRequest.Action.REMOVE_SHARD, added, null,
        "it"));
    MigrationProgress end = lab.awaitEnd(action.id());
    assertThat(end.state()).as("%s", end).isEqualTo(MigrationProgress.State.DONE);
    assertThat(end.from()).isEqualTo(added);
    await().atMost(WAIT).until(() -> "done".equals(recentStatus(action.id())));

    await().atMost(WAIT).until(() -> {
      TopologySnapshot now = lab.lab.monitor().latestSnapshot();
      return ClusterView.masters(now).size() == 3 && now.uncoveredSlots() == 0 && now.openSlots().isEmpty()
          && "ok".equals(now.clusterState()) && now.nodes().size() == 6;
    });
    Ports.assertFree(BASE + 6, BASE + 7);
    assertThat(lab.lab.cluster().nodes()).hasSize(6);
    lab.lab.cluster().awaitHealthy(WAIT).await(150, TimeUnit.SECONDS);
    IncidentReport incident = lab.awaitClosedIncident(action);
    System.out.println("MEASURED remove-shard: " + String.join(" ", incident.explanation()));
    assertThat(incident.migration().clients().get("writer").applicationErrors()).isZero();
    JsonObject writer = lab.totals(lab.lab.writer().httpPort());
    assertThat(writer.getLong("failed") - writerBefore.getLong("failed")).isZero();
    assertThat(writer.getLong("lostWrites")).isZero();
  }

  @Test
  @Order(4)
  void theWritersLostWritesAreWhatTheServersMiss() throws Exception {
    lab.lab.undeploy(lab.lab.writer()).await(30, TimeUnit.SECONDS);
    JsonObject ledger = lab.lab.writer().ledgerSnapshot();
    LedgerCheck check = LedgerCheck.of(ledger, key -> RedisCli.at(BASE).cluster().counter(key));
    System.out.println("MEASURED shard changes: writer lost " + ledger.getLong("lost") + ", servers miss " + check);
    assertThat(ledger.getLong("lost")).isZero();
    assertThat(check.atLeast()).isZero();
  }

  // ---- helpers

  private static String refused(JsonObject request) throws Exception {
    return lab.refused(request);
  }

  private static String recentStatus(String id) throws Exception {
    JsonObject list = lab.http.get(lab.lab.monitor().httpPort(), "127.0.0.1", "/api/chaos").send()
        .await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    return list.getJsonArray("actions").stream().map(JsonObject.class::cast).filter(a -> id.equals(a.getString("id")))
        .map(a -> a.getString("status")).findFirst().orElse(null);
  }
}
