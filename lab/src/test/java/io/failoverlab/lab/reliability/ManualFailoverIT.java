package io.failoverlab.lab.reliability;

import io.failoverlab.measure.LedgerCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.ChaosRequest.FailoverMode;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.measure.EventRecorder;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabOptions;
import io.failoverlab.testsupport.ClusterView;
import io.failoverlab.testsupport.RedisCli;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Manual failovers that give up safety for availability, through the kill endpoint's service (ports
 * 7980-7985, node timeout 1000 ms), with the writer running: FORCE on a live master (no handshake, so
 * writes the master took but had not copied can be lost), TAKEOVER while two of the three masters are
 * frozen (no majority, so no election can happen: only a takeover promotes). What each cost in lost
 * writes is the writer's count, checked at the end against the servers with redis-cli, key by key.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManualFailoverIT {

  private static final int BASE = 7980;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static Lab lab;
  private static EventRecorder events;
  private static WebClient http;
  private static final List<String> costs = new ArrayList<>();

  @BeforeAll
  static void startLab() throws Exception {
    LabOptions options = LabOptions.defaults().withPortBase(BASE).withNodeTimeoutMs(1000).withHttpPorts(0, 0, 0);
    lab = Lab.start(options, new Env(Map.of("WRITER_RATE", "300", "MONITOR_POLL_MS", "100",
        "INCIDENT_QUIET_MS", "1000", "KEY_PREFIX", "manual" + System.nanoTime()))).await(120, TimeUnit.SECONDS);
    events = EventRecorder.attach(lab.vertx()).await(10, TimeUnit.SECONDS);
    http = WebClient.create(lab.vertx());
  }

  @AfterAll
  static void stopLab() throws Exception {
    System.out.println("MEASURED manual failovers: " + String.join("; ", costs));
    if (lab != null) {
      lab.stop().await(60, TimeUnit.SECONDS);
    }
  }

  @BeforeEach
  void healthy() throws Exception {
    lab.cluster().awaitHealthy(WAIT).await(90, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> lab.monitor().latestSnapshot() != null
        && ClusterView.masters(lab.monitor().latestSnapshot()).size() == 3
        && lab.monitor().latestSnapshot().uncoveredSlots() == 0);
  }

  @Test
  @Order(1)
  void aForcedFailoverOfALiveMasterPromotesItsReplicaWithoutItsAgreement() throws Exception {
    String master = ClusterView.masters(lab.monitor().latestSnapshot()).get(0);
    String replica = ClusterView.replicaOf(lab.monitor().latestSnapshot(), master);
    long lostBefore = writerLostWrites();

    ChaosAction action = ChaosBus.submit(lab.vertx(),
        new ChaosRequest(ChaosRequest.Action.FAILOVER, master, null, FailoverMode.FORCE, "it"));
    assertThat(action.node()).isEqualTo(replica);
    assertThat(action.master()).isEqualTo(master);
    assertThat(action.method()).isEqualTo("CLUSTER FAILOVER FORCE on the replica");

    IncidentReport incident = closedIncidentOf(action);
    assertThat(incident.failedNode()).isEqualTo(master);
    assertThat(incident.promotedNode()).isEqualTo(replica);
    assertThat(incident.milestones().promotedAt()).isGreaterThanOrEqualTo(action.at());
    assertThat(incident.milestonePrecisionMs().get("promotedAt")).as("stamped by the probe").isLessThan(100);
    // The master was alive and never suspected: nobody agreed it failed.
    assertThat(incident.milestones().failAgreedAt()).isNull();
    assertThat(incident.explanation()).anyMatch(line -> line.startsWith("Replica " + replica + " took writes")
        && line.endsWith("without a FAIL: a manual failover (CLUSTER FAILOVER FORCE on the replica)."));
    await().atMost(WAIT).until(() -> ClusterView.masters(lab.monitor().latestSnapshot()).contains(replica)
        && replica.equals(ClusterView.node(lab.monitor().latestSnapshot(), master).orElseThrow().master()));
    costs.add("force: promoted " + (incident.milestones().promotedAt() - action.at()) + " ms after the command, "
        + (writerLostWrites() - lostBefore) + " acknowledged writes lost (writer), incident lost " + incident.lostWrites());
  }

  @Test
  @Order(2)
  void aTakeoverPromotesAReplicaWhenMostMastersAreUnreachableAndNoElectionCanHappen() throws Exception {
    List<String> masters = ClusterView.masters(lab.monitor().latestSnapshot());
    String frozen = masters.get(1);
    String alsoFrozen = masters.get(2);
    String replica = ClusterView.replicaOf(lab.monitor().latestSnapshot(), frozen);
    long lostBefore = writerLostWrites();
    // Two of three masters frozen: the one left is no majority, so FAIL is never agreed and no replica
    // can be elected, for as long as they stay frozen (6 node timeouts).
    lab.cluster().hang(ChaosBus.port(frozen), Duration.ofSeconds(6)).await(10, TimeUnit.SECONDS);
    lab.cluster().hang(ChaosBus.port(alsoFrozen), Duration.ofSeconds(6)).await(10, TimeUnit.SECONDS);
    long frozenAt = System.currentTimeMillis();
    // Both flagged PFAIL by the masters' survivor: the cluster noticed, and could do nothing.
    await().atMost(WAIT).until(() -> ClusterView.node(lab.monitor().latestSnapshot(), frozen).orElseThrow().flags()
        .contains("fail?"));
    assertThat(ClusterView.node(lab.monitor().latestSnapshot(), frozen).orElseThrow().flags()).doesNotContain("fail");

    ChaosAction action = ChaosBus.submit(lab.vertx(),
        new ChaosRequest(ChaosRequest.Action.FAILOVER, frozen, null, FailoverMode.TAKEOVER, "it"));
    assertThat(action.node()).isEqualTo(replica);
    assertThat(action.method()).isEqualTo("CLUSTER FAILOVER TAKEOVER on the replica");
    await().atMost(WAIT).until(() -> ClusterView.masters(lab.monitor().latestSnapshot()).contains(replica));
    long promotedBy = System.currentTimeMillis();
    assertThat(promotedBy - frozenAt).as("promoted while the majority was still frozen").isLessThan(6000);

    IncidentReport incident = closedIncidentOf(action);
    assertThat(incident.promotedNode()).isEqualTo(replica);
    assertThat(incident.slotsMoved()).anyMatch(move -> move.from().equals(frozen) && move.to().equals(replica));
    costs.add("takeover: promoted " + (incident.milestones().promotedAt() - action.at()) + " ms after the command, "
        + (writerLostWrites() - lostBefore) + " acknowledged writes lost (writer), incident lost " + incident.lostWrites());
  }

  @Test
  @Order(3)
  void theWritersLostWritesAreWhatTheServersMiss() throws Exception {
    // Independent check: stop the writer, then compare what it was acknowledged with what the servers
    // hold, key by key (fresh keys: every counter started at 0).
    long writerLost = writerLostWrites();
    lab.undeploy(lab.writer()).await(30, TimeUnit.SECONDS);
    LedgerCheck check = LedgerCheck.of(lab.writer().ledgerSnapshot(),
        key -> RedisCli.at(BASE).cluster().counter(key));
    costs.add("writer lost " + writerLost + " in all, servers miss " + check);
    assertThat(writerLost).isBetween(check.atLeast(), check.atMost());
  }

  @Test
  @Order(4)
  void aForcedModeIsRefusedForAnythingButAFailoverAndAnUnknownOneIsMalformed() throws Exception {
    String master = ClusterView.masters(lab.monitor().latestSnapshot()).get(0);
    assertThat(refused(new ChaosRequest(ChaosRequest.Action.CRASH, master, null, FailoverMode.FORCE, "it")
        .toJson())).isEqualTo("400: \"mode\" only applies to failover, not crash");
    assertThat(refused(new ChaosRequest(ChaosRequest.Action.FAILOVER, master, null, "it").toJson().put("mode", "now")))
        .startsWith("400: malformed chaos request: unknown failover mode 'now'");
    assertThat(ClusterView.masters(lab.monitor().latestSnapshot())).contains(master);
  }

  // ---- helpers



  private static String refused(JsonObject request) throws Exception {
    return ChaosBus.refusal(lab.vertx(), request);
  }

  private static IncidentReport closedIncidentOf(ChaosAction action) {
    await().atMost(WAIT).until(() -> {
      IncidentReport report = events.incidentOf(action, 50);
      return report != null && !report.open();
    });
    return events.incidentOf(action, 50);
  }

  private static long writerLostWrites() throws Exception {
    return http.get(lab.writer().httpPort(), "127.0.0.1", "/stats").send().await(10, TimeUnit.SECONDS)
        .bodyAsJsonObject().getJsonObject("totals").getLong("lostWrites");
  }

}
