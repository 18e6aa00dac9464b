package io.failoverlab.monitor;

import static io.failoverlab.monitor.TestTopology.SHARD_A;
import static io.failoverlab.monitor.TestTopology.SHARD_B;
import static io.failoverlab.monitor.TestTopology.SHARD_C;
import static io.failoverlab.monitor.TestTopology.flagged;
import static io.failoverlab.monitor.TestTopology.promoted;
import static io.failoverlab.monitor.TestTopology.reachable;
import static io.failoverlab.monitor.TestTopology.unreachable;
import static io.failoverlab.monitor.TestTopology.withoutSlots;
import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.contract.ClientStats;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.IncidentReport.Milestones;
import io.failoverlab.common.contract.OutageEvent;
import io.failoverlab.common.contract.TopologyEvent;
import io.failoverlab.common.contract.TopologyEvent.Type;
import io.failoverlab.common.contract.TopologySnapshot;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IncidentTrackerTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final long QUIET = 3000;
  private static final String FAILED = "10.0.0.1:7000";
  private static final String REPLICA = "10.0.0.1:7003";

  private record Change(IncidentTracker.Change change, IncidentReport report) {
  }

  private final List<Change> changes = new ArrayList<>();
  private IncidentTracker tracker;
  private TestTopology.Cluster cluster;

  @BeforeEach
  void setUp() {
    tracker = new IncidentTracker(200, QUIET, 50, (change, report) -> changes.add(new Change(change, report)));
    cluster = new TestTopology.Cluster();
    tracker.snapshot(cluster.at(T0 - 5000));
  }

  // ---- input builders

  private static TopologyEvent event(Type type, long at, String node, JsonObject data) {
    return new TopologyEvent(type, at, node, node == null ? null : "id-" + node.substring(node.indexOf(':') + 1),
        type.label(), data);
  }

  private static TopologyEvent nodeEvent(Type type, long at, String node, String role, String slots) {
    return event(type, at, node, new JsonObject().put("role", role).put("slots", slots));
  }

  private static TopologyEvent promotion(long at) {
    return event(Type.PROMOTED, at, REPLICA, new JsonObject().put("slots", SHARD_A).put("previousMaster", FAILED));
  }

  private static OutageEvent outage(String service, OutageEvent.Phase phase, String shard, long startedAt, long at) {
    return new OutageEvent(service, service + "-1", phase, shard, at, startedAt,
        phase == OutageEvent.Phase.END ? at - startedAt : 0, Map.of("connection", 3L), 0);
  }

  private static ClientStats stats(String service, long at, Map<String, Long> errors, Map<String, Long> errorsByShard,
                                   List<String> inOutage, long lost, long unacknowledged) {
    return new ClientStats(service, service + "-1", at, 1000, 100, 0, 0, 1, errors, Map.of(), errorsByShard,
        1, 2, 3, inOutage, Map.of("lostWrites", lost, "unacknowledgedWrites", unacknowledged, "succeeded", 1000L));
  }

  private void unstable(long at) {
    cluster.m0 = unreachable(cluster.m0);
    tracker.snapshot(cluster.at(at));
  }

  /** The replica won its election at the first try: the config epoch after the highest (3). */
  private void promotedAndStable(long at) {
    promotedAndStable(at, 4);
  }

  private void promotedAndStable(long at, long epoch) {
    cluster.m0 = withoutSlots(flagged(cluster.m0, "fail"));
    cluster.r0 = promoted(cluster.r0, SHARD_A, epoch);
    tracker.snapshot(cluster.at(at));
  }

  /** A whole crash failover, as the monitor would be fed it; returns the time of the last change. */
  private long replayMasterCrash() {
    tracker.clientStats(stats("writer", T0 - 500, Map.of(), Map.of(), List.of(), 5, 7));
    tracker.faultInjected(new JsonObject().put("action", "crash").put("node", FAILED), T0);
    tracker.outage(outage("writer", OutageEvent.Phase.START, SHARD_A, T0 + 5, T0 + 6));
    tracker.outage(outage("reader", OutageEvent.Phase.START, SHARD_A, T0 + 8, T0 + 9));
    tracker.topologyEvent(nodeEvent(Type.NODE_UNREACHABLE, T0 + 200, FAILED, "master", SHARD_A));
    unstable(T0 + 200);
    tracker.clientStats(stats("writer", T0 + 500, Map.of("connection", 10L),
        Map.of(SHARD_A, 8L, SHARD_B, 2L), List.of(SHARD_A), 5, 9));
    tracker.clientStats(stats("reader", T0 + 600, Map.of("timeout", 4L), Map.of(SHARD_A, 3L, SHARD_C, 1L),
        List.of(SHARD_A), 0, 0));
    tracker.topologyEvent(nodeEvent(Type.NODE_PFAIL, T0 + 1600, FAILED, "master", SHARD_A));
    tracker.topologyEvent(nodeEvent(Type.NODE_FAIL, T0 + 2400, FAILED, "master", SHARD_A));
    tracker.snapshot(cluster.at(T0 + 2400));
    tracker.topologyEvent(promotion(T0 + 3400));
    promotedAndStable(T0 + 3400);
    tracker.outage(outage("writer", OutageEvent.Phase.END, SHARD_A, T0 + 5, T0 + 3500));
    tracker.outage(outage("reader", OutageEvent.Phase.END, SHARD_A, T0 + 8, T0 + 3600));
    tracker.clientStats(stats("writer", T0 + 3700, Map.of("connection", 1L), Map.of(SHARD_A, 1L), List.of(), 6, 10));
    tracker.clientStats(stats("reader", T0 + 3800, Map.of(), Map.of(), List.of(), 0, 0));
    return T0 + 3700;
  }

  private IncidentReport only() {
    assertThat(tracker.incidents()).hasSize(1);
    return tracker.incidents().get(0);
  }

  // ---- tests

  @Test
  void withoutTheProbeEveryTopologyMilestoneIsAsPreciseAsAPoll() {
    replayMasterCrash();
    assertThat(only().milestonePrecisionMs()).isEqualTo(Map.of("faultInjectedAt", 0L, "suspectedAt", 200L,
        "failAgreedAt", 200L, "promotedAt", 200L, "clusterOkAt", 200L));
  }

  @Test
  void theProbesStampsReplaceThePollsAndSayHowPreciseTheyAre() {
    tracker.faultInjected(new JsonObject().put("action", "crash").put("node", FAILED), T0);
    tracker.outage(outage("writer", OutageEvent.Phase.START, SHARD_A, T0 + 5, T0 + 6));
    unstable(T0 + 200);
    tracker.probeStamp(new ShardProbe.Stamp(ShardProbe.Kind.PFAIL, FAILED, "master", SHARD_A, "10.0.0.1:7001",
        T0 + 1503, 6));
    tracker.probeStamp(new ShardProbe.Stamp(ShardProbe.Kind.FAIL, FAILED, "master", SHARD_A, "10.0.0.1:7002",
        T0 + 2311, 5));
    // Before any poll saw the failure, the probe alone names the failed node and shard.
    assertThat(tracker.active().orElseThrow().failedNode()).isEqualTo(FAILED);
    assertThat(tracker.active().orElseThrow().failedShard()).isEqualTo(SHARD_A);
    tracker.probeStamp(new ShardProbe.Stamp(ShardProbe.Kind.WRITABLE, FAILED, "master", SHARD_A, REPLICA,
        T0 + 3012, 7));
    IncidentReport beforeThePoll = tracker.active().orElseThrow();
    assertThat(beforeThePoll.promotedNode()).isEqualTo(REPLICA);
    assertThat(beforeThePoll.milestones().promotedAt()).isEqualTo(T0 + 3012);
    assertThat(changes).filteredOn(c -> c.change() == IncidentTracker.Change.MILESTONE).isNotEmpty();

    // The polls see the same facts later (stamped at the start of the poll that saw them): the probe's stand.
    tracker.topologyEvent(nodeEvent(Type.NODE_PFAIL, T0 + 1600, FAILED, "master", SHARD_A));
    tracker.topologyEvent(nodeEvent(Type.NODE_FAIL, T0 + 2400, FAILED, "master", SHARD_A));
    tracker.topologyEvent(promotion(T0 + 3200));
    promotedAndStable(T0 + 3200);
    tracker.outage(outage("writer", OutageEvent.Phase.END, SHARD_A, T0 + 5, T0 + 3020));

    IncidentReport report = tracker.active().orElseThrow();
    Milestones m = report.milestones();
    assertThat(List.of(m.suspectedAt(), m.failAgreedAt(), m.promotedAt()))
        .containsExactly(T0 + 1503, T0 + 2311, T0 + 3012);
    assertThat(report.milestonePrecisionMs()).containsEntry("suspectedAt", 6L).containsEntry("failAgreedAt", 5L)
        .containsEntry("promotedAt", 7L).containsEntry("clusterOkAt", 200L).containsEntry("faultInjectedAt", 0L);
    assertThat(report.durations().detection()).isEqualTo(2311);
    assertThat(report.durations().election()).isEqualTo(3012 - 2311);
    assertThat(report.durations().clientRecoveryAfterPromotion()).isEqualTo(8);
    assertThat(report.promotedNode()).isEqualTo(REPLICA);
    assertThat(report.failedShard()).isEqualTo(SHARD_A);
    assertThat(report.explanation()).containsExactly(
        "Fault injected: crash of " + FAILED + ".",
        "master " + FAILED + " (slots " + SHARD_A + ") was flagged PFAIL +1503 ms (first by 10.0.0.1:7001).",
        "The masters agreed it FAILed +2311 ms (first seen at 10.0.0.1:7002).",
        "Replica " + REPLICA + " took writes for its slots +3012 ms, 701 ms after FAIL (replica delay and election).",
        "Elections: the promotions took config epoch 4 (the cluster's current epoch before: 3), one each: no election had to be "
            + "retried at a new epoch.");
  }

  /** Epochs used up beyond one per promotion: an election failed (a split vote) and was tried again. */
  @Test
  void aPromotionThatTookMoreEpochsThanElectionsWonSaysAnElectionWasRetried() {
    tracker.faultInjected(new JsonObject().put("action", "crash").put("node", FAILED), T0);
    unstable(T0 + 200);
    tracker.topologyEvent(nodeEvent(Type.NODE_FAIL, T0 + 2400, FAILED, "master", SHARD_A));
    tracker.topologyEvent(promotion(T0 + 7600));
    promotedAndStable(T0 + 7600, 5);
    assertThat(tracker.active().orElseThrow().explanation()).last().asString()
        .startsWith("Elections: the promotions took config epoch 5 (the cluster's current epoch before: 3), 1 more than promotions: "
            + "at least one election failed and was retried");
  }

  @Test
  void aReplicaCutOffFromItsMasterBeforeTheFaultIsTooStaleToBeElectedAndTheIncidentSaysSo() {
    TopologySnapshot.NodeStatus r0 = cluster.r0;
    cluster.r0 = new TopologySnapshot.NodeStatus(r0.id(), r0.address(), r0.role(), r0.flags(), r0.masterId(),
        r0.master(), r0.slots(), true, false, r0.configEpoch(), 30L);
    tracker.faultInjected(new JsonObject().put("action", "crash").put("node", FAILED), T0);
    tracker.topologyEvent(nodeEvent(Type.NODE_FAIL, T0 + 2400, FAILED, "master", SHARD_A));
    cluster.m0 = unreachable(flagged(cluster.m0, "fail"));
    tracker.snapshot(cluster.at(T0 + 6400));

    assertThat(tracker.active().orElseThrow().explanation()).last().asString()
        .startsWith("No failover has happened: replica " + REPLICA + " is live, but its link to " + FAILED
            + " was already down 24 s before the fault (master_link_down_since_seconds 30)")
        .contains("cluster-replica-validity-factor");

    // A link that went down with the fault is no sign of staleness.
    cluster.r0 = new TopologySnapshot.NodeStatus(r0.id(), r0.address(), r0.role(), r0.flags(), r0.masterId(),
        r0.master(), r0.slots(), true, false, r0.configEpoch(), 6L);
    tracker.snapshot(cluster.at(T0 + 6500));
    assertThat(tracker.active().orElseThrow().explanation()).noneMatch(line -> line.startsWith("No failover"));
  }

  @Test
  void aMasterWhoseOnlyReplicaIsDownCannotFailOverAndTheIncidentSaysSo() {
    cluster.r0 = unreachable(cluster.r0);
    tracker.faultInjected(new JsonObject().put("action", "crash").put("node", FAILED)
        .put("method", "SIGKILL of the redis-server process"), T0);
    tracker.topologyEvent(nodeEvent(Type.NODE_UNREACHABLE, T0 + 100, FAILED, "master", SHARD_A));
    tracker.topologyEvent(nodeEvent(Type.NODE_FAIL, T0 + 2400, FAILED, "master", SHARD_A));
    cluster.m0 = unreachable(flagged(cluster.m0, "fail"));
    tracker.snapshot(cluster.at(T0 + 2400));

    IncidentReport report = tracker.active().orElseThrow();
    assertThat(report.failedNode()).isEqualTo(FAILED);
    assertThat(report.promotedNode()).isNull();
    assertThat(report.explanation()).first().isEqualTo(
        "Fault injected: crash of " + FAILED + " (SIGKILL of the redis-server process).");
    assertThat(report.explanation()).last().asString().startsWith("No failover is possible: " + FAILED
        + " has no live replica; its slots stay uncovered until it returns");
    // While the replica lives, the same facts promise a failover instead.
    cluster.r0 = reachable(cluster.r0);
    tracker.snapshot(cluster.at(T0 + 2500));
    assertThat(tracker.active().orElseThrow().explanation()).noneMatch(line -> line.startsWith("No failover"));

    // Said while the master was down, it stays said once the master is back, whatever its replica does then.
    cluster.r0 = unreachable(cluster.r0);
    tracker.snapshot(cluster.at(T0 + 2600));
    assertThat(tracker.active().orElseThrow().explanation()).anyMatch(line -> line.startsWith("No failover is possible"));
    cluster.m0 = reachable(flagged(cluster.m0));
    cluster.r0 = reachable(cluster.r0);
    tracker.snapshot(cluster.at(T0 + 4000));
    assertThat(tracker.active().orElseThrow().explanation()).last().asString()
        .startsWith("No failover is possible: " + FAILED);
  }

  /**
   * A migrate action opens an incident of kind "migration": its progress gives the slots-owned
   * milestone, the clients' seconds give the first redirect, each client's redirects by type and
   * application errors, p99 before and during, and the first second without a redirect after.
   */
  @Test
  void aMigrationIncidentGathersEachClientsRedirectsAndItsMilestones() {
    tracker.clientStats(stats("writer", T0 - 100, Map.of(), Map.of(), List.of(), 0, 0));
    JsonObject migrate = new JsonObject().put("id", "chaos-9").put("action", "migrate").put("node", "10.0.0.1:7000")
        .put("to", "10.0.0.1:7001").put("slots", "0-99").put("method", "per slot: ...");
    tracker.faultInjected(migrate, T0);
    tracker.clientStats(stats("writer", T0 + 900, Map.of("moved", 3L, "ask", 2L), Map.of(), List.of(), 0, 0));
    tracker.migrationProgress(new io.failoverlab.common.contract.MigrationProgress("chaos-9", "10.0.0.1:7000",
        "10.0.0.1:7001", io.failoverlab.common.contract.MigrationProgress.State.DONE, 100, 100, 7, 99, null,
        T0 + 1200));
    tracker.clientStats(stats("writer", T0 + 1900, Map.of("moved", 1L), Map.of(), List.of(), 0, 0));
    tracker.clientStats(stats("writer", T0 + 2900, Map.of(), Map.of(), List.of(), 0, 0));

    IncidentReport report = tracker.active().orElseThrow();
    assertThat(report.kind()).isEqualTo(IncidentReport.KIND_MIGRATION);
    io.failoverlab.common.contract.MigrationSummary m = report.migration();
    assertThat(m.state()).isEqualTo("done");
    assertThat(List.of(m.startedAt(), m.firstRedirectAt(), m.slotsOwnedAt(), m.clientsSettledAt()))
        .containsExactly(T0, T0, T0 + 1200, T0 + 2900);
    assertThat(m.clients().get("writer")).isEqualTo(new io.failoverlab.common.contract.MigrationSummary.ClientEffect(
        2, 4, 0, 0, 2.0, 2.0));
    assertThat(report.explanation()).contains("writer: 2 ASK, 4 MOVED, 0 TRYAGAIN, 0 errors reached the application; "
        + "p99 2.0 ms before, 2.0 ms during.");
  }

  @Test
  void aProbeStampWithNoIncidentOpenIsDropped() {
    tracker.probeStamp(new ShardProbe.Stamp(ShardProbe.Kind.FAIL, FAILED, "master", SHARD_A, "10.0.0.1:7001", T0, 5));
    assertThat(tracker.incidents()).isEmpty();
    assertThat(changes).isEmpty();
  }

  @Test
  void failoverPhasesAreMeasuredFromTheFacts() {
    replayMasterCrash();
    IncidentReport report = only();

    assertThat(report.id()).isEqualTo("inc-1");
    assertThat(report.openedBy()).isEqualTo("fault_injected");
    assertThat(report.openedAt()).isEqualTo(T0);
    assertThat(report.pollIntervalMs()).isEqualTo(200);
    assertThat(report.clock()).contains("epoch ms").contains("200 ms");
    Milestones m = report.milestones();
    assertThat(m).isEqualTo(new Milestones(T0, T0 + 5, T0 + 1600, T0 + 2400, T0 + 3400, T0 + 3400, T0 + 3500,
        T0 + 3600));
    assertThat(List.of(m.faultInjectedAt(), m.firstClientErrorAt(), m.failAgreedAt(), m.promotedAt(),
        m.writerRecoveredAt(), m.readerRecoveredAt())).isSorted();
    assertThat(report.durations()).isEqualTo(new IncidentReport.Durations(2400L, "fault_injected", 1000L, 100L, 3495L));
    assertThat(report.failedNode()).isEqualTo(FAILED);
    assertThat(report.failedShard()).isEqualTo(SHARD_A);
    assertThat(report.promotedNode()).isEqualTo(REPLICA);
    assertThat(report.slotsMoved()).containsExactly(new IncidentReport.SlotMove(SHARD_A, FAILED, REPLICA));
    assertThat(report.errorsByService()).isEqualTo(Map.of("writer", Map.of("connection", 11L),
        "reader", Map.of("timeout", 4L)));
    assertThat(report.lostWrites()).as("writer totals 5 -> 6").isEqualTo(1);
    assertThat(report.unknownOutcomeWrites()).as("writer totals 7 -> 10").isEqualTo(3);
    assertThat(report.outages()).hasSize(4);
    assertThat(report.events()).extracting(TopologyEvent::type)
        .containsExactly(Type.NODE_UNREACHABLE, Type.NODE_PFAIL, Type.NODE_FAIL, Type.PROMOTED);
  }

  @Test
  void healthyShardErrorsCountOnlyShardsOtherThanTheFailedOne() {
    replayMasterCrash();
    // Writer: 8 + 1 on the failed shard, 2 on another; reader: 3 on the failed shard, 1 on another.
    assertThat(only().healthyShardErrors()).isEqualTo(Map.of("writer", 2L, "reader", 1L));
  }

  @Test
  void withoutAFailedShardEveryErrorHitAHealthyShard() {
    tracker.outage(outage("writer", OutageEvent.Phase.START, SHARD_B, T0, T0));
    tracker.clientStats(stats("writer", T0 + 900, Map.of("other", 5L), Map.of(SHARD_B, 4L, SHARD_C, 1L),
        List.of(SHARD_B), 0, 0));
    IncidentReport report = only();
    assertThat(report.failedShard()).isNull();
    assertThat(report.healthyShardErrors()).isEqualTo(Map.of("writer", 5L));
  }

  @Test
  void reportIsPublishedAtOpenAtEachMilestoneAndAtClose() {
    long lastChange = replayMasterCrash();
    tracker.snapshot(cluster.at(lastChange + QUIET));

    assertThat(changes.get(0).change()).isEqualTo(IncidentTracker.Change.OPENED);
    assertThat(changes.get(changes.size() - 1).change()).isEqualTo(IncidentTracker.Change.CLOSED);
    List<Milestones> published = changes.stream().map(change -> change.report().milestones()).toList();
    // Each notification adds something; none takes a milestone back in this failover.
    for (int i = 1; i < published.size() - 1; i++) {
      assertThat(published.get(i)).isNotEqualTo(published.get(i - 1));
    }
    assertThat(published).extracting(Milestones::failAgreedAt).containsSubsequence(null, T0 + 2400);
    assertThat(published).extracting(Milestones::promotedAt).containsSubsequence(null, T0 + 3400);
    assertThat(published).extracting(Milestones::writerRecoveredAt).containsSubsequence(null, T0 + 3500);
    assertThat(changes.stream().filter(change -> change.change() == IncidentTracker.Change.MILESTONE))
        .as("fault, first error, failed node, fail, promotion + cluster ok, writer, reader")
        .hasSizeBetween(5, 8);
    IncidentReport closed = changes.get(changes.size() - 1).report();
    assertThat(closed.state()).isEqualTo(IncidentReport.State.CLOSED);
    assertThat(closed.closedAt()).isEqualTo(lastChange + QUIET);
  }

  @Test
  void closesOnlyOnceTheQuietPeriodHasPassed() {
    long lastChange = replayMasterCrash();
    tracker.snapshot(cluster.at(lastChange + QUIET - 1));
    assertThat(only().open()).isTrue();
    tracker.snapshot(cluster.at(lastChange + QUIET));
    assertThat(only().open()).isFalse();
    assertThat(only().closedAt()).isEqualTo(lastChange + QUIET);
    assertThat(tracker.active()).isEmpty();
  }

  @Test
  void staysOpenWhileAClientOutageIsActive() {
    tracker.outage(outage("writer", OutageEvent.Phase.START, SHARD_B, T0, T0));
    tracker.snapshot(cluster.at(T0 + QUIET * 3));
    assertThat(only().open()).as("cluster stable and quiet, but the writer is still failing").isTrue();

    tracker.outage(outage("writer", OutageEvent.Phase.END, SHARD_B, T0, T0 + QUIET * 3 + 10));
    tracker.snapshot(cluster.at(T0 + QUIET * 4 + 9));
    assertThat(only().open()).isTrue();
    tracker.snapshot(cluster.at(T0 + QUIET * 4 + 10));
    assertThat(only().open()).isFalse();
  }

  @Test
  void staysOpenWhileTheClusterIsUnstable() {
    tracker.topologyEvent(nodeEvent(Type.NODE_UNREACHABLE, T0, FAILED, "master", SHARD_A));
    unstable(T0 + QUIET * 5);
    assertThat(only().open()).isTrue();
    cluster.state = TopologyFacts.STATE_FAIL;
    promotedAndStable(T0 + QUIET * 6);
    assertThat(only().open()).as("cluster_state fail").isTrue();
    cluster.state = TopologyFacts.STATE_OK;
    tracker.snapshot(cluster.at(T0 + QUIET * 7));
    assertThat(only().open()).isFalse();
    assertThat(only().milestones().clusterOkAt()).isEqualTo(T0 + QUIET * 7);
  }

  @Test
  void statsListingNoOutageCorrectAMissedOutageEnd() {
    tracker.outage(outage("writer", OutageEvent.Phase.START, SHARD_B, T0, T0));
    tracker.clientStats(stats("writer", T0 + 1000, Map.of(), Map.of(), List.of(), 0, 0));
    tracker.snapshot(cluster.at(T0 + QUIET));
    assertThat(only().open()).isFalse();
  }

  @Test
  void aClientThatWentSilentDoesNotHoldAnIncidentOpen() {
    tracker.outage(outage("writer", OutageEvent.Phase.START, SHARD_B, T0, T0));
    tracker.snapshot(cluster.at(T0 + IncidentTracker.STALE_CLIENT_MS));
    assertThat(only().open()).isTrue();
    tracker.tick(T0 + IncidentTracker.STALE_CLIENT_MS + 1);
    assertThat(only().open()).isFalse();
  }

  @Test
  void clientOutageOpensAnIncidentWhenItsFirstCommandWasSent() {
    tracker.outage(outage("writer", OutageEvent.Phase.START, SHARD_A, T0 - 3, T0));
    IncidentReport report = only();
    assertThat(report.openedBy()).isEqualTo("client_outage");
    assertThat(report.openedAt()).isEqualTo(T0 - 3);
    assertThat(report.milestones().firstClientErrorAt()).isEqualTo(T0 - 3);
  }

  @Test
  void opensOnTroubleOfMastersAndReplicasOnly() {
    tracker.topologyEvent(nodeEvent(Type.NODE_UNREACHABLE, T0, "10.0.0.1:7009", "unknown", ""));
    tracker.topologyEvent(nodeEvent(Type.NODE_REACHABLE, T0, FAILED, "master", SHARD_A));
    tracker.topologyEvent(nodeEvent(Type.NODE_RECOVERED, T0, FAILED, "master", SHARD_A));
    tracker.topologyEvent(nodeEvent(Type.REPLICA_LINK_UP, T0, REPLICA, "replica", ""));
    // A cluster still forming (slots not assigned yet) says fail and serves nothing: not an incident.
    tracker.topologyEvent(event(Type.CLUSTER_STATE_FAIL, T0, null, new JsonObject().put("state", "fail")));
    tracker.topologyEvent(event(Type.SLOTS_UNCOVERED, T0, null, new JsonObject().put("uncoveredSlots", 16384)));
    assertThat(tracker.incidents()).isEmpty();

    tracker.topologyEvent(nodeEvent(Type.NODE_PFAIL, T0 + 1, REPLICA, "replica", ""));
    assertThat(only().openedBy()).isEqualTo("node_pfail");
    assertThat(only().openedAt()).isEqualTo(T0 + 1);
  }

  @Test
  void aPromotionNobodyInjectedOpensAnIncident() {
    tracker.topologyEvent(promotion(T0));
    IncidentReport report = only();
    assertThat(report.openedBy()).isEqualTo("promoted");
    assertThat(report.promotedNode()).isEqualTo(REPLICA);
    assertThat(report.failedShard()).isEqualTo(SHARD_A);
  }

  @Test
  void detectionStartsAtTheFirstClientErrorWhenNoFaultWasInjected() {
    tracker.outage(outage("writer", OutageEvent.Phase.START, SHARD_A, T0 + 20, T0 + 21));
    tracker.topologyEvent(nodeEvent(Type.NODE_FAIL, T0 + 2000, FAILED, "master", SHARD_A));
    IncidentReport report = only();
    assertThat(report.durations().detection()).isEqualTo(1980);
    assertThat(report.durations().detectionFrom()).isEqualTo("first_client_error");
  }

  @Test
  void detectionStartsAtTheMonitorsFirstSightWithoutFaultOrClientError() {
    tracker.topologyEvent(nodeEvent(Type.NODE_UNREACHABLE, T0, FAILED, "master", SHARD_A));
    tracker.topologyEvent(nodeEvent(Type.NODE_FAIL, T0 + 2200, FAILED, "master", SHARD_A));
    IncidentReport report = only();
    assertThat(report.durations().detection()).isEqualTo(2200);
    assertThat(report.durations().detectionFrom()).isEqualTo("monitor");
    assertThat(report.durations().election()).isNull();
  }

  @Test
  void theFailedNodeIsTheMasterEvenWhenAReplicaFailedFirst() {
    tracker.topologyEvent(nodeEvent(Type.NODE_FAIL, T0, "10.0.0.1:7005", "replica", ""));
    tracker.topologyEvent(nodeEvent(Type.NODE_FAIL, T0 + 100, FAILED, "master", SHARD_A));
    tracker.topologyEvent(promotion(T0 + 1000));
    IncidentReport report = only();
    assertThat(report.failedNode()).isEqualTo(FAILED);
    assertThat(report.milestones().failAgreedAt()).isEqualTo(T0 + 100);
    assertThat(report.durations().election()).isEqualTo(900);
  }

  @Test
  void thePromotionMeasuredIsTheOneReplacingTheFailedNode() {
    tracker.topologyEvent(nodeEvent(Type.NODE_FAIL, T0, FAILED, "master", SHARD_A));
    tracker.topologyEvent(event(Type.PROMOTED, T0 + 500, "10.0.0.1:7004",
        new JsonObject().put("slots", SHARD_B).put("previousMaster", "10.0.0.1:7001")));
    tracker.topologyEvent(promotion(T0 + 1000));
    IncidentReport report = only();
    assertThat(report.promotedNode()).isEqualTo(REPLICA);
    assertThat(report.milestones().promotedAt()).isEqualTo(T0 + 1000);
    assertThat(report.failedShard()).isEqualTo(SHARD_A);
    assertThat(report.slotsMoved()).containsExactly(
        new IncidentReport.SlotMove(SHARD_B, "10.0.0.1:7001", "10.0.0.1:7004"),
        new IncidentReport.SlotMove(SHARD_A, FAILED, REPLICA));
  }

  @Test
  void errorsBeforeTheIncidentAreNotCounted() {
    tracker.clientStats(stats("writer", T0 - 1, Map.of("timeout", 50L), Map.of(SHARD_A, 50L), List.of(), 0, 0));
    tracker.topologyEvent(nodeEvent(Type.NODE_UNREACHABLE, T0, FAILED, "master", SHARD_A));
    tracker.clientStats(stats("writer", T0 + 999, Map.of("timeout", 2L), Map.of(SHARD_B, 2L), List.of(), 0, 0));
    assertThat(only().errorsByService()).isEqualTo(Map.of("writer", Map.of("timeout", 2L)));
  }

  @Test
  void aSecondInjectedFaultStartsANewIncident() {
    tracker.faultInjected(new JsonObject().put("node", FAILED), T0);
    tracker.faultInjected(new JsonObject().put("node", "10.0.0.1:7001"), T0 + 500);
    List<IncidentReport> incidents = tracker.incidents();
    assertThat(incidents).extracting(IncidentReport::id).containsExactly("inc-2", "inc-1");
    assertThat(incidents.get(1).closedAt()).isEqualTo(T0 + 500);
    assertThat(incidents.get(0).milestones().faultInjectedAt()).isEqualTo(T0 + 500);
    assertThat(incidents.get(0).failedNode()).as("until the cluster flags something").isEqualTo("10.0.0.1:7001");
  }

  @Test
  void historyKeepsTheNewestIncidents() {
    tracker = new IncidentTracker(200, QUIET, 3, (change, report) -> { });
    long at = T0;
    for (int i = 0; i < 5; i++) {
      tracker.faultInjected(new JsonObject(), at);
      tracker.snapshot(cluster.at(at + QUIET));
      at += QUIET * 2;
    }
    assertThat(tracker.opened()).isEqualTo(5);
    assertThat(tracker.incidents()).extracting(IncidentReport::id).containsExactly("inc-5", "inc-4", "inc-3");
    assertThat(tracker.incidents()).noneMatch(IncidentReport::open);
    assertThat(tracker.incident("inc-1")).isEmpty();
    assertThat(tracker.incident("inc-4")).map(IncidentReport::id).contains("inc-4");
  }

  @Test
  void restoredIncidentsAreServedAsTheyWereAndTheNextIdFollowsThem() {
    tracker = new IncidentTracker(200, QUIET, 3, (change, report) -> { });
    List<IncidentReport> earlier = new ArrayList<>();
    IncidentTracker before = new IncidentTracker(200, QUIET, 10, (change, report) -> {
      if (change == IncidentTracker.Change.CLOSED) {
        earlier.add(report);
      }
    });
    long at = T0;
    for (int i = 0; i < 7; i++) {
      before.faultInjected(new JsonObject(), at);
      before.snapshot(cluster.at(at + QUIET));
      at += QUIET * 2;
    }
    tracker.restore(earlier.subList(4, 7));
    assertThat(tracker.incidents()).containsExactly(earlier.get(6), earlier.get(5), earlier.get(4));

    tracker.faultInjected(new JsonObject(), at);
    assertThat(tracker.activeId()).as("not inc-1: restored ids are not given again").isEqualTo("inc-8");
    assertThat(tracker.incidents()).extracting(IncidentReport::id).containsExactly("inc-8", "inc-7", "inc-6");
    assertThat(tracker.opened()).isEqualTo(1);
  }

  @Test
  void eventsKeptPerIncidentAreBounded() {
    for (int i = 0; i < Incident.MAX_EVENTS + 100; i++) {
      tracker.topologyEvent(nodeEvent(i % 2 == 0 ? Type.NODE_UNREACHABLE : Type.NODE_REACHABLE, T0 + i, FAILED,
          "master", SHARD_A));
    }
    assertThat(only().events()).hasSize(Incident.MAX_EVENTS);
    assertThat(only().eventsDropped()).isEqualTo(100);
  }
}
