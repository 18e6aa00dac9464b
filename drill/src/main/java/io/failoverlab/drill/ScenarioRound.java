package io.failoverlab.drill;

import io.failoverlab.common.async.Waits;
import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.measure.Await;
import io.failoverlab.measure.ChaosSender;
import io.failoverlab.measure.ClusterHealth;
import io.failoverlab.measure.EventRecorder;
import io.failoverlab.measure.MeasurementFailure;
import io.failoverlab.router.NodeLink;
import io.failoverlab.stack.Lab;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One round of a {@link Scenario}: prepares the target master's shard through the kill endpoint,
 * crashes the master, waits for what the cluster makes of it (two promotions; or none, and the
 * incident saying why), brings the master back where no replica took over, and hands the drill the
 * round's closed incident. Blocks the drill's thread; every wait is on the lab's timers.
 */
final class ScenarioRound {

  /** Two of five masters crashed leave three, a majority; two of three or four would not. */
  static final int TWO_MASTERS_MIN_MASTERS = 5;
  /**
   * Seconds past Redis's staleness limit before the master is crashed: the monitor reads the link's
   * down time in whole seconds (INFO master_link_down_since_seconds), Redis checks it in ms.
   */
  static final int STALE_MARGIN_S = 2;
  /** The kill endpoint's longest isolation. */
  static final int MAX_ISOLATE_S = 300;
  private static final long CONFIG_TIMEOUT_MS = 2000;
  private static final String NO_FAILOVER_POSSIBLE = "No failover is possible";
  private static final String NO_FAILOVER_HAPPENED = "No failover has happened";

  /**
   * What the drill records of the round.
   *
   * @param fault      the round's fault: the crash of the target master (with the other master, for two-masters)
   * @param incident   its incident, closed
   * @param restoredAt when the round restarted the failed master itself (no replica took over), else null
   * @param toRestart  crashed nodes the drill still restarts, the failed masters first
   */
  record Outcome(ChaosAction fault, IncidentReport incident, Long restoredAt, List<String> toRestart) {
  }

  /** What makes a replica too stale to be elected, as the replica itself is configured. */
  record Staleness(long nodeTimeoutMs, long validityFactor, long pingPeriodS) {

    /**
     * The longest its link to the master may have been down for it to be elected: Redis takes the
     * down time, less one node timeout, and refuses above repl-ping-replica-period + node timeout x
     * cluster-replica-validity-factor.
     */
    long limitMs() {
      return pingPeriodS * 1000 + nodeTimeoutMs * (validityFactor + 1);
    }

    int limitSeconds() {
      return (int) Math.ceil(limitMs() / 1000.0);
    }

    @Override
    public String toString() {
      return "cluster-node-timeout " + nodeTimeoutMs + ", cluster-replica-validity-factor " + validityFactor
          + ", repl-ping-replica-period " + pingPeriodS;
    }
  }

  private final Lab lab;
  private final Duration phaseTimeout;
  private final ChaosSender chaos;
  private final EventRecorder recorder;
  private final RedisSettings redis;
  private final Consumer<String> print;

  ScenarioRound(Lab lab, Duration phaseTimeout, ChaosSender chaos, EventRecorder recorder, RedisSettings redis,
                Consumer<String> print) {
    this.lab = lab;
    this.phaseTimeout = phaseTimeout;
    this.chaos = chaos;
    this.recorder = recorder;
    this.redis = redis;
    this.print = print;
  }

  Outcome run(Scenario scenario, ShardTargets.Choice target, List<String> shards, String step) {
    return switch (scenario) {
      case TWO_MASTERS -> twoMasters(target, shards, step);
      case NO_REPLICA -> noReplica(target, step);
      case STALE_REPLICA -> staleReplica(target, step);
      case MIGRATE -> throw new IllegalArgumentException("a migration takes its slot count: migrate(...)");
      case ADD_SHARD -> shardChange(new ChaosRequest(ChaosRequest.Action.ADD_SHARD, null, null, "drill"), step);
      case REMOVE_SHARD -> {
        List<NodeStatus> masters = ClusterHealth.masters(lab.monitor().latestSnapshot()).stream()
            .sorted(java.util.Comparator.comparing(NodeStatus::address)).toList();
        String last = masters.get(masters.size() - 1).address();
        yield shardChange(new ChaosRequest(ChaosRequest.Action.REMOVE_SHARD, last, null, "drill"), step);
      }
    };
  }

