package io.failoverlab.drill;

import io.failoverlab.clients.ClientRun;
import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.common.topology.SlotRange;
import io.failoverlab.localcluster.LocalNode;
import io.failoverlab.localcluster.NodeState;
import io.failoverlab.measure.Await;
import io.failoverlab.measure.ClientOutcome;
import io.failoverlab.measure.ClientWatch;
import io.failoverlab.measure.ClusterHealth;
import io.failoverlab.measure.FailoverRecord;
import io.failoverlab.measure.MeasurementFailure;
import io.failoverlab.measure.Oracle;
import io.failoverlab.router.SlotHash;
import io.failoverlab.stack.Lab;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The clients under test through one failover of a drill ({@code --clients}): the oracle writes to the
 * victim's replicas from before the fault, so each client is timed against the moment the cluster
 * could take the shard's writes again; once the incident has closed, each client gets up to the
 * deadline after the oracle to write to the failed shard again, and its {@link ClientOutcome} is
 * recorded. Unlike the bench, the drill restarts no client: one that does not recover is reported so.
 */
final class ClientsDuringFailover {

  private static final Duration POLL = Duration.ofMillis(20);
  private static final long SETTLE_MS = 1000;
  /** How long the clients under test may take to start (connect, read the topology) before the first failover. */
  private static final Duration CLIENTS_START = Duration.ofSeconds(120);

  private final Lab lab;
  private final Vertx oracleVertx;
  private final Oracle oracle;
  private final String oracleId;
  private final List<ClientRun> clients;
  private final ClientWatch watch;
  private final String master;
  private long signalledAt;
  private double effectiveAt;

  private ClientsDuringFailover(Lab lab, Vertx oracleVertx, Oracle oracle, String oracleId, List<ClientRun> clients,
                                ClientWatch watch, String master) {
    this.lab = lab;
    this.oracleVertx = oracleVertx;
    this.oracle = oracle;
    this.oracleId = oracleId;
    this.clients = clients;
    this.watch = watch;
    this.master = master;
  }

  /** Starts the oracle on {@code master}'s replicas and takes the clients' totals, before the fault. */
  static ClientsDuringFailover before(Lab lab, Vertx oracleVertx, RedisSettings settings, TopologySnapshot snapshot,
                                      String master, String step) {
    NodeStatus victim = snapshot.nodes().stream().filter(node -> node.address().equals(master)).findFirst()
        .orElseThrow(() -> new MeasurementFailure(step + ": " + master + " is not in the monitor's view"));
    List<HostAndPort> replicas = ClusterHealth.replicasOf(snapshot, victim).stream()
        .map(replica -> HostAndPort.parse(replica.address())).toList();
    BitSet failed = new BitSet(SlotHash.SLOTS);
    SlotRange.parseList(victim.slots()).forEach(range -> failed.set(range.from(), range.to() + 1));
    BitSet healthy = (BitSet) failed.clone();
    healthy.flip(0, SlotHash.SLOTS);
    Oracle oracle = new Oracle(replicas, Oracle.keyIn(failed), settings, 2);
    String id = Await.result(oracleVertx.deployVerticle(oracle), Duration.ofSeconds(10), step + ": starting the oracle");
    Await.until(lab.vertx(), step + ": the oracle connected", Duration.ofSeconds(10), POLL,
        () -> oracle.answers() > 0 ? null : "no reply from " + replicas + " yet");
    // A client still starting (Lettuce connects for seconds on a busy machine) would be left out of this
    // failover: every client is in it, running, or reported failed (its failure is in the report).
    Await.until(lab.vertx(), step + ": every client under test started or reported failed", CLIENTS_START, POLL,
        () -> {
          List<String> starting = lab.clients().runs().stream().filter(run -> run.state() == ClientRun.State.STARTING)
              .map(ClientRun::label).toList();
          return starting.isEmpty() ? null : "still starting: " + starting;
        });
    List<ClientRun> running = lab.clients().runs().stream().filter(run -> run.state() == ClientRun.State.RUNNING)
        .toList();
    return new ClientsDuringFailover(lab, oracleVertx, oracle, id, running,
        ClientWatch.before(running, failed, healthy), master);
  }

  /**
   * The fault was asked for at {@code at}; waits until it has taken effect (in the lab: the process is
   * gone or frozen; against an existing cluster there is no telling, so from the moment it was asked).
   */
  void faultSent(long at, ChaosRequest.Action action, String step) {
    signalledAt = at;
    effectiveAt = at;
    if (lab.cluster() == null || action == ChaosRequest.Action.FAILOVER) {
      return;
    }
    NodeState expected = action == ChaosRequest.Action.HANG ? NodeState.HUNG : NodeState.CRASHED;
    int port = HostAndPort.parse(master).port();
    Await.until(lab.vertx(), step + ": " + master + " " + expected.name().toLowerCase(java.util.Locale.ROOT),
        Duration.ofSeconds(30), POLL, () -> lab.cluster().nodes().stream()
            .filter(node -> node.port() == port).map(LocalNode::state).anyMatch(expected::equals) ? null : "not yet");
    effectiveAt = System.currentTimeMillis();
  }

  /** Waits for the oracle and for each client (up to {@code deadline} after the oracle), then records them. */
  Map<String, ClientOutcome> finish(int index, String fault, Duration deadline, Duration timeout,
                                    FailoverRecord.Builder record, String step) {
    try {
      Await.until(lab.vertx(), step + ": the oracle writing to the failed shard", timeout, POLL,
          () -> oracle.firstSuccessAt() != null ? null : "oracle: " + oracle.attempts() + " attempts, last "
              + oracle.lastError());
      long oracleAt = oracle.firstSuccessAt();
      long until = oracleAt + deadline.toMillis();
      Await.until(lab.vertx(), step + ": every client writing to the failed shard", deadline.plus(timeout), POLL,
          () -> System.currentTimeMillis() > until || clients.stream().allMatch(run -> watch.recoveredAt(run,
              effectiveAt) != null) ? null : "not every client yet");
      Await.window(lab.vertx(), SETTLE_MS);
      long windowEnd = System.currentTimeMillis();
      record.oracle(new FailoverRecord.OracleReading(oracleAt, oracle.meanPeriodMs()));
      Map<String, ClientOutcome> outcomes = new LinkedHashMap<>();
      for (ClientRun run : clients) {
        ClientOutcome outcome = watch.outcome(run, fault, index, signalledAt, effectiveAt, oracleAt, windowEnd, false);
        outcomes.put(run.label(), outcome);
        record.client(run.label(), new FailoverRecord.ClientRecovery(outcome.unavailabilityMs() == null ? null
            : Math.round(signalledAt + outcome.unavailabilityMs()), outcome.healthyShardErrors()));
      }
      return outcomes;
    } finally {
      oracleVertx.undeploy(oracleId);
    }
  }
}
