package io.failoverlab.drill;

import io.failoverlab.common.config.ConfigException;
import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabOptions;
import io.failoverlab.stack.cli.ClientDeadlineOption;
import io.failoverlab.stack.cli.ClientOptions;
import io.failoverlab.stack.cli.ExitCode;
import io.failoverlab.stack.cli.LocalClusterOptions;
import io.failoverlab.stack.cli.PhaseTimeoutOption;
import io.failoverlab.stack.cli.ServicePortOptions;
import io.failoverlab.stack.cli.Usage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar failover-lab.jar drill}: N failovers against the lab's own cluster or an existing
 * one (REDIS_NODES), a table on stdout, report.json and report.html, and an exit code a pipeline can
 * gate on: 0 every threshold met, 1 a threshold missed or the drill failed, 2 bad usage.
 */
@Command(name = "drill", mixinStandardHelpOptions = true,
    description = {
        "Runs failovers one after another against the lab's own local cluster, or against an existing cluster "
            + "(--redis-nodes / REDIS_NODES), and reports how long writes were down, what was lost, and what the "
            + "healthy shards suffered.",
        "Between failovers it waits until the cluster is healthy and every replica is in sync.",
        "Exit codes: 0 all thresholds met, 1 a threshold missed or the drill failed, 2 bad usage."})
public final class DrillCommand implements Callable<Integer> {

  /** A sixteenth of the slots: with the writer's 48 keys, a few keys move too. */
  static final int DEFAULT_MIGRATE_SLOTS = 1024;

  @Spec
  CommandSpec spec;

  @Option(names = "--failovers", defaultValue = "3", paramLabel = "N",
      description = "How many failovers (1-1000). Default: ${DEFAULT-VALUE}")
  int failovers;

  @Option(names = "--action", defaultValue = "crash",
      paramLabel = "crash|hang|failover|mixed|two-masters|no-replica|stale-replica|migrate|add-shard|remove-shard",
      description = "crash: the master's process dies; hang: it stops answering for --hang-seconds; "
          + "failover: graceful CLUSTER FAILOVER on its replica; mixed: crash, hang, failover in turn. "
          + "Failures without one clean promotion: two-masters: the master and the next shard's crashed at once "
          + "(needs --masters 5 or more); no-replica: its replicas crashed first, so no failover is possible until "
          + "it is restarted; stale-replica: its replicas cut off from it until too stale to be elected, then it "
          + "crashes. migrate: --slots of one master moved to the next with their keys, under load (round robin "
          + "over the masters). add-shard: a new shard joins and takes an even share of the slots; remove-shard: the "
          + "last master's shard gives its slots to the others and leaves (both local cluster only). "
          + "Default: ${DEFAULT-VALUE}")
  String action;

  @Option(names = "--slots", paramLabel = "N",
      description = "Slots each migration moves (--action migrate only, 1-16384). Default: 1024")
  Integer slots;

  @Option(names = "--failover-mode", defaultValue = "default", paramLabel = "default|force|takeover",
      description = "How --action failover (and mixed's failovers) promote the replica: default waits for it to "
          + "catch up and loses nothing; force skips the master's agreement (it may be down); takeover skips the "
          + "election too (when most masters are unreachable). Default: ${DEFAULT-VALUE}")
  String failoverMode;

  @Option(names = "--hang-seconds", paramLabel = "S",
      description = "How long a hung master stays silent (hang only). Default with the local cluster: 3 x "
          + "--node-timeout-ms; required against an existing cluster.")
  Integer hangSeconds;

  @Option(names = "--target", defaultValue = DrillTarget.ROUND_ROBIN, paramLabel = "round-robin|HOST:PORT",
      description = "round-robin: each failover hits the next shard's current master; HOST:PORT: every failover "
          + "hits the current master of that node's shard. Default: ${DEFAULT-VALUE}")
  String target;

  @Option(names = "--max-unavailability-ms", paramLabel = "MS",
      description = "Fail (exit 1) when any failover's write unavailability exceeds MS (a failover the writer "
          + "did not notice counts 0). Unset: not checked.")
  Long maxUnavailabilityMs;

  @Option(names = "--max-lost-writes", paramLabel = "N",
      description = "Fail when more than N acknowledged writes are lost over the whole drill. Unset: not checked.")
  Long maxLostWrites;

  @Option(names = "--max-healthy-shard-errors", paramLabel = "N",
      description = "Fail when shards whose master did not fail see more than N errors over the whole drill. "
          + "Unset: not checked.")
  Long maxHealthyShardErrors;

  @Option(names = "--out", defaultValue = ".", paramLabel = "DIR",
      description = "Where report.json and report.html are written (created if missing). Default: current directory")
  Path out;

  @Mixin
  PhaseTimeoutOption phaseTimeout;

  @Mixin
  ClientOptions clients;

  @Mixin
  ClientDeadlineOption clientDeadline;

  @Option(names = "--redis-nodes", defaultValue = "${env:REDIS_NODES}", paramLabel = "HOST:PORT,...",
      description = "Drill an existing cluster through these seed nodes instead of a local one (faults through "
          + "Redis commands; a crashed node is not restarted). Default: REDIS_NODES; empty: the local cluster.")
  String redisNodes;