  /** A shard added or removed through the kill endpoint; its incident of kind migration, closed. */
  private Outcome shardChange(ChaosRequest request, String step) {
    ChaosAction fault = chaos.send(request, step);
    print.accept(step + ": " + request.action().label() + (request.node() == null ? "" : " " + request.node()) + " ["
        + fault.id() + ", " + fault.method() + "]");
    IncidentReport closed = awaitIncident(fault, step + ": the " + request.action().label() + " incident closed",
        ChaosSender::closed);
    explain(step, closed);
    ChaosSender.requireMigrationDone(closed, request.action().label(), step);
    return new Outcome(fault, closed, null, List.of());
  }

  /**
   * Round {@code index}'s migration: {@code slots} slots of the {@code index}-th master (by address, as
   * the cluster is now) to the next one, while the clients run; the incident of kind migration, closed.
   */
  Outcome migrate(int index, int slots, String step) {
    ChaosAction fault = chaos.migrateRoundRobin(index, slots, "drill", step);
    print.accept(step + ": migrating slots " + fault.slots() + " from " + fault.node() + " to " + fault.to() + " ["
        + fault.id() + "]");
    IncidentReport closed = awaitIncident(fault, step + ": the migration's incident closed", ChaosSender::closed);
    explain(step, closed);
    ChaosSender.requireMigrationDone(closed, "the migration", step);
    return new Outcome(fault, closed, null, List.of());
  }

  // ---- the three scenarios

  private Outcome twoMasters(ShardTargets.Choice target, List<String> shards, String step) {
    TopologySnapshot snapshot = lab.monitor().latestSnapshot();
    int masters = ClusterHealth.masters(snapshot).size();
    if (masters < TWO_MASTERS_MIN_MASTERS) {
      throw new MeasurementFailure(step + ": two-masters needs " + TWO_MASTERS_MIN_MASTERS + " or more masters (two "
          + "of them crashed must leave a majority); the cluster has " + masters);
    }
    String next = shards.get((shards.indexOf(target.shard()) + 1) % shards.size());
    String other = ShardTargets.current(snapshot, next).master();
    ChaosAction fault = chaos.send(ChaosRequest.crash(List.of(target.master(), other), "drill"), step);
    print.accept(step + ": crashed " + target.master() + " (slots " + target.shard() + ") and " + other + " (slots "
        + next + ") at the same moment [" + fault.id() + ", " + fault.method() + "]");
    IncidentReport closed = awaitIncident(fault, step + ": the incident of both crashes closed", ChaosSender::closed);
    explain(step, closed);
    return new Outcome(fault, closed, null, List.of(target.master(), other));
  }

  private Outcome noReplica(ShardTargets.Choice target, String step) {
    List<String> replicas = liveReplicas(target.master(), step);
    for (String replica : replicas) {
      ChaosAction crashed = chaos.send(new ChaosRequest(ChaosRequest.Action.CRASH, replica, null, "drill"),
          step + ": crash its replica first");
      print.accept(step + ": crashed replica " + replica + " of " + target.master() + " first [" + crashed.id() + "]");
    }
    Await.until(lab.vertx(), step + ": the monitor sees " + replicas + " down", phaseTimeout, () -> {
      List<String> up = replicas.stream().filter(this::reachable).toList();
      return up.isEmpty() ? Waits.Probe.ready(true) : Waits.Probe.notYet(up + " still answer the monitor");
    });
    ChaosAction fault = crashMaster(target, step);
    IncidentReport verdict = awaitIncident(fault, step + ": the incident saying no failover is possible",
        report -> verdict(report, NO_FAILOVER_POSSIBLE));
    explain(step, verdict);
    Long restoredAt = chaos.restart(target.master(), step);
    IncidentReport closed = awaitIncident(fault, step + ": the incident closed once " + target.master() + " is back",
        ChaosSender::closed);
    return new Outcome(fault, closed, restoredAt, replicas);
  }

