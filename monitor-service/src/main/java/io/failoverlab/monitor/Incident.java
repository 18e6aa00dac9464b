package io.failoverlab.monitor;

import io.failoverlab.common.contract.ClientStats;
import io.failoverlab.common.contract.MigrationProgress;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.IncidentReport.Durations;
import io.failoverlab.common.contract.IncidentReport.Milestones;
import io.failoverlab.common.contract.IncidentReport.SlotMove;
import io.failoverlab.common.contract.OutageEvent;
import io.failoverlab.common.contract.ServiceName;
import io.failoverlab.common.contract.TopologyEvent;
import io.failoverlab.common.contract.TopologySnapshot;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The facts of one incident as they arrive (topology events, snapshots, client outages and stats, an
 * injected fault), from which {@link #report} derives milestones and durations. Derived on demand
 * rather than fixed at arrival, because the facts come out of order: a client's outage starts seconds
 * before the cluster agrees which node failed, so which shard "failed" is only known later.
 *
 * <p>Not thread-safe: owned by the {@link IncidentTracker}.
 */
final class Incident {

  static final int MAX_EVENTS = 500;
  static final int MAX_OUTAGES = 200;

  private record Promotion(long at, String node, String slots, String previousMaster) {
  }

  /** One service's outages on one shard during the incident. */
  private static final class ShardOutages {
    long earliestStart = Long.MAX_VALUE;
    Long latestEnd;
    int open;
  }

  final String id;
  final long openedAt;
  final String openedBy;
  private final long pollIntervalMs;
  private Long closedAt;
  private long lastChangeAt;

  private Long faultInjectedAt;
  /** Why no replica took over, as last seen while the master was down (see {@link #explanation}). */
  private List<String> whyNoFailover = List.of();
  private String faultNode;
  private String faultAction;
  /** Every node the fault acted on, for the explanation ("a and b" when several crashed at once). */
  private String faultTargets;
  private String faultMethod;
  private TopologySnapshot latest;
  /**
   * The cluster's current epoch in the first view this incident had, before any promotion. Every
   * election, won or failed, takes the next epoch: the winners' config epochs, counted from here, show
   * whether an election had to be retried.
   */
  private Long epochBefore;
  /** Set when a migrate action opened this incident: it is then of kind "migration". */
  private MigrationWatch migration;
  private Long firstClientErrorAt;
  private boolean firstClientErrorFromStats;

  // Insertion order is time order: the first node suspected / failed comes first.
  private final Map<String, Long> suspectedAt = new LinkedHashMap<>();
  private final Map<String, Long> failedAt = new LinkedHashMap<>();
  /** Flagged PFAIL (or FAIL) by some node, as a poll saw it. */
  private final Map<String, Long> flaggedAt = new LinkedHashMap<>();
  /** The probe's stamps, by kind then node: finer than a poll's, preferred where both exist. */
  private final Map<ShardProbe.Kind, Map<String, ShardProbe.Stamp>> probed = new java.util.EnumMap<>(
      ShardProbe.Kind.class);
  private final Map<String, String> roleOf = new LinkedHashMap<>();
  private final Map<String, String> slotsOf = new LinkedHashMap<>();
  private final List<Promotion> promotions = new ArrayList<>();
  private boolean sawUnstable;
  private Long clusterOkAt;

  private final Map<String, Map<String, Long>> errorsByService = new TreeMap<>();
  private final Map<String, Map<String, Long>> errorsByServiceShard = new TreeMap<>();
  private final Map<String, Map<String, ShardOutages>> outagesByService = new TreeMap<>();
  private final Map<String, Map<String, Long>> baselineTotals = new LinkedHashMap<>();
  private final Map<String, Map<String, Long>> latestTotals = new LinkedHashMap<>();

  private final List<OutageEvent> outages = new ArrayList<>();
  private final List<TopologyEvent> events = new ArrayList<>();
  private long eventsDropped;

  Incident(String id, long openedAt, String openedBy, long pollIntervalMs) {
    this.id = id;
    this.openedAt = openedAt;
    this.openedBy = openedBy;
    this.pollIntervalMs = pollIntervalMs;
    this.lastChangeAt = openedAt;
  }

  long lastChangeAt() {
    return lastChangeAt;
  }

  boolean hasInjectedFault() {
    return faultInjectedAt != null;
  }

  /** A migration's incident stays open until it ended and its clients settled (see MigrationWatch). */
  boolean migrationFinished(long now) {
    return migration == null || migration.finished(now);
  }

  void close(long at) {
    closedAt = at;
  }

  // ---- facts

  void faultInjected(JsonObject action, long at) {
    if (faultInjectedAt == null) {
      faultInjectedAt = at;
      faultNode = action == null ? null : action.getString("node");
      faultAction = action == null ? null : action.getString("action");
      faultTargets = action == null || action.getJsonArray("nodes") == null ? faultNode
          : String.join(" and ", action.getJsonArray("nodes").stream().map(String::valueOf).toList());
      faultMethod = action == null ? null : action.getString("method");
      if (action != null && faultAction != null && MigrationWatch.MOVES_SLOTS.contains(faultAction)) {
        migration = new MigrationWatch(action, at);
      }
    }
    changed(at);
  }

  /** The migration this incident is about moved a slot, ended or stopped. */
  void migrationProgress(MigrationProgress progress) {
    if (migration != null) {
      migration.progress(progress);
      changed(progress.at());
    }
  }

  /** {@code lastKnownSlots}: address -> slots it served in the latest snapshot that showed any. */
  void topologyEvent(TopologyEvent event, Map<String, String> lastKnownSlots) {
    if (events.size() < MAX_EVENTS) {
      events.add(event);
    } else {
      eventsDropped++;
    }
    changed(event.timestamp());
    String node = event.node();
    String role = event.data().getString("role");
    switch (event.type()) {
      case NODE_UNREACHABLE -> suspected(node, role, event.timestamp());
      case NODE_PFAIL -> {
        suspected(node, role, event.timestamp());
        flagged(node, event.timestamp());
      }
      case NODE_FAIL -> {
        suspected(node, role, event.timestamp());
        flagged(node, event.timestamp());
        failedAt.putIfAbsent(node, event.timestamp());
        String slots = event.data().getString("slots");
        if (slots == null || slots.isEmpty()) {
          slots = lastKnownSlots.get(node);
        }
        if (slots != null && !slots.isEmpty()) {
          slotsOf.putIfAbsent(node, slots);
        }
      }
      case PROMOTED -> promotions.add(new Promotion(event.timestamp(), node, event.data().getString("slots"),
          event.data().getString("previousMaster")));
      default -> {
        // Other changes only count as "the topology moved" (quiet period) and go into the event list.
      }
    }
  }

  /**
   * A milestone the probe of a suspected shard stamped ({@link ShardProbe}): it also names the failed
   * node (FAIL) and its slots before a poll does.
   */
  void probeStamp(ShardProbe.Stamp stamp) {
    if (stamp.node() == null) {
      return;
    }
    probed.computeIfAbsent(stamp.kind(), kind -> new LinkedHashMap<>()).putIfAbsent(stamp.node(), stamp);
    changed(stamp.at());
    if (stamp.kind() != ShardProbe.Kind.WRITABLE) {
      suspected(stamp.node(), stamp.role(), stamp.at());
      flagged(stamp.node(), stamp.at());
    }
    if (stamp.kind() == ShardProbe.Kind.FAIL) {
      failedAt.putIfAbsent(stamp.node(), stamp.at());
    }
    if (stamp.slots() != null && !stamp.slots().isEmpty()) {
      slotsOf.putIfAbsent(stamp.node(), stamp.slots());
    }
  }

  private ShardProbe.Stamp probed(ShardProbe.Kind kind, String node) {
    return node == null ? null : probed.getOrDefault(kind, Map.of()).get(node);
  }

  private void flagged(String node, long at) {
    if (node != null) {
      flaggedAt.putIfAbsent(node, at);
    }
  }

  private void suspected(String node, String role, long at) {
    if (node != null) {
      suspectedAt.putIfAbsent(node, at);
      if (role != null) {
        roleOf.putIfAbsent(node, role);
      }
    }
  }

  /**
   * clusterOkAt is the last time the cluster became stable again after being unstable in this
   * incident; unstable again (a second failure) clears it until the next recovery.
   */
  void snapshot(TopologySnapshot snapshot) {
    latest = snapshot;
    if (epochBefore == null && promotions.isEmpty()) {
      epochBefore = snapshot.currentEpoch();
    }
    if (!TopologyFacts.stable(snapshot)) {
      sawUnstable = true;
      clusterOkAt = null;
    } else if (sawUnstable && clusterOkAt == null) {
      clusterOkAt = snapshot.timestamp();
    }
  }

  void outage(OutageEvent event) {
    if (outages.size() < MAX_OUTAGES) {
      outages.add(event);
    }
    ShardOutages shard = outagesByService.computeIfAbsent(event.service(), s -> new TreeMap<>())
        .computeIfAbsent(event.shard(), s -> new ShardOutages());
    shard.earliestStart = Math.min(shard.earliestStart, event.startedAt());
    if (event.phase() == OutageEvent.Phase.START) {
      shard.open++;
      if (firstClientErrorAt == null || firstClientErrorFromStats || event.startedAt() < firstClientErrorAt) {
        firstClientErrorAt = event.startedAt();
        firstClientErrorFromStats = false;
      }
    } else {
      shard.open = Math.max(0, shard.open - 1);
      shard.latestEnd = shard.latestEnd == null ? event.timestamp() : Math.max(shard.latestEnd, event.timestamp());
    }
    changed(event.timestamp());
  }

  /** {@code baseline}: the instance's running totals before the incident opened, or null if unknown. */
  /** {@code p99Before}: the service's p99 latency in its last second before this incident (null if unknown). */
  void clientStats(String instanceKey, ClientStats stats, Map<String, Long> baseline, Double p99Before) {
    if (migration != null) {
      migration.clientStats(stats, p99Before);
    }
    baselineTotals.putIfAbsent(instanceKey, baseline != null ? baseline : stats.totals());
    latestTotals.put(instanceKey, stats.totals());
    long errors = 0;
    for (Map.Entry<String, Long> entry : stats.commandErrors().entrySet()) {
      errorsByService.computeIfAbsent(stats.service(), s -> new TreeMap<>()).merge(entry.getKey(), entry.getValue(), Long::sum);
      errors += entry.getValue();
    }
    for (Map.Entry<String, Long> entry : stats.commandErrorsByShard().entrySet()) {
      errorsByServiceShard.computeIfAbsent(stats.service(), s -> new TreeMap<>())
          .merge(entry.getKey(), entry.getValue(), Long::sum);
    }
    if (errors > 0) {
      if (firstClientErrorAt == null) {
        // Only a one-second window is known; an outage event, when one comes, is more precise.
        firstClientErrorAt = stats.timestamp() - stats.intervalMs();
        firstClientErrorFromStats = true;
      }
      changed(stats.timestamp());
    }
  }

  private void changed(long at) {
    lastChangeAt = Math.max(lastChangeAt, at);
  }

  // ---- derived

  /**
   * The node whose failure the incident is about: the node a fault was injected into if the cluster
   * flagged it or replaced it (a manual failover is never flagged), else the first master flagged
   * FAIL, else the first node flagged FAIL, else the injected fault's node, else the first master
   * suspected.
   */
  String failedNode() {
    if (faultNode != null && (failedAt.containsKey(faultNode) || replaced(faultNode))) {
      return faultNode;
    }
    for (String node : failedAt.keySet()) {
      if (TopologyFacts.MASTER.equals(roleOf.get(node))) {
        return node;
      }
    }
    if (!failedAt.isEmpty()) {
      return failedAt.keySet().iterator().next();
    }
    if (faultNode != null) {
      return faultNode;
    }
    for (String node : suspectedAt.keySet()) {
      if (TopologyFacts.MASTER.equals(roleOf.get(node))) {
        return node;
      }
    }
    return null;
  }

  private boolean replaced(String node) {
    return probed(ShardProbe.Kind.WRITABLE, node) != null
        || promotions.stream().anyMatch(promotion -> node.equals(promotion.previousMaster()));
  }

  private Promotion promotion(String failedNode) {
    for (Promotion promotion : promotions) {
      if (failedNode != null && failedNode.equals(promotion.previousMaster())) {
        return promotion;
      }
    }
    return promotions.isEmpty() ? null : promotions.get(0);
  }

  /** The shard the clients name by its slot ranges: what the failed master served. */
  String failedShard() {
    String failedNode = failedNode();
    Promotion promotion = promotion(failedNode);
    if (promotion != null && promotion.slots() != null && !promotion.slots().isEmpty()) {
      return promotion.slots();
    }
    return failedNode == null ? null : slotsOf.get(failedNode);
  }

  /** What a milestone notification compares: changes when a phase is reached or the culprit is known. */
  List<Object> signature() {
    String failedNode = failedNode();
    return java.util.Arrays.asList(milestones(failedNode, failedShard()), failedNode, promotedNode(failedNode));
  }

  /** The replica that replaced the failed node: as a poll saw it, else as the probe's accepted write did. */
  private String promotedNode(String failedNode) {
    Promotion promotion = promotion(failedNode);
    ShardProbe.Stamp writable = probed(ShardProbe.Kind.WRITABLE, failedNode);
    return promotion != null ? promotion.node() : writable == null ? null : writable.by();
  }

  private Milestones milestones(String failedNode, String failedShard) {
    Promotion promotion = promotion(failedNode);
    ShardProbe.Stamp writable = probed(ShardProbe.Kind.WRITABLE, failedNode);
    return new Milestones(
        faultInjectedAt,
        firstClientErrorAt,
        stampedAt(ShardProbe.Kind.PFAIL, failedNode, flaggedAt),
        stampedAt(ShardProbe.Kind.FAIL, failedNode, failedAt),
        writable != null ? Long.valueOf(writable.at()) : promotion == null ? null : promotion.at(),
        clusterOkAt,
        recoveredAt(ServiceName.WRITER.label(), failedShard),
        recoveredAt(ServiceName.READER.label(), failedShard));
  }

  /** The probe's stamp of {@code kind} for {@code node} if it has one, else what a poll saw ({@code polled}). */
  private Long stampedAt(ShardProbe.Kind kind, String node, Map<String, Long> polled) {
    ShardProbe.Stamp stamp = probed(kind, node);
    return stamp != null ? Long.valueOf(stamp.at()) : node == null ? null : polled.get(node);
  }

  /**
   * How precise each known topology milestone is, in ms: the period of the probe or the poll that
   * stamped it (the fault is stamped when the monitor injected it: 0). Client milestones are the
   * clients' own clocks and are not listed.
   */
  private Map<String, Long> precision(String failedNode, Milestones m) {
    Map<String, Long> precision = new LinkedHashMap<>();
    if (m.faultInjectedAt() != null) {
      precision.put("faultInjectedAt", 0L);
    }
    precisionOf(precision, "suspectedAt", m.suspectedAt(), probed(ShardProbe.Kind.PFAIL, failedNode));
    precisionOf(precision, "failAgreedAt", m.failAgreedAt(), probed(ShardProbe.Kind.FAIL, failedNode));
    precisionOf(precision, "promotedAt", m.promotedAt(), probed(ShardProbe.Kind.WRITABLE, failedNode));
    if (m.clusterOkAt() != null) {
      precision.put("clusterOkAt", pollIntervalMs);
    }
    return precision;
  }

  private void precisionOf(Map<String, Long> precision, String milestone, Long at, ShardProbe.Stamp stamp) {
    if (at != null) {
      precision.put(milestone, stamp != null ? stamp.precisionMs() : pollIntervalMs);
    }
  }

  /**
   * When the service's outage on the failed shard ended (its last outage there, if it flapped);
   * null while one is still open. With no failed shard known, over all shards.
   */
  private Long recoveredAt(String service, String failedShard) {
    Map<String, ShardOutages> shards = outagesByService.get(service);
    if (shards == null) {
      return null;
    }
    Long recovered = null;
    for (Map.Entry<String, ShardOutages> entry : shards.entrySet()) {
      if (failedShard != null && !failedShard.equals(entry.getKey())) {
        continue;
      }
      ShardOutages outage = entry.getValue();
      if (outage.open > 0) {
        return null;
      }
      if (outage.latestEnd != null) {
        recovered = recovered == null ? outage.latestEnd : Math.max(recovered, outage.latestEnd);
      }
    }
    return recovered;
  }

  private Long writeUnavailability(String failedShard, Long writerRecoveredAt) {
    Map<String, ShardOutages> shards = outagesByService.get(ServiceName.WRITER.label());
    if (shards == null || writerRecoveredAt == null) {
      return null;
    }
    long start = Long.MAX_VALUE;
    for (Map.Entry<String, ShardOutages> entry : shards.entrySet()) {
      if (failedShard == null || failedShard.equals(entry.getKey())) {
        start = Math.min(start, entry.getValue().earliestStart);
      }
    }
    return start == Long.MAX_VALUE ? null : writerRecoveredAt - start;
  }

  IncidentReport report() {
    // A migration fails no node: its source is where slots come from, not a failure.
    String failedNode = migration != null ? null : failedNode();
    String failedShard = failedShard();
    Milestones milestones = milestones(failedNode, failedShard);

    Long detectionStart = null;
    String detectionFrom = null;
    if (faultInjectedAt != null) {
      detectionStart = faultInjectedAt;
      detectionFrom = "fault_injected";
    } else if (firstClientErrorAt != null) {
      detectionStart = firstClientErrorAt;
      detectionFrom = "first_client_error";
    } else if (failedNode != null && suspectedAt.containsKey(failedNode)) {
      detectionStart = suspectedAt.get(failedNode);
      detectionFrom = "monitor";
    }
    Durations durations = new Durations(
        between(detectionStart, milestones.failAgreedAt()),
        detectionStart == null ? null : detectionFrom,
        between(milestones.failAgreedAt(), milestones.promotedAt()),
        between(milestones.promotedAt(), milestones.writerRecoveredAt()),
        writeUnavailability(failedShard, milestones.writerRecoveredAt()));

    List<SlotMove> moves = new ArrayList<>();
    for (Promotion moved : promotions) {
      moves.add(new SlotMove(moved.slots(), moved.previousMaster(), moved.node()));
    }
    // Every shard whose master failed or was replaced (two masters crashed at once: both), by its slots.
    java.util.Set<String> failedShards = new java.util.HashSet<>();
    if (failedShard != null) {
      failedShards.add(failedShard);
    }
    promotions.forEach(moved -> failedShards.add(moved.slots()));
    failedAt.keySet().stream().filter(node -> TopologyFacts.MASTER.equals(roleOf.get(node)))
        .map(slotsOf::get).filter(java.util.Objects::nonNull).forEach(failedShards::add);
    Map<String, Long> healthyShardErrors = new TreeMap<>();
    errorsByServiceShard.forEach((service, byShard) -> {
      long count = 0;
      for (Map.Entry<String, Long> entry : byShard.entrySet()) {
        // No failed shard (a replica failed, clients failed on their own): every shard was healthy.
        if (!failedShards.contains(entry.getKey())) {
          count += entry.getValue();
        }
      }
      healthyShardErrors.put(service, count);
    });
    if (migration != null) {
      // A migration fails no shard: its command errors are the redirects it causes, counted by type in
      // the migration block with the errors that reached the application. No shard was "healthy" apart.
      healthyShardErrors.clear();
    }

    return new IncidentReport(
        id,
        closedAt == null ? IncidentReport.State.OPEN : IncidentReport.State.CLOSED,
        openedAt,
        closedAt,
        openedBy,
        "monitor wall clock, epoch ms; while a node is suspected a probe stamps its shard's milestones (PFAIL and "
            + "FAIL as other masters flag them, the promotion as the first write a replica takes) within one probe "
            + "period of the fact; a milestone the probe did not see is stamped at the start of the poll that saw "
            + "it, at most one poll interval (" + pollIntervalMs + " ms) plus one poll after the fact; "
            + "milestonePrecisionMs says which; client milestones are the clients' own times",
        pollIntervalMs,
        milestones,
        precision(failedNode, milestones),
        durations,
        failedNode,
        failedShard,
        promotedNode(failedNode),
        moves,
        errorsByService,
        healthyShardErrors,
        totalDelta("lostWrites"),
        totalDelta("unacknowledgedWrites"),
        outages,
        events,
        eventsDropped,
        migration != null ? migrationExplanation() : explanation(failedNode, milestones),
        migration == null ? null : migration.summary(),
        false);
  }

  private List<String> migrationExplanation() {
    List<String> lines = new ArrayList<>();
    lines.add("Fault injected: " + faultAction + " (" + faultMethod + ").");
    lines.addAll(migration.explanation());
    return lines;
  }

  /**
   * What happened, in words, from the same facts as the milestones: the fault, who noticed, what the
   * cluster agreed, which replica took over and how, or why none could (remembered: see whyNoFailover).
   */
  List<String> explanation(String failedNode, Milestones m) {
    List<String> lines = new ArrayList<>();
    long origin = m.faultInjectedAt() != null ? m.faultInjectedAt() : openedAt;
    if (faultAction != null) {
      lines.add("Fault injected: " + faultAction + " of " + faultTargets + (faultMethod == null ? "" : " (" + faultMethod
          + ")") + ".");
    }
    if (failedNode == null) {
      lines.add("No node was found failed: " + (faultAction == null ? "clients' errors or a topology change opened it."
          : "the fault did not take a node down."));
      return lines;
    }
    String shard = slotsOf.get(failedNode);
    String what = (roleOf.get(failedNode) == null ? "" : roleOf.get(failedNode) + " ") + failedNode
        + (shard == null ? "" : " (slots " + shard + ")");
    ShardProbe.Stamp pfail = probed(ShardProbe.Kind.PFAIL, failedNode);
    ShardProbe.Stamp fail = probed(ShardProbe.Kind.FAIL, failedNode);
    if (m.suspectedAt() != null) {
      lines.add(what + " was flagged PFAIL " + after(m.suspectedAt(), origin)
          + (pfail == null ? "" : " (first by " + pfail.by() + ")") + ".");
    }
    if (m.failAgreedAt() != null) {
      lines.add("The masters agreed it FAILed " + after(m.failAgreedAt(), origin)
          + (fail == null ? "" : " (first seen at " + fail.by() + ")") + ".");
    }
    String promoted = promotedNode(failedNode);
    if (m.promotedAt() != null && promoted != null) {
      String how = m.failAgreedAt() != null
          ? ", " + (m.promotedAt() - m.failAgreedAt()) + " ms after FAIL (replica delay and election)"
          : " without a FAIL: a manual failover" + (faultMethod == null ? "" : " (" + faultMethod + ")");
      lines.add("Replica " + promoted + " took writes for its slots " + after(m.promotedAt(), origin) + how + ".");
      if (promotions.size() > 1) {
        StringBuilder order = new StringBuilder("Promotions, in order:");
        for (Promotion promotion : promotions) {
          ShardProbe.Stamp writable = probed(ShardProbe.Kind.WRITABLE, promotion.previousMaster());
          long at = writable != null ? writable.at() : promotion.at();
          Long failed = stampedAt(ShardProbe.Kind.FAIL, promotion.previousMaster(), failedAt);
          order.append(' ').append(promotion.node()).append(" replaced ").append(promotion.previousMaster())
              .append(' ').append(after(at, origin))
              .append(failed == null ? "" : " (" + (at - failed) + " ms after its FAIL)").append(';');
        }
        lines.add(order.substring(0, order.length() - 1) + ".");
      }
      String elections = elections();
      if (elections != null) {
        lines.add(elections);
      }
    } else {
      // Judged while the master is down; once it is back, what was true then stays said (its replicas
      // may be up and in sync again by the time the incident closes).
      if (latest == null || !answers(failedNode)) {
        List<String> why = new ArrayList<>();
        if (TopologyFacts.MASTER.equals(roleOf.get(failedNode)) && latest != null && !hasLiveReplica(failedNode)) {
          why.add("No failover is possible: " + failedNode + " has no live replica; its slots stay uncovered until it "
              + "returns, and the other shards keep serving (with cluster-require-full-coverage no).");
        } else if (TopologyFacts.MASTER.equals(roleOf.get(failedNode)) && latest != null && m.failAgreedAt() != null) {
          why.addAll(staleReplicas(failedNode, origin));
        }
        whyNoFailover = List.copyOf(why);
      }
      lines.addAll(whyNoFailover);
    }
    return lines;
  }

  /**
   * Live replicas of {@code master} whose link to it was already down before the incident began: too
   * stale to be elected (Redis refuses a replica whose data is older than cluster-node-timeout x
   * cluster-replica-validity-factor + repl-ping-replica-period), so no failover comes.
   */
  private List<String> staleReplicas(String master, long origin) {
    List<String> lines = new ArrayList<>();
    long incidentSeconds = Math.max(0, latest.timestamp() - origin) / 1000;
    for (TopologySnapshot.NodeStatus node : latest.nodes()) {
      Long down = node.linkDownSeconds();
      if (master.equals(node.master()) && node.reachable() && down != null && down > incidentSeconds + 1) {
        lines.add("No failover has happened: replica " + node.address() + " is live, but its link to " + master
            + " was already down " + (down - incidentSeconds) + " s before the fault (master_link_down_since_seconds "
            + down + "); a replica whose data is older than cluster-node-timeout x cluster-replica-validity-factor + "
            + "repl-ping-replica-period refuses to be elected, so the slots stay uncovered until the master returns.");
      }
    }
    return lines;
  }

  /**
   * Whether the promotions' elections were each won at the first try, from their config epochs; null
   * when this incident did not see the epochs before the first promotion.
   */
  private String elections() {
    if (epochBefore == null || latest == null) {
      return null;
    }
    List<Long> epochs = new ArrayList<>();
    for (Promotion promotion : promotions) {
      latest.nodes().stream().filter(node -> node.address().equals(promotion.node())).findFirst()
          .ifPresent(node -> epochs.add(node.configEpoch()));
    }
    if (epochs.size() != promotions.size() || epochs.isEmpty()) {
      return null;
    }
    long highest = epochs.stream().mapToLong(Long::longValue).max().orElseThrow();
    long used = highest - epochBefore;
    String taken = "config epoch" + (epochs.size() > 1 ? "s " : " ") + epochs.stream().sorted().map(String::valueOf)
        .collect(java.util.stream.Collectors.joining(", ")) + " (the cluster's current epoch before: " + epochBefore
        + ")";
    if (used <= epochs.size()) {
      return "Elections: the promotions took " + taken + ", one each: no election had to be retried at a new epoch.";
    }
    return "Elections: the promotions took " + taken + ", " + (used - epochs.size()) + " more than promotions: at "
        + "least one election failed and was retried (a split vote, or votes that came too late; a replica tries "
        + "again 4 x cluster-node-timeout, at least 4 s, after a failed attempt).";
  }

  /** The node is in the latest view, reachable and not flagged failing. */
  private boolean answers(String address) {
    return latest.nodes().stream().anyMatch(node -> node.address().equals(address) && node.reachable()
        && !TopologyFacts.failing(node));
  }

  private boolean hasLiveReplica(String master) {
    for (TopologySnapshot.NodeStatus node : latest.nodes()) {
      if (master.equals(node.master()) && node.reachable() && !TopologyFacts.failing(node)) {
        return true;
      }
    }
    return false;
  }

  private static String after(long at, long origin) {
    return "+" + (at - origin) + " ms";
  }

  private long totalDelta(String name) {
    long delta = 0;
    for (Map.Entry<String, Map<String, Long>> entry : latestTotals.entrySet()) {
      long latest = entry.getValue().getOrDefault(name, 0L);
      long before = baselineTotals.getOrDefault(entry.getKey(), Map.of()).getOrDefault(name, 0L);
      // A client restarted during the incident starts its totals from 0 again.
      delta += latest >= before ? latest - before : latest;
    }
    return delta;
  }

  private static Long between(Long from, Long to) {
    return from == null || to == null ? null : to - from;
  }

  @Override
  public String toString() {
    return "Incident[" + id + ", openedBy=" + openedBy + ", failedNode=" + failedNode()
        + ", closedAt=" + Objects.toString(closedAt) + "]";
  }
}
