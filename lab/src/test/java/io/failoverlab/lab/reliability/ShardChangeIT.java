package io.failoverlab.lab.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.MigrationProgress;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.topology.SlotRange;
import io.failoverlab.localcluster.LocalNode;
import io.failoverlab.measure.EventRecorder;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabOptions;
import io.failoverlab.testsupport.ClusterView;
import io.failoverlab.testsupport.Ports;
import io.failoverlab.testsupport.RedisCli;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
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

  private static Lab lab;
  private static WebClient http;
  private static EventRecorder events;
  private static final List<MigrationProgress> progress = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startLab() throws Exception {
    LabOptions options = LabOptions.defaults().withPortBase(BASE).withNodeTimeoutMs(1000).withHttpPorts(0, 0, 0);
    lab = Lab.start(options, new Env(Map.of("MONITOR_POLL_MS", "100", "INCIDENT_QUIET_MS", "1000",
        "WRITER_RATE", "500", "READER_RATE", "500", "KEY_COUNT", "2048",
        "KEY_PREFIX", "shards" + System.nanoTime()))).await(180, TimeUnit.SECONDS);
    http = WebClient.create(lab.vertx());
    events = EventRecorder.attach(lab.vertx()).await(10, TimeUnit.SECONDS);
    lab.vertx().eventBus().<JsonObject>consumer(Addresses.MIGRATION_PROGRESS,
        message -> progress.add(MigrationProgress.fromJson(message.body()))).completion().await(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> lab.monitor().latestSnapshot() != null
        && ClusterView.masters(lab.monitor().latestSnapshot()).size() == 3
        && lab.monitor().latestSnapshot().uncoveredSlots() == 0);
  }

  @AfterAll
  static void stopLab() throws Exception {
    if (lab != null) {
      lab.stop().await(60, TimeUnit.SECONDS);
    }
    Ports.assertFree(BASE, BASE + 7);
  }

  @Test
  @Order(1)
  void badShardChangesAreRefusedAndTouchNothing() throws Exception {
    TopologySnapshot snapshot = lab.monitor().latestSnapshot();
    String master = ClusterView.masters(snapshot).get(0);
    String replica = ClusterView.replicaOf(snapshot, master);
    List<Long> pids = lab.cluster().nodes().stream().map(LocalNode::pid).toList();
    assertThat(refused(new JsonObject().put("action", "add-shard").put("node", master)))
        .isEqualTo("400: add-shard takes no fields: the new shard starts on the next free ports");
    assertThat(refused(new JsonObject().put("action", "remove-shard").put("node", replica)))
        .startsWith("409: node " + replica + " is a replica");
    assertThat(refused(new JsonObject().put("action", "remove-shard").put("node", master)))
        .isEqualTo("409: removing " + master + " would leave 2 masters: a cluster needs 3 for a majority to fail one over");
    assertThat(refused(new JsonObject().put("action", "remove-shard"))).startsWith("400: missing \"node\"");
    assertThat(refused(new JsonObject().put("action", "remove-shard").put("node", "127.0.0.1:6999")))
        .startsWith("404: node 127.0.0.1:6999");
    assertThat(lab.cluster().nodes().stream().map(LocalNode::pid).toList()).isEqualTo(pids);
    assertThat(progress).isEmpty();
  }

  @Test
  @Order(2)
  void aShardAddedUnderLoadTakesAnEvenShareWithoutAnErrorReachingTheClients() throws Exception {
    awaitClientsAtWork();
    JsonObject writerBefore = totals(lab.writer().httpPort());
    ChaosAction action = ChaosBus.submit(lab.vertx(), new ChaosRequest(ChaosRequest.Action.ADD_SHARD, null, null,
        "it"));
    MigrationProgress end = awaitEnd(action.id());
    assertThat(end.state()).as("%s", end).isEqualTo(MigrationProgress.State.DONE);
    String added = end.to();
    assertThat(added).isEqualTo("127.0.0.1:" + (BASE + 6));
    assertThat(end.slotsTotal()).isBetween(4090, 4100);

    await().atMost(WAIT).until(() -> {
      TopologySnapshot now = lab.monitor().latestSnapshot();
      return ClusterView.masters(now).size() == 4 && now.uncoveredSlots() == 0 && now.openSlots().isEmpty()
          && "ok".equals(now.clusterState()) && now.nodes().size() == 8;
    });
    TopologySnapshot after = lab.monitor().latestSnapshot();
    for (String master : ClusterView.masters(after)) {
      int owned = SlotRange.parseList(ClusterView.node(after, master).orElseThrow().slots()).stream()
          .mapToInt(SlotRange::size).sum();
      assertThat(owned).as("slots of %s", master).isBetween(4090, 4100);
    }
    assertThat(ClusterView.replicaOf(after, added)).isEqualTo("127.0.0.1:" + (BASE + 7));
    lab.cluster().awaitHealthy(WAIT).await(150, TimeUnit.SECONDS);

    IncidentReport incident = awaitClosedIncident(action);
    System.out.println("MEASURED add-shard: " + String.join(" ", incident.explanation()));
    assertThat(incident.kind()).isEqualTo(IncidentReport.KIND_MIGRATION);
    assertThat(incident.migration().clients().get("writer").applicationErrors()).isZero();
    assertThat(incident.migration().clients().get("reader").applicationErrors()).isZero();
    JsonObject writer = totals(lab.writer().httpPort());
    assertThat(writer.getLong("failed") - writerBefore.getLong("failed")).isZero();
    assertThat(writer.getLong("lostWrites")).isZero();
  }

  @Test
  @Order(3)
  void theAddedShardRemovedUnderLoadGivesItsSlotsBackAndItsNodesAreGone() throws Exception {
    String added = "127.0.0.1:" + (BASE + 6);
    JsonObject writerBefore = totals(lab.writer().httpPort());
    ChaosAction action = ChaosBus.submit(lab.vertx(), new ChaosRequest(ChaosRequest.Action.REMOVE_SHARD, added, null,
        "it"));
    MigrationProgress end = awaitEnd(action.id());
    assertThat(end.state()).as("%s", end).isEqualTo(MigrationProgress.State.DONE);
    assertThat(end.from()).isEqualTo(added);
    await().atMost(WAIT).until(() -> "done".equals(recentStatus(action.id())));

    await().atMost(WAIT).until(() -> {
      TopologySnapshot now = lab.monitor().latestSnapshot();
      return ClusterView.masters(now).size() == 3 && now.uncoveredSlots() == 0 && now.openSlots().isEmpty()
          && "ok".equals(now.clusterState()) && now.nodes().size() == 6;
    });
    Ports.assertFree(BASE + 6, BASE + 7);
    assertThat(lab.cluster().nodes()).hasSize(6);
    lab.cluster().awaitHealthy(WAIT).await(150, TimeUnit.SECONDS);
    IncidentReport incident = awaitClosedIncident(action);
    System.out.println("MEASURED remove-shard: " + String.join(" ", incident.explanation()));
    assertThat(incident.migration().clients().get("writer").applicationErrors()).isZero();
    JsonObject writer = totals(lab.writer().httpPort());
    assertThat(writer.getLong("failed") - writerBefore.getLong("failed")).isZero();
    assertThat(writer.getLong("lostWrites")).isZero();
  }

  @Test
  @Order(4)
  void theWritersLostWritesAreWhatTheServersMiss() throws Exception {
    lab.undeploy(lab.writer()).await(30, TimeUnit.SECONDS);
    JsonObject ledger = lab.writer().ledgerSnapshot();
    LostWritesCheck check = LostWritesCheck.of(ledger, key -> RedisCli.at(BASE).cluster().counter(key));
    System.out.println("MEASURED shard changes: writer lost " + ledger.getLong("lost") + ", servers miss " + check);
    assertThat(ledger.getLong("lost")).isZero();
    assertThat(check.atLeast()).isZero();
  }

  // ---- helpers

  private static String refused(JsonObject request) throws Exception {
    return ChaosBus.refusal(lab.vertx(), request);
  }

  private static void awaitClientsAtWork() {
    await().atMost(WAIT).until(() -> totals(lab.writer().httpPort()).getLong("succeeded") > 1500
        && totals(lab.reader().httpPort()).getLong("succeeded") > 1500);
  }

  private static MigrationProgress awaitEnd(String id) {
    MigrationProgress[] end = new MigrationProgress[1];
    await().atMost(WAIT).until(() -> {
      Optional<MigrationProgress> last = progress.stream().filter(p -> p.id().equals(id)
          && p.state() != MigrationProgress.State.RUNNING).findFirst();
      last.ifPresent(p -> end[0] = p);
      return last.isPresent();
    });
    return end[0];
  }

  private static IncidentReport awaitClosedIncident(ChaosAction action) {
    await().atMost(WAIT).until(() -> {
      IncidentReport report = events.incidentOf(action, 50);
      return report != null && !report.open();
    });
    return events.incidentOf(action, 50);
  }

  private static String recentStatus(String id) throws Exception {
    JsonObject list = http.get(lab.monitor().httpPort(), "127.0.0.1", "/api/chaos").send().await(10, TimeUnit.SECONDS)
        .bodyAsJsonObject();
    return list.getJsonArray("actions").stream().map(JsonObject.class::cast).filter(a -> id.equals(a.getString("id")))
        .map(a -> a.getString("status")).findFirst().orElse(null);
  }

  private static JsonObject totals(int port) throws Exception {
    return http.get(port, "127.0.0.1", "/stats").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject()
        .getJsonObject("totals");
  }
}