  private Outcome staleReplica(ShardTargets.Choice target, String step) {
    List<String> replicas = liveReplicas(target.master(), step);
    Staleness staleness = staleness(replicas.get(0), step);
    if (staleness.validityFactor() == 0) {
      throw new MeasurementFailure(step + ": " + replicas.get(0) + " has cluster-replica-validity-factor 0: a replica "
          + "is elected however stale its data, so none can be too stale");
    }
    int staleAfterS = staleness.limitSeconds() + STALE_MARGIN_S;
    // Cut off past the crash, its detection and the elections the replica would have won.
    int isolateS = staleAfterS + (int) Math.ceil(4.0 * staleness.nodeTimeoutMs() / 1000) + 5;
    if (isolateS > MAX_ISOLATE_S) {
      throw new MeasurementFailure(step + ": its replicas would have to be cut off for " + isolateS + " s (at most "
          + MAX_ISOLATE_S + ") to become too stale with " + staleness + "; lower them");
    }
    for (String replica : replicas) {
      ChaosAction isolated = chaos.send(new ChaosRequest(ChaosRequest.Action.ISOLATE, replica, isolateS, "drill"),
          step + ": cut its replica off");
      print.accept(step + ": cut replica " + replica + " off from " + target.master() + " for " + isolateS + " s ["
          + isolated.id() + "]; its data is too stale to be elected after " + staleness.limitMs() + " ms ("
          + staleness + ")");
    }
    Await.until(lab.vertx(), step + ": " + replicas + " cut off for " + staleAfterS + " s",
        phaseTimeout.plusSeconds(staleAfterS), () -> {
          List<String> fresh = replicas.stream().filter(replica -> linkDownSeconds(replica) < staleAfterS).toList();
          return fresh.isEmpty() ? Waits.Probe.ready(true) : Waits.Probe.notYet(fresh + " not yet cut off that long");
        });
    ChaosAction fault = crashMaster(target, step);
    IncidentReport verdict = awaitIncident(fault, step + ": the incident saying no failover has happened",
        report -> verdict(report, NO_FAILOVER_HAPPENED));
    if (verdict.promotedNode() == null) {
      // The replica would start its election within a second of the FAIL; an election lasts up to two node
      // timeouts. Watched that long before the refusal is reported as what happened.
      long until = verdict.milestones().failAgreedAt() + 2 * staleness.nodeTimeoutMs() + 1000;
      Await.window(lab.vertx(), until - System.currentTimeMillis());
      verdict = recorder.incidentOf(fault, ChaosSender.INCIDENT_MATCH_SLACK_MS);
    }
    explain(step, verdict);
    Long restoredAt = verdict.promotedNode() == null ? chaos.restart(target.master(), step) : null;
    IncidentReport closed = awaitIncident(fault, step + ": the incident closed", ChaosSender::closed);
    return new Outcome(fault, closed, restoredAt, restoredAt == null ? List.of(target.master()) : List.of());
  }

  // ---- steps

  private ChaosAction crashMaster(ShardTargets.Choice target, String step) {
    ChaosAction fault = chaos.send(new ChaosRequest(ChaosRequest.Action.CRASH, target.master(), null, "drill"), step);
    print.accept(step + ": crashed " + target.master() + " (slots " + target.shard() + ") [" + fault.id() + ", "
        + fault.method() + "]");
    return fault;
  }

  private IncidentReport awaitIncident(ChaosAction fault, String what, Function<IncidentReport, String> problem) {
    return chaos.awaitIncident(recorder, fault, what, problem);
  }