  @Mixin
  LocalClusterOptions cluster;

  @Mixin
  ServicePortOptions ports = new ServicePortOptions(0, 0, 0);

  private final Env env;
  private final Consumer<Lab> onLabStarted;

  public DrillCommand() {
    this(Env.system(), lab -> { });
  }

  /** Tests: a chosen environment, and a look at the lab once it is up. */
  DrillCommand(Env env, Consumer<Lab> onLabStarted) {
    this.env = env;
    this.onLabStarted = onLabStarted;
  }

  /** The options, validated; a bad value is a {@link ParameterException} naming the option (exit 2). */
  DrillOptions options() {
    Usage.requireRange(spec, "--failovers", failovers, 1, 1000);
    phaseTimeout.validate(spec);
    boolean mixed = action.equalsIgnoreCase("mixed");
    Scenario scenario = Scenario.fromLabel(action);
    ChaosRequest.Action chosen = mixed ? null : scenario != null ? ChaosRequest.Action.CRASH
        : ChaosRequest.Action.fromLabel(action.toLowerCase(Locale.ROOT));
    if (!mixed && (chosen == null || chosen == ChaosRequest.Action.RESTART || chosen == ChaosRequest.Action.ISOLATE)) {
      throw Usage.error(spec, "Invalid value for option '--action': expected crash, hang, failover, mixed, two-masters, "
          + "no-replica, stale-replica, migrate, add-shard or remove-shard, got '" + action + "'");
    }
    List<ChaosRequest.Action> actions = mixed ? DrillOptions.MIXED : List.of(chosen);
    DrillTarget drillTarget;
    try {
      drillTarget = DrillTarget.parse(target);
    } catch (IllegalArgumentException e) {
      throw Usage.error(spec, "Invalid value for option '--target': " + e.getMessage());
    }
    Usage.requireNotNegative(spec, "--max-unavailability-ms", maxUnavailabilityMs);
    Usage.requireNotNegative(spec, "--max-lost-writes", maxLostWrites);
    Usage.requireNotNegative(spec, "--max-healthy-shard-errors", maxHealthyShardErrors);
    String nodes = redisNodes == null || redisNodes.isBlank() ? null : redisNodes.strip();
    boolean external = nodes != null;
    if (external) {
      for (String part : nodes.split(",")) {
        try {
          HostAndPort.parse(part);
        } catch (IllegalArgumentException e) {
          throw Usage.error(spec, "Invalid value for option '--redis-nodes' (or REDIS_NODES): " + e.getMessage());
        }
      }
      for (String localOnly : LocalClusterOptions.NAMES) {
        if (spec.commandLine().getParseResult().hasMatchedOption(localOnly)) {
          throw Usage.error(spec, "Option '" + localOnly + "' applies to the local cluster only, but --redis-nodes (or REDIS_NODES) "
              + "names an existing cluster (" + nodes + "); drop one of them (--redis-nodes= forces the local cluster)");
        }
      }
    } else {
      cluster.validate(spec);
    }
    ports.validate(spec);
    Integer seconds = null;
    if (actions.contains(ChaosRequest.Action.HANG)) {
      if (hangSeconds != null) {
        Usage.requireRange(spec, "--hang-seconds", hangSeconds, 1, 300);
        seconds = hangSeconds;
      } else if (external) {
        throw Usage.error(spec, "Missing option '--hang-seconds': required with --action " + action.toLowerCase(Locale.ROOT)
            + " against an existing cluster "
            + "(make it a few times its cluster-node-timeout)");
      } else {
        seconds = DrillOptions.defaultHangSeconds(cluster.nodeTimeoutMs());
      }
    } else if (hangSeconds != null) {
      throw Usage.error(spec, "Option '--hang-seconds' applies to --action hang or mixed only, not " + action.strip().toLowerCase(Locale.ROOT));
    }
    ChaosRequest.FailoverMode mode = ChaosRequest.FailoverMode.fromLabel(failoverMode.strip().toLowerCase(Locale.ROOT));
    if (mode == null) {
      throw Usage.error(spec, "Invalid value for option '--failover-mode': '" + failoverMode
          + "' (expected default, force or takeover)");
    }
    if (mode != ChaosRequest.FailoverMode.DEFAULT && !actions.contains(ChaosRequest.Action.FAILOVER)) {
      throw Usage.error(spec, "Option '--failover-mode' applies to --action failover or mixed only, not "
          + action.strip().toLowerCase(Locale.ROOT));
    }
    LabOptions lab = LabOptions.of(cluster, ports);
    if (drillTarget.node() != null && !external) {
      int port = drillTarget.node().port();
      int first = lab.portBase();
      int last = first + lab.clusterConfig().nodeCount() - 1;
      if (port < first || port > last || !isLoopback(drillTarget.node().host())) {
        throw Usage.error(spec, "Invalid value for option '--target': " + drillTarget.node() + " is not a node of the local cluster "
            + "(127.0.0.1:" + first + "-" + last + ")");
      }
    }
    Duration clientsDeadline = clientDeadline.validated(spec);
    DrillOptions.Clients clientsAsked = new DrillOptions.Clients(clients.resolve(spec, DrillCommand.class),
        clientsDeadline);
    if (!external && lab.clusterConfig().replicasPerMaster() == 0) {
      throw Usage.error(spec, "Option '--replicas' 0 leaves no replica to fail over to: a drill needs 1 or more");
    }
    if (scenario != null) {
      requireScenarioFits(scenario, clientsAsked, external ? null : lab.clusterConfig().masters());
    }
    if (slots != null && scenario != Scenario.MIGRATE) {
      throw Usage.error(spec, "Option '--slots' applies to --action migrate only, not " + action.strip().toLowerCase(Locale.ROOT));
    }
    Integer migrateSlots = null;
    if (scenario == Scenario.MIGRATE) {
      migrateSlots = slots == null ? DEFAULT_MIGRATE_SLOTS : slots;
      Usage.requireRange(spec, "--slots", migrateSlots, 1, 16384);
    }
    DrillOptions options = new DrillOptions(failovers, actions, seconds, drillTarget, maxUnavailabilityMs, maxLostWrites,
        maxHealthyShardErrors, out, lab, nodes, phaseTimeout.duration(), clientsAsked, mode);
    return scenario == null ? options : options.withScenario(scenario, migrateSlots);
  }

