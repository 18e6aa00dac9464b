package io.failoverlab.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.failoverlab.bench.BenchOptions.Measurement;
import io.failoverlab.common.config.Env;
import io.failoverlab.stack.LabClients;
import io.failoverlab.stack.cli.ClientDeadlineOption;
import io.failoverlab.stack.cli.ClientOptions;
import io.failoverlab.stack.cli.ExitCode;
import io.failoverlab.stack.cli.PhaseTimeoutOption;
import io.failoverlab.stack.cli.ProjectDir;
import io.failoverlab.stack.cli.Usage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar failover-lab.jar bench}: the measurements on local clusters, one table
 * each with its targets, then every target met or missed. Figures, not assertions: the exit code says
 * whether the bench ran (0), failed to run a phase (1) or was misused (2), never whether a target was met.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {
        "Measures, on local clusters on 127.0.0.1: 1. recovery lag behind an oracle, 2. unavailability per failover, "
            + "3. blast radius on the healthy shards (full coverage off and on), 4. the same failovers with Lettuce, "
            + "5. throughput against redis-benchmark, 6. memory and CPU under full load, 7. the monitor and the lab "
            + "with a larger cluster, 8. what failover does to the clients people run (Lettuce, Jedis, Redisson, "
            + "vertx-redis-client, redis-py, predis, ioredis; default and tuned), side by side with the oracle, "
            + "11. slot migrations under load: what each client suffers while slots move. "
            + "On its own (--only timing): 10. failover timing against cluster-node-timeout, per redis-server and per "
            + "cluster shape, with the Redis Cluster specification's window and timing.html.",
        "Prints one table per measurement with its targets. Needs redis-server, redis-cli, redis-benchmark and jcmd, "
            + "the service jars (./mvnw -B -q install -DskipTests), and for 8 the clients' interpreters (docs/CLIENTS.md).",
        "Exit codes: 0 the bench ran (whatever the targets), 1 a phase failed, 2 bad usage."})
public final class BenchCommand implements Callable<Integer> {

  static final int MAX_PORT = 8299;
  /** A master of the default three holds 5461 slots; round robin takes from each in turn. */
  static final int MAX_MIGRATION_SLOTS = 5000;

  @Spec
  CommandSpec spec;

  @Option(names = "--only", split = ",", paramLabel = "NAME[,NAME...]",
      description = "Measurements to run: recovery, unavailability, blast, lettuce, throughput, memory, scale, "
          + "clients, clock, timing, migration. Default: all but timing (the failover-timing curve runs on its own: "
          + "--only timing).")
  List<String> only;

  @Option(names = "--failovers", defaultValue = "10", paramLabel = "N",
      description = "Crash failovers with full coverage off (measurements 1-4). Default: ${DEFAULT-VALUE}")
  int failovers;

  @Option(names = "--coverage-yes-failovers", defaultValue = "3", paramLabel = "N",
      description = "Crash failovers with cluster-require-full-coverage yes (measurement 3; 0 = skip). "
          + "Default: ${DEFAULT-VALUE}")
  int coverageYesFailovers;

  @Option(names = "--node-timeout-ms", defaultValue = "1000", paramLabel = "MS",
      description = "cluster-node-timeout of every local cluster. Default: ${DEFAULT-VALUE}")
  int nodeTimeoutMs;

  @Option(names = "--port-base", defaultValue = "8100", paramLabel = "PORT",
      description = "Ports of the local clusters: recovery PORT.., full coverage PORT+10.., load PORT+20.., lab jar "
          + "PORT+30.., scale PORT+40.. (cluster bus +10000). Default: ${DEFAULT-VALUE}")
  int portBase;

  @Option(names = "--masters", defaultValue = "6", paramLabel = "N",
      description = "Scale: masters of the larger cluster. Default: ${DEFAULT-VALUE}")
  int masters;

  @Option(names = "--replicas", defaultValue = "2", paramLabel = "N",
      description = "Scale: replicas per master of the larger cluster. Default: ${DEFAULT-VALUE}")
  int replicas;

  @Option(names = "--scale-failovers", defaultValue = "3", paramLabel = "N",
      description = "Scale: crash failovers on the larger cluster. Default: ${DEFAULT-VALUE}")
  int scaleFailovers;

  @Option(names = "--throughput-seconds", defaultValue = "10", paramLabel = "S",
      description = "Length of each throughput measurement window. Default: ${DEFAULT-VALUE}")
  int throughputSeconds;

  @Option(names = "--throughput-rounds", defaultValue = "3", paramLabel = "N",
      description = "Rounds alternating redis-benchmark and the services. Default: ${DEFAULT-VALUE}")
  int throughputRounds;