  /** The masters agreed on the FAIL, and then either a replica took over or the incident says why none did. */
  private static String verdict(IncidentReport report, String why) {
    if (report.promotedNode() != null) {
      return null;
    }
    if (report.milestones().failAgreedAt() == null) {
      return "no FAIL agreed yet";
    }
    boolean explained = report.explanation().stream().anyMatch(line -> line.startsWith(why));
    return explained ? null : "no promotion, and no line starting '" + why + "' yet: " + report.explanation();
  }

  private void explain(String step, IncidentReport report) {
    for (String line : report.explanation()) {
      print.accept(step + ":   " + line);
    }
  }

  private List<String> liveReplicas(String master, String step) {
    TopologySnapshot snapshot = lab.monitor().latestSnapshot();
    NodeStatus node = snapshot.nodes().stream().filter(n -> n.address().equals(master)).findFirst()
        .orElseThrow(() -> new MeasurementFailure(step + ": " + master + " is not in the monitor's view"));
    List<String> replicas = ClusterHealth.replicasOf(snapshot, node).stream().filter(NodeStatus::reachable)
        .map(NodeStatus::address).toList();
    if (replicas.isEmpty()) {
      throw new MeasurementFailure(step + ": " + master + " has no live replica to prepare");
    }
    return replicas;
  }

  private boolean reachable(String address) {
    return node(address).map(NodeStatus::reachable).orElse(false);
  }

  private long linkDownSeconds(String address) {
    return node(address).map(NodeStatus::linkDownSeconds).orElse(0L);
  }

  private java.util.Optional<NodeStatus> node(String address) {
    TopologySnapshot snapshot = lab.monitor().latestSnapshot();
    return snapshot == null ? java.util.Optional.empty()
        : snapshot.nodes().stream().filter(n -> n.address().equals(address)).findFirst();
  }

  /**
   * What server the cluster runs, as {@code INFO server} of {@code node} says: "redis 7.0.15", or
   * "valkey 8.1.0" (Valkey also reports a redis_version, for compatibility); null if it does not answer.
   * Elections differ between them (Valkey 8.1 changed how replicas are ranked), so a report names it.
   */
  static String serverOf(io.vertx.core.Vertx vertx, String node, RedisSettings redis) {
    NodeLink link = new NodeLink(vertx, HostAndPort.parse(node), redis, false);
    try {
      var reply = link.send(Request.cmd(Command.INFO).arg("server"), CONFIG_TIMEOUT_MS)
          .await(CONFIG_TIMEOUT_MS + 5000, java.util.concurrent.TimeUnit.MILLISECONDS);
      java.util.Map<String, String> info = io.failoverlab.common.topology.InfoParser.parse(reply.toString());
      String name = info.getOrDefault("server_name", "redis");
      String version = info.get(name + "_version");
      return name + " " + (version != null ? version : info.getOrDefault("redis_version", "?"));
    } catch (Exception e) {
      return null;
    } finally {
      link.close();
    }
  }

  /** The replica's own settings (CONFIG GET): what the staleness limit is made of. */
  private Staleness staleness(String replica, String step) {
    NodeLink link = new NodeLink(lab.vertx(), HostAndPort.parse(replica), redis, false);
    try {
      return new Staleness(config(link, "cluster-node-timeout", step), config(link, "cluster-replica-validity-factor",
          step), config(link, "repl-ping-replica-period", step));
    } finally {
      link.close();
    }
  }

  private static long config(NodeLink link, String name, String step) {
    // RESP2 (NodeLink's protocol): [name, value].
    var reply = Await.result(link.send(Request.cmd(Command.CONFIG).arg("GET").arg(name), CONFIG_TIMEOUT_MS),
        Duration.ofMillis(CONFIG_TIMEOUT_MS + 5000), step + ": CONFIG GET " + name + " on " + link.address());
    try {
      return Long.parseLong(reply.get(1).toString());
    } catch (RuntimeException e) {
      throw new MeasurementFailure(step + ": CONFIG GET " + name + " on " + link.address() + " answered " + reply);
    }
  }
}
