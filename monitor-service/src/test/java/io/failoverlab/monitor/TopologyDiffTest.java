package io.failoverlab.monitor;

import static io.failoverlab.monitor.TestTopology.SHARD_A;
import static io.failoverlab.monitor.TestTopology.flagged;
import static io.failoverlab.monitor.TestTopology.following;
import static io.failoverlab.monitor.TestTopology.linkDown;
import static io.failoverlab.monitor.TestTopology.master;
import static io.failoverlab.monitor.TestTopology.promoted;
import static io.failoverlab.monitor.TestTopology.reachable;
import static io.failoverlab.monitor.TestTopology.replica;
import static io.failoverlab.monitor.TestTopology.snapshot;
import static io.failoverlab.monitor.TestTopology.unreachable;
import static io.failoverlab.monitor.TestTopology.withoutSlots;
import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.contract.TopologyEvent;
import io.failoverlab.common.contract.TopologyEvent.Type;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopologyDiffTest {

  private static List<String> strings(JsonArray array) {
    return array.stream().map(String.class::cast).toList();
  }

  private static List<Type> types(List<TopologyEvent> events) {
    return events.stream().map(TopologyEvent::type).toList();
  }

  private static TopologyEvent only(List<TopologyEvent> events, Type type) {
    List<TopologyEvent> matching = events.stream().filter(event -> event.type() == type).toList();
    assertThat(matching).as("events of type %s in %s", type, events).hasSize(1);
    return matching.get(0);
  }

  @Test
  void masterCrashIsReportedAsUnreachableThenPfailThenFail() {
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    TopologySnapshot healthy = cluster.at(1000);

    cluster.m0 = unreachable(cluster.m0);
    cluster.r0 = linkDown(cluster.r0);
    TopologySnapshot down = cluster.at(1200);
    List<TopologyEvent> crashed = TopologyDiff.diff(healthy, down, 1200);
    assertThat(types(crashed)).containsExactly(Type.NODE_UNREACHABLE, Type.SLOTS_UNCOVERED, Type.REPLICA_LINK_DOWN);
    assertThat(crashed.get(0).node()).isEqualTo("10.0.0.1:7000");
    assertThat(crashed.get(0).nodeId()).isEqualTo("id-7000");
    assertThat(crashed.get(0).timestamp()).isEqualTo(1200);
    assertThat(crashed.get(0).data().getString("role")).isEqualTo("master");
    assertThat(crashed.get(1).data().getInteger("uncoveredSlots")).isEqualTo(5461);
    assertThat(crashed.get(1).data().getString("ranges")).isEqualTo(SHARD_A);
    assertThat(crashed.get(2).node()).isEqualTo("10.0.0.1:7003");
    assertThat(crashed.get(2).data().getString("master")).isEqualTo("10.0.0.1:7000");

    cluster.m0 = flagged(cluster.m0, "fail?");
    TopologySnapshot suspected = cluster.at(2600);
    List<TopologyEvent> pfail = TopologyDiff.diff(down, suspected, 2600);
    assertThat(types(pfail)).containsExactly(Type.NODE_PFAIL);
    assertThat(pfail.get(0).node()).isEqualTo("10.0.0.1:7000");

    cluster.m0 = flagged(cluster.m0, "fail");
    TopologySnapshot failed = cluster.at(3000);
    List<TopologyEvent> fail = TopologyDiff.diff(suspected, failed, 3000);
    assertThat(types(fail)).containsExactly(Type.NODE_FAIL);
    assertThat(fail.get(0).data().getString("slots")).as("a failed master still lists its slots").isEqualTo(SHARD_A);
    assertThat(strings(fail.get(0).data().getJsonArray("flags"))).containsExactly("fail");
  }

  @Test
  void pfailAndFailSeenInOnePollAreBothReported() {
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    cluster.m0 = unreachable(cluster.m0);
    TopologySnapshot down = cluster.at(1000);
    cluster.m0 = flagged(cluster.m0, "fail", "fail?");
    assertThat(types(TopologyDiff.diff(down, cluster.at(1200), 1200))).containsExactly(Type.NODE_PFAIL, Type.NODE_FAIL);
  }

  @Test
  void aLateSuspicionOfANodeAlreadyFailedIsNotNews() {
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    cluster.m0 = flagged(unreachable(cluster.m0), "fail");
    TopologySnapshot failed = cluster.at(1000);
    cluster.m0 = flagged(cluster.m0, "fail", "fail?");
    assertThat(TopologyDiff.diff(failed, cluster.at(1200), 1200)).isEmpty();
  }

  @Test
  void promotionCarriesTheSlotsItTookOverAndThePreviousMaster() {
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    cluster.m0 = flagged(unreachable(cluster.m0), "fail");
    cluster.r0 = linkDown(cluster.r0);
    TopologySnapshot failed = cluster.at(3000);

    cluster.m0 = withoutSlots(cluster.m0);
    cluster.r0 = promoted(cluster.r0, SHARD_A, 7);
    List<TopologyEvent> events = TopologyDiff.diff(failed, cluster.at(3400), 3400);

    assertThat(types(events)).containsExactly(Type.PROMOTED, Type.SLOTS_COVERED);
    TopologyEvent promotion = events.get(0);
    assertThat(promotion.node()).isEqualTo("10.0.0.1:7003");
    assertThat(promotion.data().getString("slots")).isEqualTo(SHARD_A);
    assertThat(promotion.data().getString("previousMaster")).isEqualTo("10.0.0.1:7000");
    assertThat(promotion.data().getLong("configEpoch")).isEqualTo(7);
    assertThat(events.get(1).data().getInteger("previouslyUncovered")).isEqualTo(5461);
  }

  @Test
  void replicaBecomingAMasterWithoutSlotsIsNotAPromotion() {
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    TopologySnapshot before = cluster.at(1000);
    cluster.r0 = promoted(cluster.r0, "", 7);
    assertThat(types(TopologyDiff.diff(before, cluster.at(1200), 1200))).doesNotContain(Type.PROMOTED);
  }

  @Test
  void oldMasterBackAsReplicaIsDemotedAndFollowsThePromotedNode() {
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    cluster.m0 = withoutSlots(flagged(unreachable(cluster.m0), "fail"));
    cluster.r0 = promoted(cluster.r0, SHARD_A, 7);
    TopologySnapshot promotedSnapshot = cluster.at(4000);

    cluster.m0 = following(cluster.m0, cluster.r0, false);
    List<TopologyEvent> back = TopologyDiff.diff(promotedSnapshot, cluster.at(9000), 9000);

    assertThat(types(back)).containsExactly(Type.NODE_REACHABLE, Type.DEMOTED, Type.REPLICA_LINK_DOWN,
        Type.NODE_RECOVERED);
    TopologyEvent demoted = only(back, Type.DEMOTED);
    assertThat(demoted.node()).isEqualTo("10.0.0.1:7000");
    assertThat(demoted.data().getString("master")).isEqualTo("10.0.0.1:7003");
    assertThat(only(back, Type.NODE_REACHABLE).data().getString("role")).isEqualTo("replica");

    TopologySnapshot syncing = cluster.at(9000);
    cluster.m0 = following(cluster.m0, cluster.r0, true);
    List<TopologyEvent> synced = TopologyDiff.diff(syncing, cluster.at(9200), 9200);
    assertThat(types(synced)).containsExactly(Type.REPLICA_LINK_UP);
    assertThat(synced.get(0).data().getString("master")).isEqualTo("10.0.0.1:7003");
  }

  @Test
  void clusterStateFailAndOkNameTheNodesThatSaidSo() {
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    TopologySnapshot ok = cluster.at(1000);
    cluster.state = TopologyFacts.STATE_FAIL;
    TopologySnapshot failing = cluster.at(1200);
    Map<String, String> said = Map.of("10.0.0.1:7001", "fail", "10.0.0.1:7002", "ok", "10.0.0.1:7004", "fail");

    List<TopologyEvent> fail = TopologyDiff.diff(ok, failing, said, 1200);
    assertThat(types(fail)).containsExactly(Type.CLUSTER_STATE_FAIL);
    assertThat(fail.get(0).node()).isNull();
    assertThat(fail.get(0).data().getString("state")).isEqualTo("fail");
    assertThat(strings(fail.get(0).data().getJsonArray("nodes"))).containsExactly("10.0.0.1:7001", "10.0.0.1:7004");

    assertThat(TopologyDiff.diff(failing, cluster.at(1400), said, 1400)).as("still failing: no news").isEmpty();

    cluster.state = TopologyFacts.STATE_OK;
    List<TopologyEvent> back = TopologyDiff.diff(failing, cluster.at(1600), Map.of("10.0.0.1:7001", "ok"), 1600);
    assertThat(types(back)).containsExactly(Type.CLUSTER_STATE_OK);
    assertThat(strings(back.get(0).data().getJsonArray("nodes"))).containsExactly("10.0.0.1:7001");
  }

  @Test
  void unknownClusterStateIsNotAFailure() {
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    TopologySnapshot ok = cluster.at(1000);
    cluster.state = TopologyFacts.STATE_UNKNOWN;
    TopologySnapshot unknown = cluster.at(1200);
    assertThat(TopologyDiff.diff(ok, unknown, 1200)).isEmpty();
    cluster.state = TopologyFacts.STATE_OK;
    assertThat(TopologyDiff.diff(unknown, cluster.at(1400), 1400)).isEmpty();
  }

  @Test
  void slotsUncoveredAgainWhenMoreAreLostAndCoveredOnlyWhenAllAreServed() {
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    TopologySnapshot healthy = cluster.at(1000);
    cluster.m0 = unreachable(cluster.m0);
    TopologySnapshot oneShard = cluster.at(1200);
    List<TopologyEvent> first = TopologyDiff.diff(healthy, oneShard, 1200);
    assertThat(only(first, Type.SLOTS_UNCOVERED).data().getInteger("uncoveredSlots")).isEqualTo(5461);

    cluster.m1 = flagged(cluster.m1, "fail");
    TopologySnapshot twoShards = cluster.at(1400);
    TopologyEvent more = only(TopologyDiff.diff(oneShard, twoShards, 1400), Type.SLOTS_UNCOVERED);
    assertThat(more.data().getInteger("uncoveredSlots")).isEqualTo(5461 + 5462);
    assertThat(more.data().getString("ranges")).isEqualTo("0-10922");

    cluster.m0 = reachable(cluster.m0);
    TopologySnapshot oneLeft = cluster.at(1600);
    assertThat(types(TopologyDiff.diff(twoShards, oneLeft, 1600)))
        .doesNotContain(Type.SLOTS_UNCOVERED, Type.SLOTS_COVERED);

    cluster.m1 = flagged(cluster.m1);
    List<TopologyEvent> covered = TopologyDiff.diff(oneLeft, cluster.at(1800), 1800);
    assertThat(only(covered, Type.SLOTS_COVERED).data().getInteger("uncoveredSlots")).isZero();
  }

  @Test
  void replicaLinkDownAndUpAreReportedForReachableReplicasOnly() {
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    TopologySnapshot healthy = cluster.at(1000);
    cluster.r1 = linkDown(cluster.r1);
    TopologySnapshot down = cluster.at(1200);
    List<TopologyEvent> lost = TopologyDiff.diff(healthy, down, 1200);
    assertThat(types(lost)).containsExactly(Type.REPLICA_LINK_DOWN);
    assertThat(lost.get(0).node()).isEqualTo("10.0.0.1:7004");
    assertThat(lost.get(0).data().getString("master")).isEqualTo("10.0.0.1:7001");

    cluster.r1 = reachable(cluster.r1);
    assertThat(types(TopologyDiff.diff(down, cluster.at(1400), 1400))).containsExactly(Type.REPLICA_LINK_UP);

    // An unreachable replica's link is unknown, not down: NODE_UNREACHABLE says it all.
    TopologySnapshot up = cluster.at(1400);
    cluster.r1 = unreachable(cluster.r1);
    assertThat(types(TopologyDiff.diff(up, cluster.at(1600), 1600))).containsExactly(Type.NODE_UNREACHABLE);
  }

  @Test
  void recoveredWhenNoViewFlagsTheNodeAnyMore() {
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    cluster.r2 = flagged(unreachable(cluster.r2), "fail?");
    TopologySnapshot suspected = cluster.at(1000);
    cluster.r2 = reachable(flagged(cluster.r2));
    List<TopologyEvent> events = TopologyDiff.diff(suspected, cluster.at(1200), 1200);
    assertThat(types(events)).containsExactly(Type.NODE_REACHABLE, Type.NODE_RECOVERED);
    assertThat(events).allMatch(event -> "10.0.0.1:7005".equals(event.node()));
  }

  @Test
  void nodesJoiningAndLeavingTheNodeTablesAreAddedAndRemoved() {
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    TopologySnapshot six = cluster.at(1000);
    NodeStatus extra = replica(7006, cluster.m2);
    TopologySnapshot seven = snapshot(1200, cluster.m0, cluster.m1, cluster.m2, cluster.r0, cluster.r1, cluster.r2, extra);

    List<TopologyEvent> added = TopologyDiff.diff(six, seven, 1200);
    assertThat(types(added)).containsExactly(Type.NODE_ADDED);
    assertThat(added.get(0).node()).isEqualTo("10.0.0.1:7006");
    assertThat(added.get(0).data().getString("role")).isEqualTo("replica");

    List<TopologyEvent> removed = TopologyDiff.diff(seven, cluster.at(1400), 1400);
    assertThat(types(removed)).containsExactly(Type.NODE_REMOVED);
    assertThat(removed.get(0).nodeId()).isEqualTo("id-7006");
    assertThat(removed.get(0).data().getString("lastRole")).isEqualTo("replica");
  }

  @Test
  void identicalSnapshotsHaveNoEvents() {
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    assertThat(TopologyDiff.diff(cluster.at(1000), cluster.at(1200), 1200)).isEmpty();
  }

  @Test
  void firstSnapshotOfAHealthyClusterHasNoEvents() {
    assertThat(TopologyDiff.diff(null, new TestTopology.Cluster().at(1000), 1000)).isEmpty();
  }

  @Test
  void firstSnapshotTakenDuringAFailoverReportsWhatIsWrong() {
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    cluster.m0 = flagged(unreachable(cluster.m0), "fail");
    cluster.r0 = linkDown(cluster.r0);
    cluster.state = TopologyFacts.STATE_FAIL;
    assertThat(types(TopologyDiff.diff(null, cluster.at(1000), 1000))).containsExactly(Type.NODE_UNREACHABLE,
        Type.NODE_FAIL, Type.CLUSTER_STATE_FAIL, Type.SLOTS_UNCOVERED, Type.REPLICA_LINK_DOWN);
  }

  @Test
  void eventsOfOnePollComeInTheOrderAFailoverUnfolds() {
    // The promoted replica's address sorts before the failed master's: node order would put it first.
    NodeStatus oldMaster = new NodeStatus("id-old", "10.0.0.9:6379", "master", List.of(), null, null, SHARD_A, true, true, 1);
    NodeStatus replica = new NodeStatus("id-new", "10.0.0.1:6379", "replica", List.of(), "id-old", "10.0.0.9:6379", "",
        true, true, 1);
    NodeStatus m1 = master(7001, TestTopology.SHARD_B);
    NodeStatus m2 = master(7002, TestTopology.SHARD_C);
    TopologySnapshot before = snapshot(1000, oldMaster, replica, m1, m2);
    TopologySnapshot after = snapshot(1200, flagged(unreachable(withoutSlots(oldMaster)), "fail"),
        promoted(replica, SHARD_A, 5), m1, m2);
    assertThat(types(TopologyDiff.diff(before, after, 1200)))
        .containsExactly(Type.NODE_UNREACHABLE, Type.NODE_FAIL, Type.PROMOTED);
  }

  /** Real replies captured while 7100 was SIGKILLed, its replica 7104 promoted, then 7100 restarted. */
  @Test
  void capturedCrashOfAMasterTellsTheWholeStory() {
    String[] moments = {"healthy", "crash-disconnected", "crash-fail-spreading", "crash-fail-agreed",
        "crash-promotion-spreading", "crash-promoted", "crash-old-master-rejoined"};
    List<List<Type>> story = new ArrayList<>();
    List<TopologyEvent> all = new ArrayList<>();
    TopologySnapshot previous = null;
    long at = 0;
    for (String moment : moments) {
      MergedTopology merged = CapturedPoll.merged(moment, at += 200);
      List<TopologyEvent> events = TopologyDiff.diff(previous, merged.snapshot(), merged.clusterStateByNode(), at);
      story.add(types(events));
      all.addAll(events);
      previous = merged.snapshot();
    }
    assertThat(story).containsExactly(
        List.of(),
        List.of(Type.NODE_UNREACHABLE, Type.SLOTS_UNCOVERED, Type.REPLICA_LINK_DOWN),
        List.of(Type.NODE_PFAIL, Type.NODE_FAIL),
        List.of(),
        List.of(Type.PROMOTED, Type.SLOTS_COVERED),
        List.of(),
        List.of(Type.NODE_REACHABLE, Type.DEMOTED, Type.REPLICA_LINK_DOWN, Type.NODE_RECOVERED));
    TopologyEvent promotion = all.stream().filter(event -> event.type() == Type.PROMOTED).findFirst().orElseThrow();
    assertThat(promotion.node()).isEqualTo("127.0.0.1:7104");
    assertThat(promotion.data().getString("slots")).isEqualTo("0-5460");
    assertThat(promotion.data().getString("previousMaster")).isEqualTo("127.0.0.1:7100");
    TopologyEvent demotion = all.stream().filter(event -> event.type() == Type.DEMOTED).findFirst().orElseThrow();
    assertThat(demotion.node()).isEqualTo("127.0.0.1:7100");
    assertThat(demotion.data().getString("master")).isEqualTo("127.0.0.1:7104");
  }

  @Test
  void capturedHangWithFullCoverageFailsTheClusterUntilThePromotion() {
    MergedTopology before = CapturedPoll.merged("crash-old-master-rejoined", 1000);
    MergedTopology down = CapturedPoll.merged("hang-clusterdown", 2000);
    MergedTopology promoted = CapturedPoll.merged("hang-promoted", 3000);
    MergedTopology resumed = CapturedPoll.merged("hang-resumed", 4000);

    List<TopologyEvent> failing = TopologyDiff.diff(before.snapshot(), down.snapshot(), down.clusterStateByNode(), 2000);
    assertThat(types(failing)).containsSubsequence(Type.NODE_UNREACHABLE, Type.NODE_FAIL, Type.CLUSTER_STATE_FAIL,
        Type.SLOTS_UNCOVERED);
    assertThat(strings(only(failing, Type.CLUSTER_STATE_FAIL).data().getJsonArray("nodes")))
        .containsExactly("127.0.0.1:7103", "127.0.0.1:7104", "127.0.0.1:7105");

    List<TopologyEvent> recovering = TopologyDiff.diff(down.snapshot(), promoted.snapshot(),
        promoted.clusterStateByNode(), 3000);
    assertThat(types(recovering)).containsExactly(Type.PROMOTED, Type.SLOTS_COVERED, Type.CLUSTER_STATE_OK);
    assertThat(recovering.get(0).node()).isEqualTo("127.0.0.1:7105");
    assertThat(recovering.get(0).data().getString("previousMaster")).isEqualTo("127.0.0.1:7101");

    List<TopologyEvent> back = TopologyDiff.diff(promoted.snapshot(), resumed.snapshot(), resumed.clusterStateByNode(), 4000);
    assertThat(only(back, Type.DEMOTED).data().getString("master")).isEqualTo("127.0.0.1:7105");
  }

  /** The tests above between them produce every event type; this keeps it so when a type is added. */
  @Test
  void everyEventTypeCanBeProduced() {
    Set<Type> seen = EnumSet.noneOf(Type.class);
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    TopologySnapshot previous = cluster.at(0);
    List<Runnable> steps = List.of(
        () -> cluster.r2 = linkDown(cluster.r2),
        () -> cluster.r2 = reachable(cluster.r2),
        () -> cluster.m0 = unreachable(cluster.m0),
        () -> cluster.m0 = flagged(cluster.m0, "fail?"),
        () -> cluster.m0 = flagged(cluster.m0, "fail"),
        () -> cluster.state = TopologyFacts.STATE_FAIL,
        () -> {
          cluster.m0 = withoutSlots(cluster.m0);
          cluster.r0 = promoted(cluster.r0, SHARD_A, 7);
          cluster.state = TopologyFacts.STATE_OK;
        },
        () -> cluster.m0 = following(cluster.m0, cluster.r0, true));
    long at = 0;
    for (Runnable step : steps) {
      step.run();
      TopologySnapshot current = cluster.at(at += 200);
      TopologyDiff.diff(previous, current, at).forEach(event -> seen.add(event.type()));
      previous = current;
    }
    NodeStatus extra = replica(7006, cluster.m2);
    TopologySnapshot withExtra = snapshot(at += 200, cluster.m0, cluster.m1, cluster.m2, cluster.r0, cluster.r1,
        cluster.r2, extra);
    TopologyDiff.diff(previous, withExtra, at).forEach(event -> seen.add(event.type()));
    TopologyDiff.diff(withExtra, cluster.at(at + 200), at + 200).forEach(event -> seen.add(event.type()));
    assertThat(seen).containsExactlyInAnyOrder(Type.values());
  }
}