  @Option(names = "--warmup-seconds", defaultValue = "5", paramLabel = "S",
      description = "Flat-out load before a service's window is measured (JIT). Default: ${DEFAULT-VALUE}")
  int warmupSeconds;

  @Option(names = "--pipeline", defaultValue = "16", paramLabel = "N",
      description = "redis-benchmark -P; the services get 3 x N operations in flight. Default: ${DEFAULT-VALUE}")
  int pipeline;

  @Option(names = "--monitor-seconds", defaultValue = "10", paramLabel = "S",
      description = "Scale: how long the monitor process's CPU per poll is measured. Default: ${DEFAULT-VALUE}")
  int monitorSeconds;

  @Option(names = "--oracle-interval-ms", defaultValue = "2", paramLabel = "MS",
      description = "How often the oracle writes to the victim's replicas. Default: ${DEFAULT-VALUE}")
  int oracleIntervalMs;

  @Option(names = "--baseline-ms", defaultValue = "3000", paramLabel = "MS",
      description = "Healthy window before each kill (the 'before' of the blast radius). Default: ${DEFAULT-VALUE}")
  int baselineMs;

  @Option(names = "--lettuce-timeout-ms", defaultValue = "300", paramLabel = "MS",
      description = "Lettuce command timeout. Default: ${DEFAULT-VALUE}")
  int lettuceTimeoutMs;

  @Option(names = "--lettuce-adaptive-refresh-ms", defaultValue = "500", paramLabel = "MS",
      description = "Lettuce adaptiveRefreshTriggersTimeout (the least time between two adaptive refreshes). "
          + "Default: ${DEFAULT-VALUE}")
  int lettuceAdaptiveMs;

  @Option(names = "--lettuce-periodic-refresh-ms", defaultValue = "1000", paramLabel = "MS",
      description = "Lettuce periodic topology refresh. Default: ${DEFAULT-VALUE}")
  int lettucePeriodicMs;

  @Option(names = "--project-dir", paramLabel = "DIR",
      description = "Where writer-service/target/writer-service.jar and the other jars are. Default: the project "
          + "this jar was built in.")
  Path projectDir;

  @Option(names = "--child-jvm-options", split = " ", paramLabel = "\"OPT ...\"",
      description = "JVM options for the child processes (services, lab jar). Default: none, as 'java -jar' runs them.")
  List<String> childJvmOptions;

  @Option(names = "--redis-benchmark", defaultValue = "redis-benchmark", paramLabel = "PATH",
      description = "The redis-benchmark binary. Default: ${DEFAULT-VALUE}")
  String redisBenchmark;

  @Mixin
  PhaseTimeoutOption phaseTimeout;

  @Mixin
  ClientOptions clients;

  @Option(names = "--client-failovers", defaultValue = "5", paramLabel = "N",
      description = "Clients: crash failovers, followed by as many hang failovers (SIGSTOP for 3 x node timeout). "
          + "Default: ${DEFAULT-VALUE}")
  int clientFailovers;

  @Mixin
  ClientDeadlineOption clientDeadline;

  @Option(names = "--migrations", defaultValue = "3", paramLabel = "N",
      description = "Migration: slot migrations, one at a time, round robin over the masters. Default: ${DEFAULT-VALUE}")
  int migrations;

  @Option(names = "--migration-slots", defaultValue = "1024", paramLabel = "K",
      description = "Migration: slots each migration moves with their keys (1-5000: a master of three holds 5461). "
          + "Default: ${DEFAULT-VALUE}")
  int migrationSlots;

  @Option(names = "--migration-fill", defaultValue = "100000", paramLabel = "N",
      description = "Migration: keys of 100 bytes spread over every slot before the migrations, so they move data "
          + "(0-10000000). Default: ${DEFAULT-VALUE}")
  int migrationFill;

  @Option(names = "--redis-cli", defaultValue = "redis-cli", paramLabel = "PATH",
      description = "The redis-cli of the independent lost-write checks and of the migration's fill. "
          + "Default: ${DEFAULT-VALUE}")
  String redisCli;

  @Option(names = "--timing-node-timeouts", split = ",", defaultValue = "500,1000,2000,5000,15000",
      paramLabel = "MS[,MS...]",
      description = "Timing: the node timeouts of the curve (each 100-60000), with the first shape and redis-server. "
          + "Default: ${DEFAULT-VALUE}")
  List<Integer> timingNodeTimeouts;

  @Option(names = "--redis-server", split = ",", defaultValue = "system,bundled", paramLabel = "PATH[,PATH...]",
      description = "Timing: the redis-server binaries compared (at --node-timeout-ms, first shape): a path, 'system' "
          + "(REDIS_SERVER, else PATH, as the lab), 'bundled' (the Redis 6.2 in the embedded-redis jar). "
          + "Default: ${DEFAULT-VALUE}")
  List<String> redisServers;

