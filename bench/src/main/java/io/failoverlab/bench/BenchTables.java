package io.failoverlab.bench;

import static io.failoverlab.bench.FailoverSample.LETTUCE;
import static io.failoverlab.bench.FailoverSample.PROBE;
import static io.failoverlab.bench.FailoverSample.READER;
import static io.failoverlab.bench.FailoverSample.WRITER;
import static io.failoverlab.measure.TextTable.count;
import static io.failoverlab.measure.TextTable.divide;
import static io.failoverlab.measure.TextTable.ms;
import static io.failoverlab.measure.TextTable.oneDecimal;
import static io.failoverlab.measure.TextTable.ratio;

import io.failoverlab.measure.ClientTable;
import io.failoverlab.measure.Stats;
import io.failoverlab.measure.TextTable;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns the phases' results into the tables and targets. Pure: no I/O, so the arithmetic is
 * unit-tested on made-up results.
 */
final class BenchTables {

  static final double MEDIAN_LAG_TARGET_MS = 50;
  static final double P95_LAG_TARGET_MS = 150;
  static final double UNAVAILABILITY_RATIO_TARGET = 1.05;
  static final double P99_RATIO_TARGET = 2.0;
  static final double THROUGHPUT_RATIO_TARGET = 0.8;
  static final double SERVICE_HEAP_TARGET_MB = 64;
  static final double LAB_RSS_TARGET_MB = 512;
  static final double POLL_INTERVAL_SLACK = 1.25;
  static final double CLOCK_MEDIAN_TARGET_MS = 5;
  static final double CLOCK_P95_TARGET_MS = 15;
  static final int CLOCK_MIN_FAILOVERS = 10;

  /** A table and the targets it checks (printed under it). */
  record Checked(TextTable table, List<Target> targets) {
  }

  private BenchTables() {
  }

  // ---- 1. recovery lag

  static Checked recovery(RecoveryPhase.Result result, long oracleIntervalMs) {
    List<FailoverSample> samples = result.samples();
    boolean lettuce = result.lettuceConfig() != null;
    List<String> header = new ArrayList<>(List.of("failover", "victim", "promoted", "oracle up after kill",
        "writer lag", "reader lag", "router probe lag"));
    if (lettuce) {
      header.add("lettuce lag");
    }
    TextTable table = new TextTable("1. Recovery lag behind the oracle (ms; first success on the failed shard "
        + "minus the oracle's; negative = before the oracle saw it)", 3, header.toArray(String[]::new));
    for (FailoverSample s : samples) {
      List<String> cells = new ArrayList<>(List.of(Integer.toString(s.index()), s.victim(), text(s.promoted()),
          ms(s.oracleUnavailability()), ms(s.lag(WRITER)), ms(s.lag(READER)), ms(s.lag(PROBE))));
      if (lettuce) {
        cells.add(s.at(LETTUCE) == null ? "not recovered" : ms(s.lag(LETTUCE)));
      }
      table.row(cells.toArray(String[]::new));
    }
    List<Function<FailoverSample, Long>> columns = new ArrayList<>(List.of(
        FailoverSample::oracleUnavailability, s -> s.lag(WRITER), s -> s.lag(READER), s -> s.lag(PROBE)));
    if (lettuce) {
      columns.add(s -> s.lag(LETTUCE));
    }
    summaryRows(table, samples, 3, columns);
    Stats writer = Stats.of(samples.stream().map(s -> s.lag(WRITER)).toList());
    Stats reader = Stats.of(samples.stream().map(s -> s.lag(READER)).toList());
    List<Target> targets = List.of(
        Target.atMost("recovery", "writer median recovery lag", MEDIAN_LAG_TARGET_MS, writer.median(), "ms"),
        Target.atMost("recovery", "writer p95 recovery lag", P95_LAG_TARGET_MS, writer.p95(), "ms"),
        Target.atMost("recovery", "reader median recovery lag", MEDIAN_LAG_TARGET_MS, reader.median(), "ms"),
        Target.atMost("recovery", "reader p95 recovery lag", P95_LAG_TARGET_MS, reader.p95(), "ms"));
    table.note(samples.size() + " crash failovers (SIGKILL of the shard's master), " + RecoveryPhase.describe(
        result.setup().lab()) + "; oracle: INCR straight to the victim's replicas every "
        + oracleIntervalMs + " ms (measured period, median: " + ms(Stats.of(samples.stream()
        .map(s -> s.record().oracle() == null ? null : s.record().oracle().periodMs()).toList()).median()) + " ms); router probe: the services' ClusterRouter "
        + "with its own keys");
    return new Checked(withTargets(table, targets), targets);
  }

