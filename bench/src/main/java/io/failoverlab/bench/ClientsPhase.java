package io.failoverlab.bench;

import io.failoverlab.clients.ClientHarness;
import io.failoverlab.clients.ClientRun;
import io.failoverlab.common.config.Env;
import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.contract.ServiceName;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.common.topology.SlotRange;
import io.failoverlab.measure.Await;
import io.failoverlab.measure.ClientOutcome;
import io.failoverlab.measure.ClientWatch;
import io.failoverlab.measure.ClusterHealth;
import io.failoverlab.measure.EventRecorder;
import io.failoverlab.measure.FailoverRecord;
import io.failoverlab.measure.FailoverRecord.ClientRecovery;
import io.failoverlab.measure.HealthGate;
import io.failoverlab.measure.MeasurementFailure;
import io.failoverlab.measure.Oracle;
import io.failoverlab.router.SlotHash;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabClients;
import io.failoverlab.stack.LabOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The client scorecard's failovers: one lab with every client under test running beside the writer
 * and reader, and the oracle, on one clock. N crash failovers (SIGKILL) then N hang failovers
 * (SIGSTOP for 3 x node timeout: the case a client without a socket timeout never notices), round
 * robin over the shards; then one failover that loses acknowledged writes on purpose (a stale replica
 * promoted), after which each client's own count of lost writes is checked against what the servers
 * hold, key by key, with redis-cli.
 *
 * <p>A client's unavailability on the failed shard is measured from its own records: from the fault
 * to the first operation that started after it and completed successfully, whether the time between
 * went into errors or into one blocked call. A client that has not recovered {@code deadline} after
 * the oracle is restarted (what an operator would do) and counted as needing it.
 */
final class ClientsPhase {

  /** What to run. */
  record Setup(LabOptions lab, LabClients clients, int crashes, int hangs, int hangSeconds, Duration deadline,
               boolean inducedLoss) {
  }

  record Result(Setup setup, List<FailoverRecord> failovers, Map<String, List<ClientOutcome>> byClient,
                Map<String, JsonObject> configurations, Map<String, String> failures, List<LossCheck> lossChecks,
                String error) {
  }

  private static final long SETTLE_MS = 1000;
  private static final List<String> SERVICES = ServiceName.clientLabels();

  private final BenchOptions options;
  private final Setup setup;
  private final Env env;
  private final PrintWriter out;

  ClientsPhase(BenchOptions options, Setup setup, Env env, PrintWriter out) {
    this.options = options;
    this.setup = setup;
    this.env = env;
    this.out = out;
  }

  Result run() {
    print("starting the lab with " + setup.clients().specs().size() + " clients under test: "
        + RecoveryPhase.describe(setup.lab()));
    List<FailoverRecord> failovers = new ArrayList<>();
    Map<String, List<ClientOutcome>> byClient = new LinkedHashMap<>();
    List<LossCheck> lossChecks = new ArrayList<>();
    Vertx oracleVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    LabWithClients.Ending ending;
    try {
      ending = LabWithClients.run(setup.lab(), env, setup.clients(), this::print, (lab, events) -> {
        Session session = new Session(lab, events, oracleVertx);
        session.awaitClientsStarted();
        int total = setup.crashes() + setup.hangs();
        for (int index = 1; index <= total; index++) {
          boolean hang = index > setup.crashes();
          failovers.add(session.failover(index, total, hang, byClient));
        }
        if (setup.inducedLoss()) {
          lossChecks.addAll(session.inducedLoss(total + 1));
        }
      });
    } finally {
      try {
        oracleVertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        print("the oracle's vert.x did not close cleanly: " + e);
      }
    }
    return new Result(setup, failovers, byClient, ending.configurations(), ending.failures(), lossChecks,
        ending.error());
  }

  /** The victim of one failover: a master, its replicas, its slots and the others'. */
  private record Victim(String master, List<HostAndPort> replicas, String shard, BitSet failedSlots,
                        BitSet healthySlots) {
  }

  private final class Session {
    private final Lab lab;
    private final Vertx vertx;
    private final EventRecorder events;
    private final Vertx oracleVertx;
    private final RedisSettings settings;

    Session(Lab lab, EventRecorder events, Vertx oracleVertx) {
      this.lab = lab;
      this.vertx = lab.vertx();
      this.events = events;
      this.oracleVertx = oracleVertx;
      this.settings = RedisSettings.fromEnv(env.with(Map.of("REDIS_NODES",
          String.join(",", lab.cluster().seedAddresses()))));
    }

    ClientHarness harness() {
      return lab.clients();
    }

    void awaitClientsStarted() {
      ClientsReady.awaitStarted(vertx, harness(), options.phaseTimeout(), ClientsPhase.this::print);
    }