  @Option(names = "--timing-shapes", split = ",", defaultValue = "3x1,6x1,6x2", paramLabel = "MxR[,MxR...]",
      description = "Timing: cluster shapes compared (masters 3-16 x replicas per master 1-3, at --node-timeout-ms, "
          + "first redis-server). Default: ${DEFAULT-VALUE}")
  List<String> timingShapes;

  @Option(names = "--timing-failovers", defaultValue = "5", paramLabel = "N",
      description = "Timing: crash failovers per point. Default: ${DEFAULT-VALUE}")
  int timingFailovers;

  @Option(names = "--timing-out", paramLabel = "DIR",
      description = "Timing: where timing.html is written. Default: the bench's work directory (printed at start).")
  Path timingOut;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write every figure as JSON to FILE.")
  Path json;

  @Option(names = "--verbose", description = "Keep the services' INFO logs (default: warnings only).")
  boolean verbose;

  private final Env env;

  public BenchCommand() {
    this(Env.system());
  }

  BenchCommand(Env env) {
    this.env = env;
  }

  /** The options, validated; a bad value is a {@link ParameterException} naming the option (exit 2). */
  BenchOptions options() {
    Set<Measurement> measurements = EnumSet.noneOf(Measurement.class);
    if (only == null || only.isEmpty()) {
      measurements.addAll(Measurement.defaults());
    } else {
      for (String name : only) {
        Measurement measurement = Measurement.fromLabel(name.strip().toLowerCase(Locale.ROOT));
        if (measurement == null) {
          throw Usage.error(spec, "Invalid value for option '--only': unknown measurement '" + name + "' (expected recovery, "
              + "unavailability, blast, lettuce, throughput, memory, scale, clients, clock, timing, migration)");
        }
        measurements.add(measurement);
      }
    }
    Usage.requireRange(spec, "--failovers", failovers, 1, 1000);
    Usage.requireRange(spec, "--coverage-yes-failovers", coverageYesFailovers, 0, 1000);
    Usage.requireRange(spec, "--node-timeout-ms", nodeTimeoutMs, 100, 600_000);
    Usage.requireRange(spec, "--masters", masters, 3, 100);
    Usage.requireRange(spec, "--replicas", replicas, 1, 10);
    Usage.requireRange(spec, "--scale-failovers", scaleFailovers, 1, 1000);
    Usage.requireRange(spec, "--throughput-seconds", throughputSeconds, 1, 3600);
    Usage.requireRange(spec, "--throughput-rounds", throughputRounds, 1, 100);
    Usage.requireRange(spec, "--warmup-seconds", warmupSeconds, 0, 600);
    Usage.requireRange(spec, "--pipeline", pipeline, 1, 1000);
    Usage.requireRange(spec, "--monitor-seconds", monitorSeconds, 1, 3600);
    Usage.requireRange(spec, "--oracle-interval-ms", oracleIntervalMs, 1, 1000);
    Usage.requireRange(spec, "--baseline-ms", baselineMs, 100, 600_000);
    Usage.requireRange(spec, "--lettuce-timeout-ms", lettuceTimeoutMs, 10, 60_000);
    Usage.requireRange(spec, "--lettuce-adaptive-refresh-ms", lettuceAdaptiveMs, 1, 600_000);
    Usage.requireRange(spec, "--lettuce-periodic-refresh-ms", lettucePeriodicMs, 100, 600_000);
    phaseTimeout.validate(spec);
    Usage.requireRange(spec, "--client-failovers", clientFailovers, 1, 1000);
    Duration clientsDeadline = clientDeadline.validated(spec);
    Usage.requireRange(spec, "--migrations", migrations, 1, 1000);
    Usage.requireRange(spec, "--migration-slots", migrationSlots, 1, MAX_MIGRATION_SLOTS);
    Usage.requireRange(spec, "--migration-fill", migrationFill, 0, 10_000_000);
    TimingOptions timing = timingOptions();
    int lastPort = Math.max(portBase + BenchOptions.SCALE_PORT_OFFSET + masters * (1 + replicas) - 1,
        portBase + BenchOptions.MIGRATION_PORT_OFFSET + 5);
    if (measurements.contains(Measurement.TIMING)) {
      lastPort = Math.max(lastPort, portBase + BenchOptions.TIMING_PORT_OFFSET + timing.largestCluster() - 1);
    }
    if (portBase < 1024 || lastPort > MAX_PORT) {
      throw Usage.error(spec, "Invalid value for option '--port-base': " + portBase + " puts the clusters on " + portBase + "-"
          + lastPort + "; they must stay within 1024-" + MAX_PORT + " (this machine's share of ports)");
    }
    Path root = projectDir != null ? projectDir : ProjectDir.of(BenchCommand.class);
    return new BenchOptions(measurements, failovers, coverageYesFailovers, nodeTimeoutMs, portBase, masters, replicas,
        scaleFailovers, throughputSeconds, throughputRounds, warmupSeconds, pipeline, monitorSeconds, oracleIntervalMs,
        baselineMs, new LettuceWriter.Config(Duration.ofMillis(lettuceTimeoutMs), Duration.ofMillis(lettuceAdaptiveMs),
            Duration.ofMillis(lettucePeriodicMs)),
        root.resolve("writer-service/target/writer-service.jar"),
        root.resolve("reader-service/target/reader-service.jar"),
        root.resolve("monitor-service/target/monitor-service.jar"),
        root.resolve("lab/target/failover-lab.jar"),
        childJvmOptions == null ? List.of() : childJvmOptions.stream().filter(option -> !option.isBlank()).toList(),
        redisBenchmark, phaseTimeout.duration(),
        new BenchOptions.ClientsOptions(measurements.contains(Measurement.CLIENTS)
            || measurements.contains(Measurement.MIGRATION)
            ? clients.resolve(spec, BenchCommand.class, "all") : LabClients.none(), clientFailovers,
            clientsDeadline, redisCli),
        new BenchOptions.MigrationOptions(migrations, migrationSlots, migrationFill),
        timing);
  }

