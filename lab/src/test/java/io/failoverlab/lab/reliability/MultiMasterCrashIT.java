package io.failoverlab.lab.reliability;

import io.failoverlab.measure.LedgerCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.localcluster.LocalNode;
import io.failoverlab.measure.EventRecorder;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabOptions;
import io.failoverlab.testsupport.ClusterView;
import io.failoverlab.testsupport.RedisCli;
import io.vertx.core.json.JsonArray;
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
 * Two masters crashed at the same moment by one kill-endpoint action ({@code "nodes"}), on a lab of
 * five masters with a replica each (ports 7960-7969, node timeout 1000 ms): both replicas are elected,
 * one after the other, and the incident says in which order and how long after each FAIL. The bad
 * lists are refused first, with nothing touched.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiMasterCrashIT {

  private static final int BASE = 7960;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static Lab lab;
  private static EventRecorder events;

  @BeforeAll
  static void startLab() throws Exception {
    LabOptions options = LabOptions.defaults().withPortBase(BASE).withNodeTimeoutMs(1000).withHttpPorts(0, 0, 0)
        .withShape(5, 1);
    lab = Lab.start(options, new Env(Map.of("MONITOR_POLL_MS", "100", "INCIDENT_QUIET_MS", "1000",
        "KEY_PREFIX", "multi" + System.nanoTime()))).await(180, TimeUnit.SECONDS);
    events = EventRecorder.attach(lab.vertx()).await(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> lab.monitor().latestSnapshot() != null
        && ClusterView.masters(lab.monitor().latestSnapshot()).size() == 5
        && lab.monitor().latestSnapshot().uncoveredSlots() == 0);
  }

  @AfterAll
  static void stopLab() throws Exception {
    if (lab != null) {
      lab.stop().await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(1)
  void aBadListIsRefusedNamingTheProblemAndTouchesNoNode() throws Exception {
    TopologySnapshot snapshot = lab.monitor().latestSnapshot();
    List<String> masters = ClusterView.masters(snapshot);
    List<Long> pids = lab.cluster().nodes().stream().map(LocalNode::pid).toList();
    String a = masters.get(0);
    String b = masters.get(1);

    assertThat(refused(crash(a, "127.0.0.1:6999"))).isEqualTo("404: node 127.0.0.1:6999 is not a node of the "
        + "discovered cluster");
    assertThat(refused(crash(a, a))).isEqualTo("400: node " + a + " is listed twice");
    assertThat(refused(crash(a, ClusterView.replicaOf(snapshot, a)))).startsWith("400: nodes " + a + " and "
        + ClusterView.replicaOf(snapshot, a) + " are of the same shard (master " + a + ")");
    assertThat(refused(crash(a, b, masters.get(2)))).isEqualTo("400: too many masters: 3 of 5 crashed leaves no "
        + "majority to agree they failed, so no failover could happen; at most 2");
    assertThat(refused(crash())).isEqualTo("400: \"nodes\" must list 1 to 8 nodes, got 0");
    assertThat(refused(new ChaosRequest(ChaosRequest.Action.HANG, null, 3, null, "it", List.of(a)).toJson()))
        .isEqualTo("400: \"nodes\" only applies to crash, not hang");
    assertThat(refused(new ChaosRequest(ChaosRequest.Action.CRASH, a, null, null, "it", List.of(b)).toJson()))
        .isEqualTo("400: give \"node\" or \"nodes\", not both");
    assertThat(refused(new JsonObject().put("action", "crash").put("nodes", new JsonArray().add(7960))))
        .startsWith("400: malformed chaos request: \"nodes\" must be a list");

    assertThat(lab.cluster().nodes().stream().map(LocalNode::pid).toList()).as("no node touched").isEqualTo(pids);
    assertThat(ClusterView.masters(lab.monitor().latestSnapshot())).isEqualTo(masters);
  }

  @Test
  @Order(2)
  void twoMastersCrashedAtOnceAreBothReplacedAndTheIncidentTellsInWhichOrder() throws Exception {
    TopologySnapshot snapshot = lab.monitor().latestSnapshot();
    String a = ClusterView.masters(snapshot).get(0);
    String b = ClusterView.masters(snapshot).get(3);
    String replicaA = ClusterView.replicaOf(snapshot, a);
    String replicaB = ClusterView.replicaOf(snapshot, b);

    ChaosAction action = ChaosBus.submit(lab.vertx(), ChaosRequest.crash(List.of(a, b), "it"));
    assertThat(action.nodes()).containsExactly(a, b);
    assertThat(action.method()).endsWith("of each, at the same moment");

    await().atMost(WAIT).until(() -> ClusterView.masters(lab.monitor().latestSnapshot())
        .containsAll(List.of(replicaA, replicaB)));
    await().atMost(WAIT).until(() -> {
      IncidentReport report = events.incidentOf(action, 50);
      return report != null && !report.open();
    });
    IncidentReport incident = events.incidentOf(action, 50);
    assertThat(incident.slotsMoved()).extracting(IncidentReport.SlotMove::from, IncidentReport.SlotMove::to)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(a, replicaA),
            org.assertj.core.groups.Tuple.tuple(b, replicaB));
    assertThat(incident.failedNode()).isIn(a, b);
    assertThat(incident.explanation().get(0)).isEqualTo("Fault injected: crash of " + a + " and " + b + " ("
        + action.method() + ").");
    String order = incident.explanation().stream().filter(line -> line.startsWith("Promotions, in order:"))
        .findFirst().orElseThrow(() -> new AssertionError("no order of promotions in " + incident.explanation()));
    assertThat(order).contains(replicaA + " replaced " + a).contains(replicaB + " replaced " + b)
        .contains("ms after its FAIL");
    System.out.println("MEASURED two masters at once: " + String.join(" ", incident.explanation()));

    lab.cluster().restart(ChaosBus.port(a)).await(30, TimeUnit.SECONDS);
    lab.cluster().restart(ChaosBus.port(b)).await(30, TimeUnit.SECONDS);
    lab.cluster().awaitHealthy(WAIT).await(90, TimeUnit.SECONDS);
  }

  /**
   * Writes a crashed master acknowledged but had not yet copied are lost with it: the writer's count
   * (from its INCR replies) lies within what the servers miss, key by key (redis-cli GET).
   */
  @Test
  @Order(3)
  void theWritersLostWritesAreWhatTheServersMiss() throws Exception {
    lab.undeploy(lab.writer()).await(30, TimeUnit.SECONDS);
    JsonObject ledger = lab.writer().ledgerSnapshot();
    LedgerCheck check = LedgerCheck.of(ledger, key -> RedisCli.at(BASE).cluster().counter(key));
    System.out.println("MEASURED two masters at once: writer lost " + ledger.getLong("lost") + ", servers miss "
        + check);
    assertThat(ledger.getLong("lost")).isBetween(check.atLeast(), check.atMost());
  }

  private static String refused(JsonObject request) throws Exception {
    return ChaosBus.refusal(lab.vertx(), request);
  }

  private static JsonObject crash(String... nodes) {
    return ChaosRequest.crash(List.of(nodes), "it").toJson();
  }
}