  // ---- 2. unavailability

  static Checked unavailability(RecoveryPhase.Result result) {
    List<FailoverSample> samples = result.samples();
    TextTable table = new TextTable("2. Unavailability per failover (ms from the kill to the first success on the "
        + "failed shard)", 1, "failover", "oracle", "writer", "reader", "lettuce", "writer/oracle", "reader/oracle");
    for (FailoverSample s : samples) {
      table.row(Integer.toString(s.index()), ms(s.oracleUnavailability()), ms(s.unavailability(WRITER)),
          ms(s.unavailability(READER)), ms(s.unavailability(LETTUCE)), ratio(writerRatio(s)),
          ratio(readerRatio(s)));
    }
    for (String statistic : Stats.STATISTICS) {
      table.summaryRow(statistic,
          ms(Stats.of(samples.stream().map(s -> s.oracleUnavailability()).toList()).get(statistic)),
          ms(Stats.of(samples.stream().map(s -> s.unavailability(WRITER)).toList()).get(statistic)),
          ms(Stats.of(samples.stream().map(s -> s.unavailability(READER)).toList()).get(statistic)),
          ms(Stats.of(samples.stream().map(s -> s.unavailability(LETTUCE)).toList()).get(statistic)),
          ratio(Stats.of(samples.stream().map(BenchTables::writerRatio).toList()).get(statistic)),
          ratio(Stats.of(samples.stream().map(BenchTables::readerRatio).toList()).get(statistic)));
    }
    List<Target> targets = List.of(
        Target.atMost("unavailability", "writer / oracle unavailability, worst failover", UNAVAILABILITY_RATIO_TARGET,
            Stats.of(samples.stream().map(BenchTables::writerRatio).toList()).max(), ""),
        Target.atMost("unavailability", "reader / oracle unavailability, worst failover", UNAVAILABILITY_RATIO_TARGET,
            Stats.of(samples.stream().map(BenchTables::readerRatio).toList()).max(), ""));
    return new Checked(withTargets(table, targets), targets);
  }

  static Double writerRatio(FailoverSample s) {
    return divide(s.unavailability(WRITER), s.oracleUnavailability());
  }

  static Double readerRatio(FailoverSample s) {
    return divide(s.unavailability(READER), s.oracleUnavailability());
  }

  // ---- 3. blast radius

