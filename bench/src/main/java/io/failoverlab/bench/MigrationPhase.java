package io.failoverlab.bench;

import io.failoverlab.clients.ClientRun;
import io.failoverlab.common.config.Env;
import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.MigrationSummary;
import io.failoverlab.common.contract.ServiceName;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.common.topology.InfoParser;
import io.failoverlab.measure.Await;
import io.failoverlab.measure.ChaosSender;
import io.failoverlab.measure.EventRecorder;
import io.failoverlab.measure.HealthGate;
import io.failoverlab.measure.MeasurementFailure;
import io.failoverlab.router.NodeLink;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabClients;
import io.failoverlab.stack.LabOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Measurement 11: slot migrations under load. One lab with the writer, the reader and the clients
 * under test; N migrations of K slots, one at a time, through the kill endpoint's {@code migrate}
 * (IMPORTING/MIGRATING, MIGRATE in batches, SETSLOT NODE everywhere, as {@code redis-cli --cluster
 * reshard}), round robin: the i-th master by address gives K of its slots to the next. Each migration's
 * incident (kind migration) gives its milestones and, per service, the redirects that reached it by
 * type, the errors that reached the application and the p99 latency before and during.
 *
 * <p>A library follows ASK and MOVED inside itself and tells its application nothing, so the servers
 * are asked too: the MOVED, ASK and TRYAGAIN replies every node sent ({@code INFO errorstats}) over the
 * migrations, all clients together. At the end every client stops and its own count of lost writes is
 * checked against {@code redis-cli GET} of its keys; the writer's ledger likewise.
 */
final class MigrationPhase {

  /**
   * What to run: {@code migrations} of {@code slots} slots each, on a cluster first filled with
   * {@code fillKeys} keys of {@link #FILL_VALUE_BYTES} bytes over every slot.
   */
  record Setup(LabOptions lab, LabClients clients, int migrations, int slots, int fillKeys) {
  }

  record Result(Setup setup, List<MigrationSummary> migrations, Map<String, Long> serverRedirects,
                List<LossCheck> lossChecks, Map<String, JsonObject> configurations, Map<String, String> failures,
                String error) {
  }

  /** The error prefixes Redis counts per reply type in INFO errorstats (errorstat_MOVED:count=3). */
  static final List<String> REDIRECTS = List.of("MOVED", "ASK", "TRYAGAIN");
  static final int FILL_VALUE_BYTES = 100;
  private static final long INFO_TIMEOUT_MS = 2000;
  private static final List<String> SERVICES = ServiceName.clientLabels();

  private final BenchOptions options;
  private final Setup setup;
  private final Env env;
  private final PrintWriter out;

  MigrationPhase(BenchOptions options, Setup setup, Env env, PrintWriter out) {
    this.options = options;
    this.setup = setup;
    this.env = env;
    this.out = out;
  }

  Result run() {
    print("starting the lab for the migrations with " + setup.clients().specs().size() + " clients under test: "
        + RecoveryPhase.describe(setup.lab()));
    List<MigrationSummary> migrations = new ArrayList<>();
    Map<String, Long> redirects = new LinkedHashMap<>();
    List<LossCheck> checks = new ArrayList<>();
    LabWithClients.Ending ending = LabWithClients.run(setup.lab(), env, setup.clients(), this::print, (lab, events) -> {
      ChaosSender chaos = new ChaosSender(lab, options.phaseTimeout(), this::print);
      if (lab.clients() != null) {
        ClientsReady.awaitStarted(lab.vertx(), lab.clients(), options.phaseTimeout(), this::print);
      }
      HealthGate.await(lab, events, SERVICES, setup.lab().masters(), options.phaseTimeout(), "before the migrations",
          () -> null);
      if (setup.fillKeys() > 0) {
        fill(lab);
      }
      List<ClientRun> serving = lab.clients() == null ? List.of()
          : ClientsReady.awaitServing(lab, lab.clients(), options.phaseTimeout(), "migrations", this::print);
      Map<String, Long> before = serverRedirects(lab);
      for (int index = 1; index <= setup.migrations(); index++) {
        migrations.add(migrate(lab, events, chaos, index));
      }
      Map<String, Long> after = serverRedirects(lab);
      REDIRECTS.forEach(type -> redirects.put(type, after.getOrDefault(type, 0L) - before.getOrDefault(type, 0L)));
      checks.addAll(lossChecks(lab, serving));
    });
    return new Result(setup, migrations, redirects, checks, ending.configurations(), ending.failures(), ending.error());
  }

