package io.failoverlab.bench;

import io.failoverlab.bench.BenchOptions.Measurement;
import io.failoverlab.common.config.Env;
import io.failoverlab.measure.TextTable;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the selected measurements phase by phase, prints each table as soon as its phase is done, and
 * ends with every target met or missed. A phase that fails is reported and the next one still runs.
 *
 * <p>Phases: failovers with full coverage off (tables 1-4, and the small cluster of table 7); a few
 * with full coverage on (table 3); load (tables 5 and 6); failovers on the larger cluster (table 7).
 * The calling thread blocks; it must not be a Vert.x thread.
 */
public final class Bench {

  /** How often the bench checks a condition it waits for (a client recovering, a child process ready). */
  static final Duration POLL = Duration.ofMillis(20);

  /** What a run produced: the tables in order, every target, the phases that failed. */
  public record Report(List<TextTable> tables, List<Target> targets, List<String> errors, JsonObject details) {

    public boolean completed() {
      return errors.isEmpty();
    }
  }

  private final BenchOptions options;
  private final Env env;
  private final PrintWriter out;
  private final List<TextTable> tables = new ArrayList<>();
  private final List<Target> targets = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private final JsonObject details = new JsonObject();

  public Bench(BenchOptions options, Env env, PrintWriter out) {
    this.options = options;
    this.env = env;
    this.out = out;
  }

  public Report run() throws IOException {
    Path workDir = Files.createTempDirectory("failover-bench-");
    print("child process logs in " + workDir);
    details.put("options", options.toJson()).put("startedAt", System.currentTimeMillis());
    RecoveryPhase.Result main = null;
    if (options.recoveryPhase()) {
      boolean failoverTables = options.selected(Measurement.RECOVERY) || options.selected(Measurement.UNAVAILABILITY)
          || options.selected(Measurement.BLAST) || options.selected(Measurement.LETTUCE)
          || options.selected(Measurement.CLOCK);
      RecoveryPhase.Setup setup = new RecoveryPhase.Setup("recovery",
          options.lab(BenchOptions.RECOVERY_PORT_OFFSET, false),
          failoverTables ? options.failovers() : options.scaleFailovers(),
          options.selected(Measurement.LETTUCE), options.selected(Measurement.SCALE), true);
      main = phase(new RecoveryPhase(options, setup, env, out, workDir).run());
      if (options.selected(Measurement.RECOVERY)) {
        emit(BenchTables.recovery(main, options.oracleIntervalMs()));
      }
      if (options.selected(Measurement.UNAVAILABILITY)) {
        emit(BenchTables.unavailability(main));
      }
      if (options.selected(Measurement.LETTUCE)) {
        emit(BenchTables.lettuce(main));
      }
      if (options.selected(Measurement.CLOCK)) {
        emit(BenchTables.clock(main));
      }
    }
    if (options.selected(Measurement.BLAST)) {
      RecoveryPhase.Result yes = null;
      if (options.coverageYesFailovers() > 0) {
        RecoveryPhase.Setup setup = new RecoveryPhase.Setup("coverage-yes",
            options.lab(BenchOptions.COVERAGE_PORT_OFFSET, true), options.coverageYesFailovers(),
            options.selected(Measurement.LETTUCE), false, false);
        yes = phase(new RecoveryPhase(options, setup, env, out, workDir).run());
      }
      emit(BenchTables.blast(main, yes));
    }
    if (options.selected(Measurement.THROUGHPUT) || options.selected(Measurement.MEMORY)) {
      Vertx vertx = Vertx.vertx();
      try {
        LoadPhase.Result load = new LoadPhase(options, vertx, out, workDir, options.selected(Measurement.THROUGHPUT),
            options.selected(Measurement.MEMORY)).run();
        if (load.error() != null) {
          errors.add("load: " + load.error());
        }
        if (options.selected(Measurement.THROUGHPUT)) {
          emit(BenchTables.throughput(load));
        }
        if (options.selected(Measurement.MEMORY)) {
          emit(BenchTables.memory(load));
        }
      } finally {
        try {
          vertx.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          print("vert.x did not close cleanly: " + e);
        }
      }
    }
    if (options.selected(Measurement.SCALE)) {
      RecoveryPhase.Setup setup = new RecoveryPhase.Setup("scale",
          options.lab(BenchOptions.SCALE_PORT_OFFSET, false).withShape(options.scaleMasters(), options.scaleReplicas()),
          options.scaleFailovers(), false, true, true);
      RecoveryPhase.Result large = phase(new RecoveryPhase(options, setup, env, out, workDir).run());
      emit(BenchTables.scale(main, large));
    }
    if (options.selected(Measurement.CLIENTS)) {
      int hangSeconds = Math.max(2, (int) Math.ceil(3 * options.nodeTimeoutMs() / 1000.0));
      ClientsPhase.Setup setup = new ClientsPhase.Setup(options.lab(BenchOptions.CLIENTS_PORT_OFFSET, false),
          options.clients().clients(), options.clients().failovers(), options.clients().failovers(), hangSeconds,
          options.clients().deadline(), true);
      ClientsPhase.Result clients = new ClientsPhase(options, setup, env, out).run();
      if (clients.error() != null) {
        errors.add("clients: " + clients.error());
      }
      details.put("clientsFailovers", clientsJson(clients));
      emit(BenchTables.clients(clients, options.selected(Measurement.RECOVERY) ? main : null));
    }
    if (options.selected(Measurement.MIGRATION)) {
      MigrationPhase.Setup setup = new MigrationPhase.Setup(options.lab(BenchOptions.MIGRATION_PORT_OFFSET, false),
          options.clients().clients(), options.migration().migrations(), options.migration().slots(),
          options.migration().fillKeys());
      MigrationPhase.Result migration = new MigrationPhase(options, setup, env, out).run();
      if (migration.error() != null) {
        errors.add("migration: " + migration.error());
      }
      details.put("migrations", MigrationTable.toJson(migration));
      emit(MigrationTable.of(migration));
    }
    if (options.selected(Measurement.TIMING)) {
      timing(workDir);
    }
    emitTargets();
    details.put("finishedAt", System.currentTimeMillis());
    JsonArray tableJson = new JsonArray();
    tables.forEach(table -> tableJson.add(table.toJson()));
    JsonArray targetJson = new JsonArray();
    targets.forEach(target -> targetJson.add(target.toJson()));
    details.put("tables", tableJson).put("targets", targetJson).put("errors", new JsonArray(errors));
    return new Report(List.copyOf(tables), List.copyOf(targets), List.copyOf(errors), details);
  }