  static Checked blast(RecoveryPhase.Result coverageNo, RecoveryPhase.Result coverageYes) {
    TextTable table = new TextTable("3. Blast radius: the healthy shards during the failover (kill to recovery + "
        + "1 s); errors = failed commands, retries included", 2, "coverage", "failover", "writer errors",
        "reader errors", "probe errors", "lettuce errors", "probe p99 before ms", "probe p99 during ms", "p99 ratio",
        "longest outage ms", "JVM cores before/during", "machine busy before/during");
    List<Target> targets = new ArrayList<>();
    for (RecoveryPhase.Result result : new RecoveryPhase.Result[] {coverageNo, coverageYes}) {
      if (result == null) {
        continue;
      }
      String coverage = result.setup().lab().requireFullCoverage() ? "yes" : "no";
      long writer = 0;
      long reader = 0;
      long probe = 0;
      Long lettuce = null;
      long outage = 0;
      for (FailoverSample s : result.samples()) {
        table.row(coverage, Integer.toString(s.index()), count(s.healthyErrors(WRITER)), count(s.healthyErrors(READER)),
            count(s.healthyErrors(PROBE)), count(s.record().healthyShardErrors(LETTUCE)), oneDecimal(s.healthy().p99BeforeMs()),
            oneDecimal(s.healthy().p99DuringMs()), ratio(s.p99Ratio()), count(s.healthy().longestOutageMs()),
            pair(s.cpuBefore() == null ? null : s.cpuBefore().jvmCores(),
                s.cpuDuring() == null ? null : s.cpuDuring().jvmCores(), false),
            pair(s.cpuBefore() == null ? null : s.cpuBefore().machineBusy(),
                s.cpuDuring() == null ? null : s.cpuDuring().machineBusy(), true));
        writer += s.healthyErrors(WRITER);
        reader += s.healthyErrors(READER);
        probe += s.healthyErrors(PROBE);
        Long lettuceErrors = s.record().healthyShardErrors(LETTUCE);
        if (lettuceErrors != null) {
          lettuce = (lettuce == null ? 0 : lettuce) + lettuceErrors;
        }
        outage = Math.max(outage, s.healthy().longestOutageMs());
      }
      Double pooledRatio = divide(result.pooledP99DuringMs(), result.pooledP99BeforeMs());
      table.summaryRow(coverage, "all " + result.samples().size(), count(writer), count(reader), count(probe),
          count(lettuce), oneDecimal(result.pooledP99BeforeMs()), oneDecimal(result.pooledP99DuringMs()),
          ratio(pooledRatio), count(outage), "", "");
      if (!result.setup().lab().requireFullCoverage()) {
        targets.add(Target.atMost("blast", "coverage no: healthy-shard errors (writer + reader + router probe)", 0,
            result.samples().isEmpty() ? null : (double) (writer + reader + probe), ""));
        targets.add(Target.atMost("blast", "coverage no: healthy-shard p99 during / before (all failovers pooled)",
            P99_RATIO_TARGET, pooledRatio, ""));
      }
    }
    table.note("CPU: this JVM (lab services, router probe, Lettuce, oracle) in cores, and the whole machine's busy "
        + "share (/proc/stat), over the baseline and the failover windows.");
    table.note("'all' rows: errors summed, p99 over every failover's samples pooled, outage the longest. With coverage "
        + "yes every shard answers CLUSTERDOWN between FAIL and promotion: that is the cluster's doing, not the "
        + "client's; reported, no target.");
    return new Checked(withTargets(table, targets), targets);
  }

  // ---- 4. Lettuce

  static Checked lettuce(RecoveryPhase.Result result) {
    List<FailoverSample> samples = result.samples();
    TextTable table = new TextTable("4. Side by side with Lettuce, same failovers (ms)", 1, "client", "recovered",
        "median lag", "p95 lag", "max lag", "median unavailability", "healthy-shard errors");
    // Each client by its label in the samples, and its name in the table.
    Map<String, String> clients = new LinkedHashMap<>();
    clients.put(WRITER, "writer (ours)");
    clients.put(READER, "reader (ours)");
    clients.put(PROBE, "router probe (ours)");
    clients.put(LETTUCE, "lettuce 7.7");
    Map<String, Stats> lags = new LinkedHashMap<>();
    clients.forEach((client, name) -> {
      Stats lag = Stats.of(samples.stream().map(s -> s.lag(client)).toList());
      Stats unavailable = Stats.of(samples.stream().map(s -> s.unavailability(client)).toList());
      long errors = samples.stream().map(s -> s.record().healthyShardErrors(client)).filter(java.util.Objects::nonNull)
          .mapToLong(Long::longValue).sum();
      table.row(name, lag.count() + "/" + samples.size(), ms(lag.median()), ms(lag.p95()), ms(lag.max()),
          ms(unavailable.median()), count(errors));
      lags.put(client, lag);
    });
    Stats writer = lags.get(WRITER);
    Stats lettuce = lags.get(LETTUCE);
    table.summaryRow("lettuce - writer", "", ms(minus(lettuce.median(), writer.median())),
        ms(minus(lettuce.p95(), writer.p95())), ms(minus(lettuce.max(), writer.max())), "", "");
    List<Target> targets = List.of(
        Target.below("lettuce", "writer median lag, below Lettuce's (" + ms(lettuce.median()) + " ms)",
            lettuce.median() == null ? Double.NaN : lettuce.median(), writer.median(), "ms"),
        Target.below("lettuce", "writer p95 lag, below Lettuce's (" + ms(lettuce.p95()) + " ms)",
            lettuce.p95() == null ? Double.NaN : lettuce.p95(), writer.p95(), "ms"));
    if (result.lettuceConfig() != null) {
      table.note("Lettuce: " + result.lettuceConfig() + "; same workload shape as the writer (one INCR in flight per "
          + "key, 200 ops/s, 2-20 ms jittered retry).");
    }
    return new Checked(withTargets(table, targets), targets);
  }