  /** {@code masters}: of the local cluster, or null for an existing one (checked when the drill sees it). */
  private void requireScenarioFits(Scenario scenario, DrillOptions.Clients clientsAsked, Integer masters) {
    if (scenario.labOnly() && masters == null) {
      throw Usage.error(spec, "--action " + scenario.label() + " needs the local cluster (the drill starts and stops "
          + "its nodes), not --redis-nodes");
    }
    if (scenario == Scenario.REMOVE_SHARD && masters != null && masters - failovers < 3) {
      throw Usage.error(spec, "--action remove-shard x " + failovers + " needs --masters " + (3 + failovers)
          + " or more: a cluster keeps at least 3 masters");
    }
    if (clientsAsked.any() && scenario != Scenario.MIGRATE && !scenario.labOnly()) {
      // The scorecard times each client's recovery after one promotion; these failures have none, or two.
      throw Usage.error(spec, "Option '--clients' goes with crash, hang, failover or mixed, not --action "
          + scenario.label());
    }
    if (scenario == Scenario.TWO_MASTERS && masters != null && masters < ScenarioRound.TWO_MASTERS_MIN_MASTERS) {
      throw Usage.error(spec, "--action two-masters needs --masters " + ScenarioRound.TWO_MASTERS_MIN_MASTERS
          + " or more: with " + masters + ", two crashed masters leave no majority to agree they failed");
    }
  }

  private static boolean isLoopback(String host) {
    return host.equals("127.0.0.1");
  }

  @Override
  public Integer call() {
    DrillOptions options = options();
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    try {
      Files.createDirectories(options.outDir());
      if (!Files.isWritable(options.outDir())) {
        throw new IOException("not writable");
      }
    } catch (IOException e) {
      throw Usage.error(spec, "Invalid value for option '--out': cannot write to " + options.outDir() + ": " + e.getMessage());
    }
    DrillReport report;
    try {
      report = new Drill(options, env, stdout, onLabStarted).run();
    } catch (ConfigException e) {
      stderr.println("failover-lab drill: invalid configuration: " + e.getMessage());
      return ExitCode.USAGE;
    } catch (Drill.StartFailure e) {
      stderr.println("failover-lab drill: " + e.getMessage());
      return ExitCode.FAILED;
    }
    stdout.println();
    stdout.print(DrillTable.render(report));
    if (report.clients().any()) {
      stdout.println();
      stdout.print(report.clientTable().render());
    }
    try {
      Path json = write(options.outDir().resolve("report.json"), report.toJson().encodePrettily() + "\n");
      Path html = write(options.outDir().resolve("report.html"), DrillHtml.render(report));
      stdout.println();
      stdout.println("report: " + json.toAbsolutePath().normalize() + "  " + html.toAbsolutePath().normalize());
    } catch (IOException e) {
      stderr.println("failover-lab drill: could not write the report: " + e.getMessage());
      return ExitCode.FAILED;
    }
    for (ThresholdCheck check : report.thresholds()) {
      stdout.println("threshold " + check.describe());
    }
    stdout.println("drill " + report.status().replace('_', ' ') + (report.completed() ? "" : ": " + report.error()));
    stdout.flush();
    if (!report.completed()) {
      return ExitCode.FAILED;
    }
    for (ThresholdCheck check : report.thresholds()) {
      if (!check.passed()) {
        stderr.println("failover-lab drill: threshold missed: " + check.describe());
      }
    }
    stderr.flush();
    return report.passed() ? ExitCode.OK : ExitCode.FAILED;
  }

  private static Path write(Path file, String content) throws IOException {
    // Through a temporary file, so a reader never sees half a report.
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.writeString(partial, content, StandardCharsets.UTF_8);
    return Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