    FailoverRecord failover(int index, int total, boolean hang, Map<String, List<ClientOutcome>> byClient) {
      String fault = hang ? "hang" : "crash";
      String step = "clients failover " + index + "/" + total + " (" + fault + ")";
      TopologySnapshot snapshot = HealthGate.await(lab, events, SERVICES, setup.lab().masters(), options.phaseTimeout(),
          step, () -> null);
      Victim victim = victim(snapshot, index);
      List<ClientRun> serving = awaitClientsServing(step);

      Oracle oracle = new Oracle(victim.replicas(), Oracle.keyIn(victim.failedSlots()), settings,
          options.oracleIntervalMs());
      String oracleId = Await.result(oracleVertx.deployVerticle(oracle), Duration.ofSeconds(10), step + ": starting the oracle");
      Await.until(vertx, step + ": the oracle connected", Duration.ofSeconds(10), Bench.POLL,
          () -> oracle.answers() > 0 ? null : "no reply from " + victim.replicas() + " yet");
      ClientWatch watch = ClientWatch.before(serving, victim.failedSlots(), victim.healthySlots());

      long signalledAt = System.currentTimeMillis();
      int port = HostAndPort.parse(victim.master()).port();
      if (hang) {
        Await.result(lab.cluster().hang(port, Duration.ofSeconds(setup.hangSeconds())), Duration.ofSeconds(30),
            step + ": hang " + victim.master());
      } else {
        Await.result(lab.cluster().crash(port), Duration.ofSeconds(30), step + ": crash " + victim.master());
      }
      // The node is gone (or frozen) once crash/hang completed: an INCR started before could still have
      // been answered, so recovery counts only operations started after this moment.
      double faultAt = System.currentTimeMillis();
      print(step + ": " + fault + " " + victim.master() + " (slots " + victim.shard() + ")");
      Await.until(vertx, step + ": the oracle writing to " + victim.shard() + " again", options.phaseTimeout(), Bench.POLL,
          () -> oracle.firstSuccessAt() != null ? null : "oracle: " + oracle.attempts() + " attempts, last "
              + oracle.lastError());
      long oracleAt = oracle.firstSuccessAt();
      long deadline = oracleAt + setup.deadline().toMillis();
      Await.until(vertx, step + ": every client writing to " + victim.shard() + " again", setup.deadline().plusSeconds(
          (oracleAt - (long) faultAt) / 1000 + 5), Bench.POLL, () -> {
            List<String> waiting = serving.stream().filter(run -> watch.recoveredAt(run, faultAt) == null)
                .map(ClientRun::label).toList();
            return waiting.isEmpty() || System.currentTimeMillis() > deadline ? null : "waiting for " + waiting;
          });
      Map<String, Boolean> restarted = restartTheUnrecovered(serving, watch, victim, faultAt, step);
      long windowEnd = System.currentTimeMillis() + SETTLE_MS;
      Await.window(vertx, SETTLE_MS);
      Await.result(oracleVertx.undeploy(oracleId), Duration.ofSeconds(10), step + ": stopping the oracle");

      FailoverRecord.Builder record = FailoverRecord.builder(index, new FailoverRecord.Fault(fault, victim.master(),
              victim.master(), null, hang ? "SIGSTOP for " + setup.hangSeconds() + " s" : "SIGKILL", signalledAt),
          victim.shard())
          .promoted(oracle.promoted() == null ? null : oracle.promoted().toString())
          .oracle(new FailoverRecord.OracleReading(oracleAt, oracle.meanPeriodMs()));
      for (String service : SERVICES) {
        record.client(service, new ClientRecovery(events.recoveredAt(service, victim.shard(), (long) faultAt),
            events.healthyShardErrors(service, victim.shard(), (long) faultAt, windowEnd)));
      }
      for (ClientRun run : serving) {
        ClientOutcome outcome = watch.outcome(run, fault, index, signalledAt, faultAt, oracleAt, windowEnd,
            restarted.getOrDefault(run.label(), false));
        byClient.computeIfAbsent(run.label(), label -> new ArrayList<>()).add(outcome);
        Double recoveredAt = outcome.unavailabilityMs() == null ? null : signalledAt + outcome.unavailabilityMs();
        record.client(run.label(), new ClientRecovery(recoveredAt == null ? null : Math.round(recoveredAt),
            outcome.healthyShardErrors()));
      }
      print(step + ": oracle up after " + (oracleAt - signalledAt) + " ms; " + summary(byClient, index));
      if (!hang) {
        Await.result(lab.cluster().restart(port), Duration.ofSeconds(60), step + ": restart " + victim.master());
      }
      Await.result(lab.cluster().awaitHealthy(options.phaseTimeout()), options.phaseTimeout().plusSeconds(5),
          step + ": cluster healthy and in sync again");
      return record.restored(null, System.currentTimeMillis()).build();
    }