  private void fill(Lab lab) {
    long start = System.currentTimeMillis();
    try {
      ClusterFill.fill(options.clients().redisCli(), lab.monitor().latestSnapshot(), setup.fillKeys(), FILL_VALUE_BYTES);
    } catch (java.io.IOException e) {
      throw new MeasurementFailure("filling the cluster: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MeasurementFailure("filling the cluster: interrupted");
    }
    print("filled the cluster with " + setup.fillKeys() + " keys of " + FILL_VALUE_BYTES + " bytes in "
        + (System.currentTimeMillis() - start) + " ms");
  }

  /** Migration {@code index}: K slots of the index-th master (by address) to the next, its incident closed. */
  private MigrationSummary migrate(Lab lab, EventRecorder events, ChaosSender chaos, int index) {
    String step = "migration " + index + "/" + setup.migrations();
    HealthGate.await(lab, events, SERVICES, setup.lab().masters(), options.phaseTimeout(), "before " + step, () -> null);
    ChaosAction action = chaos.migrateRoundRobin(index, setup.slots(), "bench", step);
    print(step + ": slots " + action.slots() + " from " + action.node() + " to " + action.to() + " [" + action.id()
        + "]");
    IncidentReport closed = chaos.awaitIncident(events, action, step + ": the migration's incident closed",
        ChaosSender::closed);
    MigrationSummary summary = closed.migration();
    if (summary == null) {
      throw new MeasurementFailure(step + ": incident " + closed.id() + " has no migration summary (kind "
          + closed.kind() + ")");
    }
    ChaosSender.requireMigrationDone(closed, "the migration", step);
    print(step + ": " + summary.slotsDone() + " slots and " + summary.keysMoved() + " keys in "
        + since(summary, summary.slotsOwnedAt()) + " ms; errors that reached the application: "
        + summary.clients().values().stream().mapToLong(MigrationSummary.ClientEffect::applicationErrors).sum());
    return summary;
  }

  static Long since(MigrationSummary summary, Long at) {
    return at == null || summary.startedAt() == null ? null : at - summary.startedAt();
  }

  /**
   * Every node's count of MOVED, ASK and TRYAGAIN replies so far, summed. Counted by the server per
   * error prefix since it started (Redis 6.2+); nodes do not restart during the migrations.
   */
  private Map<String, Long> serverRedirects(Lab lab) {
    RedisSettings redis = RedisSettings.fromEnv(env.with(Map.of("REDIS_NODES",
        String.join(",", lab.cluster().seedAddresses()))));
    Map<String, Long> totals = new TreeMap<>();
    TopologySnapshot snapshot = lab.monitor().latestSnapshot();
    for (NodeStatus node : snapshot.nodes()) {
      NodeLink link = new NodeLink(lab.vertx(), HostAndPort.parse(node.address()), redis, false);
      try {
        var reply = Await.result(link.send(Request.cmd(Command.INFO).arg("errorstats"), INFO_TIMEOUT_MS),
            Duration.ofMillis(INFO_TIMEOUT_MS + 5000), "INFO errorstats on " + node.address());
        Map<String, String> info = InfoParser.parse(reply.toString());
        for (String type : REDIRECTS) {
          totals.merge(type, count(info.get("errorstat_" + type)), Long::sum);
        }
      } finally {
        link.close();
      }
    }
    return totals;
  }

  /** "count=12" (INFO errorstats' value) as 12; absent as 0. */
  static long count(String value) {
    if (value == null) {
      return 0;
    }
    for (String part : value.split(",")) {
      if (part.startsWith("count=")) {
        return Long.parseLong(part.substring("count=".length()));
      }
    }
    return 0;
  }

  /** The writer's ledger and every client's, against what the servers hold now. */
  private List<LossCheck> lossChecks(Lab lab, List<ClientRun> serving) {
    List<LossCheck> checks = new ArrayList<>();
    int port = HostAndPort.parse(lab.cluster().seedAddresses().get(0)).port();
    String redisCli = options.clients().redisCli();
    Await.result(lab.undeploy(lab.writer()), Duration.ofSeconds(30), "stopping the writer");
    checks.add(LossCheck.of(ServiceName.WRITER.label(), lab.writer().ledgerSnapshot(), redisCli, port));
    for (ClientRun run : serving) {
      checks.add(LossCheck.afterStopping(lab.clients(), run, redisCli, port));
    }
    return checks;
  }

  private void print(String line) {
    out.println("bench: " + line);
    out.flush();
  }
}