  // ---- 5. throughput

  static Checked throughput(LoadPhase.Result result) {
    TextTable table = new TextTable("5. Throughput against redis-benchmark (ops/s, same cluster, " + result.connections()
        + " connections, " + result.inFlight() + " requests in flight)", 1, "round", "redis-benchmark INCR", "writer",
        "writer / rb", "redis-benchmark INCR+GET", "writer+reader", "(writer+reader) / rb", "writer alone / rb INCR");
    List<Double> incrRatios = new ArrayList<>();
    List<Double> bothRatios = new ArrayList<>();
    for (LoadPhase.Round round : result.rounds()) {
      Double incr = divide(round.writer(), round.benchmarkIncr());
      Double both = divide(round.writerReader(), round.benchmarkIncrGet());
      incrRatios.add(incr);
      bothRatios.add(both);
      table.row(Integer.toString(round.index()), ms(round.benchmarkIncr()), ms(round.writer()), ratio(incr),
          ms(round.benchmarkIncrGet()), ms(round.writerReader()), ratio(both),
          ratio(divide(round.writerWithReader(), round.benchmarkIncr())));
    }
    Stats incr = Stats.of(incrRatios);
    Stats both = Stats.of(bothRatios);
    table.summaryRow("median", ms(Stats.of(result.rounds().stream().map(LoadPhase.Round::benchmarkIncr).toList()).median()),
        ms(Stats.of(result.rounds().stream().map(LoadPhase.Round::writer).toList()).median()), ratio(incr.median()),
        ms(Stats.of(result.rounds().stream().map(LoadPhase.Round::benchmarkIncrGet).toList()).median()),
        ms(Stats.of(result.rounds().stream().map(LoadPhase.Round::writerReader).toList()).median()),
        ratio(both.median()), "");
    table.note("redis-benchmark: " + result.benchmarkCommand() + " (and -t get alongside for INCR+GET); services: fat "
        + "jars in child processes, WRITER_RATE=0 / READER_RATE=0, concurrency " + result.inFlight() + ", "
        + "REDIS_CONNECTIONS_PER_NODE=1, " + LoadPhase.KEY_COUNT + " keys; rounds alternate the two sides.");
    List<Target> targets = List.of(
        Target.atLeast("throughput", "writer / redis-benchmark INCR, median of rounds", THROUGHPUT_RATIO_TARGET,
            incr.median(), ""),
        Target.atLeast("throughput", "(writer + reader) / redis-benchmark INCR+GET, median of rounds",
            THROUGHPUT_RATIO_TARGET, both.median(), ""));
    return new Checked(withTargets(table, targets), targets);
  }

  // ---- 6. memory and CPU