    /** Round-robin over the shards in slot order. */
    private Victim victim(TopologySnapshot snapshot, int index) {
      List<NodeStatus> masters = new ArrayList<>(ClusterHealth.masters(snapshot));
      masters.sort(Comparator.comparingInt(master -> SlotRange.parseList(master.slots()).get(0).from()));
      NodeStatus master = masters.get((index - 1) % masters.size());
      List<HostAndPort> replicas = ClusterHealth.replicasOf(snapshot, master).stream()
          .map(replica -> HostAndPort.parse(replica.address())).toList();
      BitSet failed = RecoveryPhase.slots(SlotRange.parseList(master.slots()));
      BitSet healthy = (BitSet) failed.clone();
      healthy.flip(0, SlotHash.SLOTS);
      return new Victim(master.address(), replicas, master.slots(), failed, healthy);
    }

    private List<ClientRun> awaitClientsServing(String step) {
      return ClientsReady.awaitServing(lab, harness(), options.phaseTimeout(), step, ClientsPhase.this::print);
    }

    /** Restarts each client that did not recover in time; true for those (and whether that helped is in their log). */
    private Map<String, Boolean> restartTheUnrecovered(List<ClientRun> serving, ClientWatch watch, Victim victim,
                                                       double faultAt, String step) {
      Map<String, Boolean> restarted = new LinkedHashMap<>();
      for (int i = 0; i < serving.size(); i++) {
        ClientRun run = serving.get(i);
        if (watch.recoveredAt(run, faultAt) != null) {
          continue;
        }
        print(step + ": " + run.label() + " has not written to " + victim.shard() + " within "
            + setup.deadline().toSeconds() + " s of the oracle; restarting it");
        restarted.put(run.label(), true);
        ClientRun fresh = Await.result(harness().restart(run.label()), Duration.ofSeconds(60), step + ": restart "
            + run.label());
        serving.set(i, fresh);
        try {
          Await.until(vertx, step + ": " + run.label() + " writing again after its restart", setup.deadline(),
              Bench.POLL, () -> watch.recoveredAt(fresh, faultAt) != null ? null : "not yet");
        } catch (MeasurementFailure e) {
          print(step + ": " + run.label() + " did not recover even after a restart");
        }
      }
      return restarted;
    }

    private String summary(Map<String, List<ClientOutcome>> byClient, int index) {
      List<String> parts = new ArrayList<>();
      byClient.forEach((label, outcomes) -> outcomes.stream().filter(o -> o.index() == index).findFirst()
          .ifPresent(o -> parts.add(label + " " + (o.restarted() ? "restarted"
              : o.lagMs() == null ? "not recovered" : Math.round(o.lagMs()) + " ms"))));
      return "lag behind it: " + String.join(", ", parts);
    }

    /**
     * A failover that loses acknowledged writes: the victim's replica freezes (SIGSTOP, 2 s) while its
     * master keeps acknowledging, then the master dies and the stale replica is promoted. Every client
     * then stops, and its count of lost writes is compared with what the servers hold, key by key.
     */
    List<LossCheck> inducedLoss(int index) {
      String step = "clients induced loss";
      TopologySnapshot snapshot = HealthGate.await(lab, events, SERVICES, setup.lab().masters(), options.phaseTimeout(),
          step, () -> null);
      Victim victim = victim(snapshot, index);
      List<ClientRun> serving = awaitClientsServing(step);
      HostAndPort replica = victim.replicas().get(0);
      Await.result(lab.cluster().hang(replica.port(), Duration.ofSeconds(2)), Duration.ofSeconds(30),
          step + ": freeze " + replica);
      Await.window(vertx, 1000);
      int masterPort = HostAndPort.parse(victim.master()).port();
      Await.result(lab.cluster().crash(masterPort), Duration.ofSeconds(30), step + ": crash " + victim.master());
      double faultAt = System.currentTimeMillis();
      print(step + ": froze " + replica + " for 2 s, killed " + victim.master() + " 1 s later");
      ClientWatch watch = ClientWatch.before(serving, victim.failedSlots(), victim.healthySlots());
      Await.until(vertx, step + ": every client writing to " + victim.shard() + " again", options.phaseTimeout(),
          Bench.POLL, () -> serving.stream().allMatch(run -> watch.recoveredAt(run, faultAt) != null
              || run.state() != ClientRun.State.RUNNING) ? null : "not yet");
      // Every key of the shard written again after the promotion: a loss shows in the next reply.
      Await.window(vertx, 3000);
      List<LossCheck> checks = new ArrayList<>();
      for (ClientRun run : serving) {
        checks.add(check(run, replica));
      }
      return checks;
    }

    private LossCheck check(ClientRun run, HostAndPort anyNode) {
      return LossCheck.afterStopping(harness(), run, options.clients().redisCli(), anyNode.port());
    }
  }

  private void print(String line) {
    out.println("bench: " + line);
    out.flush();
  }
}