  private TimingOptions timingOptions() {
    for (int timeout : timingNodeTimeouts) {
      Usage.requireRange(spec, "--timing-node-timeouts", timeout, 100, 60_000);
    }
    List<RedisServerChoice> servers = new ArrayList<>();
    for (String name : redisServers) {
      RedisServerChoice server = redisServer(name.strip());
      if (!servers.contains(server)) {
        servers.add(server);
      }
    }
    List<TimingShape> shapes = new ArrayList<>();
    for (String text : timingShapes) {
      try {
        TimingShape shape = TimingShape.parse(text);
        if (!shapes.contains(shape)) {
          shapes.add(shape);
        }
      } catch (IllegalArgumentException e) {
        throw Usage.error(spec, "Invalid value for option '--timing-shapes': " + e.getMessage());
      }
    }
    Usage.requireRange(spec, "--timing-failovers", timingFailovers, 1, 1000);
    if (timingOut != null && Files.exists(timingOut) && !Files.isDirectory(timingOut)) {
      throw Usage.error(spec, "Invalid value for option '--timing-out': " + timingOut + " is not a directory");
    }
    return new TimingOptions(timingNodeTimeouts.stream().distinct().toList(), servers, shapes, timingFailovers,
        nodeTimeoutMs, timingOut);
  }

  private RedisServerChoice redisServer(String name) {
    if (name.isEmpty()) {
      throw Usage.error(spec, "Invalid value for option '--redis-server': an empty name (expected a path, system or "
          + "bundled)");
    }
    if (name.equals(RedisServerChoice.SYSTEM)) {
      return RedisServerChoice.system();
    }
    if (name.equals(RedisServerChoice.BUNDLED)) {
      return RedisServerChoice.bundled();
    }
    Path path = Path.of(name);
    if (!Files.exists(path)) {
      throw Usage.error(spec, "Invalid value for option '--redis-server': " + name + " does not exist (expected a "
          + "redis-server executable, system or bundled)");
    }
    if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
      throw Usage.error(spec, "Invalid value for option '--redis-server': " + name + " is not an executable file");
    }
    // Not toRealPath(): Debian's redis-server is a symlink to redis-check-rdb, which picks its role from argv[0].
    return RedisServerChoice.of(path.toAbsolutePath());
  }

  @Override
  public Integer call() {
    BenchOptions options = options();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!verbose) {
      quiet("io.failoverlab", Level.WARN);
      quiet("io.lettuce", Level.ERROR);
    }
    Bench.Report report;
    try {
      report = new Bench(options, env, out).run();
    } catch (IOException e) {
      err.println("failover-lab bench: " + e.getMessage());
      return ExitCode.FAILED;
    }
    if (json != null) {
      try {
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(json, report.details().encodePrettily() + "\n", StandardCharsets.UTF_8);
        out.println("bench: figures written to " + json.toAbsolutePath().normalize());
      } catch (IOException e) {
        err.println("failover-lab bench: could not write " + json + ": " + e.getMessage());
        return ExitCode.FAILED;
      }
    }
    out.flush();
    if (!report.completed()) {
      List<String> errors = new ArrayList<>(report.errors());
      errors.forEach(error -> err.println("failover-lab bench: phase failed: " + error));
      err.flush();
      return ExitCode.FAILED;
    }
    return ExitCode.OK;
  }

  private static void quiet(String logger, Level level) {
    if (LoggerFactory.getLogger(logger) instanceof Logger logback) {
      logback.setLevel(level);
    }
  }
}