  static Checked memory(LoadPhase.Result result) {
    TextTable table = new TextTable("6. Memory and CPU under full load (each in its own JVM; largest figure over "
        + "the rounds)", 2, "process", "load", "heap after GC MB", "RSS MB", "CPU cores", "ops/s");
    List<Target> targets = new ArrayList<>();
    for (LoadPhase.Footprint footprint : result.footprints()) {
      table.row(footprint.process(), footprint.load(), oneDecimal(footprint.heapAfterGcMb()),
          oneDecimal(footprint.rssMb()), ratio(footprint.cpuCores()), ms(footprint.opsPerSecond()));
      if (footprint.process().equals("lab")) {
        targets.add(Target.atMost("memory", "lab RSS", LAB_RSS_TARGET_MB, footprint.rssMb(), "MB"));
      } else {
        targets.add(Target.atMost("memory", footprint.process() + " heap after GC", SERVICE_HEAP_TARGET_MB,
            footprint.heapAfterGcMb(), "MB"));
      }
    }
    table.note("heap after GC: jcmd GC.run, then GC.heap_info 'used'; RSS: VmRSS of /proc/<pid>/status; CPU: process CPU "
        + "time over the measurement window / its length.");
    return new Checked(withTargets(table, targets), targets);
  }

  // ---- 7. scale

  static Checked scale(RecoveryPhase.Result small, RecoveryPhase.Result large) {
    TextTable table = new TextTable("7. Scale: the monitor and the lab with a larger cluster", 1, "cluster",
        "poll every ms", "interval median ms", "interval p95 ms", "interval max ms", "monitor CPU ms/poll",
        "failovers", "incidents correct", "writer lag median ms");
    List<Target> targets = new ArrayList<>();
    Double smallCpu = null;
    Double largeCpu = null;
    for (RecoveryPhase.Result result : new RecoveryPhase.Result[] {small, large}) {
      if (result == null) {
        continue;
      }
      Stats intervals = Stats.of(result.pollIntervalsMs());
      long correct = result.samples().stream().filter(s -> "ok".equals(s.incidentCheck())).count();
      Double cpu = result.monitorCpu() == null ? null : result.monitorCpu().cpuMsPerPoll();
      Stats lag = Stats.of(result.samples().stream().map(s -> s.lag(WRITER)).toList());
      table.row(result.nodes() + " nodes (" + result.setup().lab().masters() + " masters x "
              + result.setup().lab().replicasPerMaster() + " replicas)", count(result.pollIntervalMs()), ms(intervals.median()), ms(intervals.p95()),
          ms(intervals.max()), cpu == null ? "-" : String.format(java.util.Locale.ROOT, "%.2f", cpu),
          Integer.toString(result.samples().size()), correct + "/" + result.samples().size(), ms(lag.median()));
      if (result == small) {
        smallCpu = cpu;
      } else {
        largeCpu = cpu;
        targets.add(Target.atMost("scale", result.nodes() + " nodes: p95 poll interval / configured",
            POLL_INTERVAL_SLACK, divide(intervals.p95(), result.pollIntervalMs()), ""));
        targets.add(Target.atMost("scale", result.nodes() + " nodes: incidents not correct", 0,
            result.samples().isEmpty() ? null : (double) (result.samples().size() - correct), ""));
      }
    }
    if (smallCpu != null && largeCpu != null) {
      table.summaryRow("CPU per poll, large / small", "", "", "", "", ratio(divide(largeCpu, smallCpu)), "", "", "");
    }
    table.note("poll intervals: the in-lab monitor's snapshot timestamps over the whole phase, failovers included; "
        + "CPU per poll: monitor-service.jar in its own process against the same cluster, CPU time / polls.");
    return new Checked(withTargets(table, targets), targets);
  }

  // ---- 8. clients under test

  static final double TUNED_P95_LAG_TARGET_MS = 1000;
  static final double HARNESS_LAG_TARGET_MS = 10;