  /** Measurement 10: the three axes' tables, their figures in the details, and timing.html. */
  private void timing(Path workDir) {
    TimingPhase.Result timing = new TimingPhase(options, env, out).run();
    timing.errors().forEach(error -> errors.add("timing: " + error));
    details.put("timing", timing.toJson());
    List<BenchTables.Checked> checked = List.of(TimingTables.nodeTimeouts(timing), TimingTables.servers(timing),
        TimingTables.shapes(timing));
    checked.forEach(this::emit);
    Path dir = options.timing().outDir() != null ? options.timing().outDir() : workDir;
    try {
      Path html = TimingHtml.write(dir, timing, checked.stream().map(BenchTables.Checked::table).toList());
      print("timing: report written to " + html.toAbsolutePath().normalize());
    } catch (IOException e) {
      errors.add("timing: could not write " + dir.resolve(TimingHtml.FILE_NAME) + ": " + e.getMessage());
    }
  }

  private RecoveryPhase.Result phase(RecoveryPhase.Result result) {
    if (result.error() != null) {
      errors.add(result.setup().name() + ": " + result.error());
    }
    JsonArray samples = new JsonArray();
    result.samples().forEach(sample -> samples.add(sample.toJson()));
    details.put(result.setup().name() + "Failovers", samples);
    return result;
  }

  private static JsonObject clientsJson(ClientsPhase.Result result) {
    JsonObject byClient = new JsonObject();
    result.byClient().forEach((client, outcomes) -> {
      JsonArray list = new JsonArray();
      outcomes.forEach(o -> list.add(new JsonObject().put("fault", o.fault()).put("index", o.index())
          .put("unavailabilityMs", o.unavailabilityMs()).put("lagMs", o.lagMs())
          .put("healthyShardErrors", o.healthyShardErrors()).put("lostWrites", o.lostWrites())
          .put("unknownOutcomes", o.unknownOutcomes()).put("longestCallMs", o.longestCallMs())
          .put("restarted", o.restarted()).put("recoveredAfterRestart", o.recoveredAfterRestart())
          .put("errorClasses", new JsonObject(new java.util.TreeMap<>(o.newErrorClasses())))));
      byClient.put(client, list);
    });
    JsonArray checks = new JsonArray();
    result.lossChecks().forEach(check -> checks.add(check.toJson()));
    JsonObject configurations = new JsonObject();
    result.configurations().forEach(configurations::put);
    JsonArray failovers = new JsonArray();
    result.failovers().forEach(record -> failovers.add(new JsonObject().put("index", record.index())
        .put("fault", record.action()).put("victim", record.target()).put("shard", record.shard())
        .put("faultAt", record.faultAt()).put("oracleAt", record.oracleAt()).put("promoted", record.promoted())
        .put("writerLagMs", record.lagOf(FailoverSample.WRITER)).put("readerLagMs", record.lagOf(FailoverSample.READER))));
    return new JsonObject().put("failovers", failovers).put("clients", byClient).put("lossChecks", checks)
        .put("configurations", configurations).put("failures", new JsonObject(new java.util.TreeMap<>(result.failures())))
        .put("error", result.error());
  }

  private void emit(BenchTables.Checked checked) {
    tables.add(checked.table());
    targets.addAll(checked.targets());
    out.println();
    out.print(checked.table().render());
    out.flush();
  }

  private void emitTargets() {
    TextTable table = new TextTable("Targets", 3, "measurement", "target", "status", "limit", "measured");
    for (Target target : targets) {
      table.row(target.measurement(), target.what() + " " + target.comparison().symbol,
          target.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), Target.number(target.limit()),
          target.measured() == null ? "-" : Target.number(target.measured()));
    }
    long met = targets.stream().filter(target -> target.status() == Target.Status.MET).count();
    table.note(met + " of " + targets.size() + " targets met" + (errors.isEmpty() ? "" : "; failed phases: " + errors));
    tables.add(table);
    out.println();
    out.print(table.render());
    out.flush();
  }

  private void print(String line) {
    out.println("bench: " + line);
    out.flush();
  }
}