  /**
   * Per client and configuration, over the crash and the hang failovers: recovered N/N, lag behind
   * the oracle, unavailability, the longest single call, errors on the healthy shards, lost and
   * unknown-outcome writes, the exception types that reached the application, restarts needed. Then
   * the induced-loss check, and the writer's lag with all the clients running against alone.
   */
  static Checked clients(ClientsPhase.Result result, RecoveryPhase.Result alone) {
    TextTable table = ClientTable.render("8. The clients people run: crash and hang failovers side by side with the "
        + "oracle (ms)", result.byClient(), result.configurations());
    List<Target> targets = new ArrayList<>();
    result.byClient().forEach((client, outcomes) -> {
      long crashes = outcomes.stream().filter(o -> o.fault().equals("crash")).count();
      Stats crashLag = ClientTable.crashLag(outcomes);
      if (client.endsWith(":tuned")) {
        targets.add(Target.atMost("clients", client + " p95 recovery lag on crash failovers", TUNED_P95_LAG_TARGET_MS,
            crashes == 0 ? null : crashLag.count() < crashes ? Double.POSITIVE_INFINITY : crashLag.p95(), "ms"));
      }
    });
    Stats withClients = Stats.of(result.failovers().stream().filter(r -> r.action().equals("crash"))
        .map(r -> r.lagOf(WRITER)).toList());
    Stats writerAlone = alone == null ? Stats.EMPTY : Stats.of(alone.samples().stream().map(s -> s.lag(WRITER)).toList());
    Double difference = minus(withClients.median(), writerAlone.median());
    // Medians of an even count end in .5: printed as the target prints them, so the three figures add up.
    table.note("Writer (ours) median lag behind the oracle on the crash failovers: " + exact(withClients.median())
        + " ms with every client running, " + exact(writerAlone.median()) + " ms alone (table 1, same run); "
        + "difference " + exact(difference) + " ms.");
    targets.add(Target.atMost("clients", "writer median lag with all clients running minus alone (absolute)",
        HARNESS_LAG_TARGET_MS, difference == null ? null : Math.abs(difference), "ms"));
    if (!result.lossChecks().isEmpty()) {
      long disagreeing = result.lossChecks().stream().filter(check -> !check.agrees()).count();
      for (LossCheck check : result.lossChecks()) {
        table.note("induced loss (stale replica promoted): " + check.client() + " counted " + check.counted()
            + " lost writes; redis-cli GET of its keys against its ledger: " + check.atLeast() + ".." + check.atMost()
            + (check.note() != null ? " (" + check.note() + ")" : check.agrees() ? " (agrees)" : " (DISAGREES)"));
      }
      targets.add(Target.atMost("clients", "clients whose lost-write count disagrees with redis-cli", 0,
          (double) disagreeing, ""));
    }
    result.failures().forEach((client, failure) -> table.note("FAILED " + client + ": " + failure));
    table.note(result.setup().crashes() + " crash (SIGKILL) and " + result.setup().hangs() + " hang (SIGSTOP "
        + result.setup().hangSeconds() + " s) failovers, " + RecoveryPhase.describe(result.setup().lab()) + "; every "
        + "client writes INCR on its own " + result.setup().clients().settings().keys() + " keys at "
        + result.setup().clients().settings().rate() + "/s. Lag: the client's first success on the failed shard, "
        + "from an INCR started after the fault, minus the oracle's; a client not back " + result.setup().deadline()
        .toSeconds() + " s after the oracle is restarted and counted as not recovered.");
    return new Checked(withTargets(table, targets), targets);
  }

  // ---- 9. the incident clock

  /**
   * The monitor's promotedAt against the oracle's first success, failover by failover: both stamp
   * the reply of the first write a replica accepted, on one machine's clock, so their difference is
   * the monitor's clock error. Judged on the median of the signed error and the p95 of its size.
   */
  static Checked clock(RecoveryPhase.Result result) {
    List<FailoverSample> samples = result.samples();
    TextTable table = new TextTable("9. The incident clock against the oracle (ms; the monitor's promotedAt minus "
        + "the oracle's first success; precision: the period the incident says stamped it)", 2, "failover", "victim",
        "PFAIL after kill", "FAIL after kill", "oracle up after kill", "monitor - oracle", "|monitor - oracle|",
        "precision: PFAIL / FAIL / promoted");
    List<Long> errors = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    for (FailoverSample s : samples) {
      Long error = s.clockError();
      errors.add(error);
      sizes.add(error == null ? null : Math.abs(error));
      table.row(Integer.toString(s.index()), s.victim(), ms(s.sinceKill(s.record().milestones().suspectedAt())),
          ms(s.sinceKill(s.record().milestones().failAgreedAt())), ms(s.oracleUnavailability()), ms(error),
          ms(error == null ? null : Math.abs(error)),
          ms(s.precision("suspectedAt")) + " / " + ms(s.precision("failAgreedAt")) + " / " + ms(s.precision("promotedAt")));
    }
    summaryRows(table, samples, 2, List.of(s -> s.sinceKill(s.record().milestones().suspectedAt()),
        s -> s.sinceKill(s.record().milestones().failAgreedAt()), FailoverSample::oracleUnavailability,
        FailoverSample::clockError, s -> s.clockError() == null ? null : Math.abs(s.clockError()),
        s -> s.precision("promotedAt")));
    Stats signed = Stats.of(errors);
    Stats size = Stats.of(sizes);
    long measured = errors.stream().filter(java.util.Objects::nonNull).count();
    List<Target> targets = List.of(
        Target.atLeast("clock", "crash failovers with both clocks", CLOCK_MIN_FAILOVERS, (double) measured, ""),
        Target.atMost("clock", "|median of monitor - oracle|", CLOCK_MEDIAN_TARGET_MS,
            signed.median() == null ? null : Math.abs(signed.median()), "ms"),
        Target.atMost("clock", "p95 of |monitor - oracle|", CLOCK_P95_TARGET_MS, size.p95(), "ms"));
    table.note(samples.size() + " crash failovers, " + RecoveryPhase.describe(result.setup().lab())
        + "; the monitor polls every " + result.pollIntervalMs() + " ms and, while a node is suspected, probes its "
        + "shard (a write to each replica, CLUSTER NODES of the other masters) every MONITOR_PROBE_MS; the oracle "
        + "writes to the victim's replicas every 2 ms from its own event loop");
    return new Checked(withTargets(table, targets), targets);
  }

  // ---- helpers

  private static void summaryRows(TextTable table, List<FailoverSample> samples, int labelColumns,
                                  List<Function<FailoverSample, Long>> columns) {
    for (String statistic : Stats.STATISTICS) {
      List<String> cells = new ArrayList<>();
      cells.add(statistic);
      for (int i = 1; i < labelColumns; i++) {
        cells.add("");
      }
      for (Function<FailoverSample, Long> column : columns) {
        cells.add(ms(Stats.of(samples.stream().map(column).toList()).get(statistic)));
      }
      table.summaryRow(cells.toArray(String[]::new));
    }
  }

  static TextTable withTargets(TextTable table, List<Target> targets) {
    for (Target target : targets) {
      table.note("target: " + target.describe());
    }
    return table;
  }

  /** "0.35/0.90", or as percentages "40%/95%". */
  static String pair(Double before, Double during, boolean percent) {
    return format(before, percent) + "/" + format(during, percent);
  }

  private static String exact(Double value) {
    return value == null ? "-" : Target.number(value);
  }

  private static String format(Double value, boolean percent) {
    if (value == null || value.isNaN()) {
      return "-";
    }
    return percent ? Math.round(value * 100) + "%" : String.format(java.util.Locale.ROOT, "%.2f", value);
  }

  static Double minus(Double a, Double b) {
    return a == null || b == null ? null : a - b;
  }

  private static String text(String value) {
    return value == null ? "-" : value;
  }
}
