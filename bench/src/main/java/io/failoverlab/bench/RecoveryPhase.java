package io.failoverlab.bench;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.contract.ClientStats;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.router.SlotHash;
import io.failoverlab.router.SlotMap;
import io.failoverlab.common.topology.SlotRange;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabOptions;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Crash failovers against the one-JVM lab (its own local cluster, the monitor, writer and reader),
 * with, in the same JVM and on the same clock: the oracle, the router probe and the Lettuce writer.
 * For each failover: wait until every client serves every shard, take a baseline window, start the
 * oracle on the victim's replicas, SIGKILL the victim, wait until the oracle and every client wrote
 * to its shard again, measure the healthy shards over that window, restart the victim and wait until
 * the cluster is healthy and in sync.
 */
final class RecoveryPhase {

  /** What to run: the lab's shape, how many failovers, which extra clients and checks. */
  record Setup(String name, LabOptions lab, int failovers, boolean lettuce, boolean monitorCpu, boolean incidents) {
  }

  /** The monitor child's CPU per poll, and its pace. */
  record MonitorCpu(int nodes, long polls, double seconds, double cpuMsPerPoll, double meanIntervalMs, long maxPollMs) {
  }

  record Result(Setup setup, List<FailoverSample> samples, Double pooledP99BeforeMs, Double pooledP99DuringMs,
                List<Long> pollIntervalsMs, long pollIntervalMs, MonitorCpu monitorCpu, String lettuceConfig,
                String error) {

    int nodes() {
      return setup.lab().masters() * (1 + setup.lab().replicasPerMaster());
    }
  }

  private static final Duration LAB_START = Duration.ofSeconds(180);
  private static final long SETTLE_MS = 1000;
  private static final long STATS_WINDOW_MS = 1100;
  private static final int PROBE_KEYS = 48;
  private static final int PROBE_RATE = 200;
  private static final int PROBE_CONCURRENCY = 64;

  private final BenchOptions options;
  private final Setup setup;
  private final Env env;
  private final PrintWriter out;
  private final Path workDir;

  RecoveryPhase(BenchOptions options, Setup setup, Env env, PrintWriter out, Path workDir) {
    this.options = options;
    this.setup = setup;
    this.env = env;
    this.out = out;
    this.workDir = workDir;
  }

  Result run() {
    print("starting the lab: " + describe(setup.lab()));
    Lab lab;
    try {
      lab = Lab.start(setup.lab(), env).await(LAB_START.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      return new Result(setup, List.of(), null, null, List.of(), 0, null, null,
          "the lab did not start: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
    }
    List<FailoverSample> samples = new ArrayList<>();
    Histogram before = newHistogram();
    Histogram during = newHistogram();
    String error = null;
    MonitorCpu monitorCpu = null;
    ServiceEvents events = null;
    RouterProbe probe = null;
    LettuceWriter lettuce = null;
    long phaseStart = System.currentTimeMillis();
    long pollInterval = 0;
    // The oracle gets an event loop of its own: nothing else of the bench or the lab delays its writes.
    Vertx oracleVertx = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    try {
      Vertx vertx = lab.vertx();
      events = Await.await(ServiceEvents.attach(vertx), Duration.ofSeconds(10), "listening on the event bus");
      List<String> seeds = lab.cluster().seedAddresses();
      RedisSettings settings = RedisSettings.fromEnv(env.with(Map.of("REDIS_NODES", String.join(",", seeds))));
      probe = new RouterProbe(settings, "benchprobe", PROBE_KEYS, PROBE_RATE, PROBE_CONCURRENCY);
      Await.await(vertx.deployVerticle(probe), Duration.ofSeconds(30), "starting the router probe");
      if (setup.lettuce()) {
        lettuce = new LettuceWriter(seeds, options.lettuce(), "benchlettuce", PROBE_KEYS, PROBE_RATE);
        lettuce.start();
      }
      Session session = new Session(lab, oracleVertx, events, probe, lettuce, settings, seeds);
      if (setup.monitorCpu()) {
        monitorCpu = session.monitorCpu();
      }
      pollInterval = session.pollIntervalMs();
      for (int index = 1; index <= setup.failovers(); index++) {
        FailoverSample sample = session.failover(index, before, during);
        samples.add(sample);
      }
    } catch (Await.BenchFailure e) {
      error = e.getMessage();
      print("FAILED: " + error);
    } catch (RuntimeException e) {
      error = e.toString();
      print("FAILED: " + error);
    } finally {
      if (lettuce != null) {
        lettuce.close();
      }
      if (events != null) {
        try {
          events.detach().await(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // The lab is stopping anyway.
        }
      }
      try {
        lab.stop().await(60, TimeUnit.SECONDS);
        oracleVertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        print("the lab did not stop cleanly: " + e);
      }
    }
    List<Long> polls = events == null ? List.of() : events.pollTimes(phaseStart, System.currentTimeMillis());
    List<Long> intervals = new ArrayList<>();
    for (int i = 1; i < polls.size(); i++) {
      intervals.add(polls.get(i) - polls.get(i - 1));
    }
    return new Result(setup, samples, p99Ms(before), p99Ms(during), intervals, pollInterval, monitorCpu,
        lettuce == null ? null : options.lettuce().describe(), error);
  }

  private final class Session {
    private final Lab lab;
    private final Vertx vertx;
    private final Vertx oracleVertx;
    private final ServiceEvents events;
    private final RouterProbe probe;
    private final LettuceWriter lettuce;
    private final RedisSettings settings;
    private final List<HostAndPort> nodes;

    Session(Lab lab, Vertx oracleVertx, ServiceEvents events, RouterProbe probe, LettuceWriter lettuce,
            RedisSettings settings, List<String> seeds) {
      this.lab = lab;
      this.vertx = lab.vertx();
      this.oracleVertx = oracleVertx;
      this.events = events;
      this.probe = probe;
      this.lettuce = lettuce;
      this.settings = settings;
      this.nodes = seeds.stream().map(HostAndPort::parse).toList();
    }

    long pollIntervalMs() {
      return lab.monitor().latestSnapshot() == null ? 0 : lab.monitor().latestSnapshot().pollIntervalMs();
    }

    MonitorCpu monitorCpu() {
      awaitServing(topology(), "before measuring the monitor");
      print("measuring a monitor process's CPU per poll (" + options.monitorSeconds() + " s)");
      return MonitorCpuProbe.measure(vertx, options, lab.cluster().seedAddresses(), workDir, setup.name());
    }

    FailoverSample failover(int index, Histogram pooledBefore, Histogram pooledDuring) {
      String step = setup.name() + " failover " + index + "/" + setup.failovers();
      SlotMap topology = topology();
      List<SlotMap.Shard> shards = new ArrayList<>(topology.shards());
      shards.sort(Comparator.comparingInt(shard -> shard.ranges().get(0).from()));
      SlotMap.Shard shard = shards.get((index - 1) % shards.size());
      HostAndPort victim = shard.master();
      if (shard.replicas().isEmpty()) {
        throw new Await.BenchFailure(step + ": " + victim + " has no replica to promote");
      }
      BitSet failedSlots = slots(shard.ranges());
      BitSet healthySlots = (BitSet) failedSlots.clone();
      healthySlots.flip(0, SlotHash.SLOTS);

      awaitServing(topology, step);
      long baselineFrom = System.currentTimeMillis();
      CpuMeter.Reading cpuStart = CpuMeter.read();
      Await.window(vertx, options.baselineMs());
      forgetBefore(baselineFrom - 1000);

      Oracle oracle = new Oracle(shard.replicas(), oracleKey(failedSlots), settings, options.oracleIntervalMs());
      String oracleId = Await.await(oracleVertx.deployVerticle(oracle), Duration.ofSeconds(10), step + ": starting the oracle");
      Await.until(vertx, step + ": the oracle connected", Duration.ofSeconds(10),
          () -> oracle.answers() > 0 ? null : "no reply from " + shard.replicas() + " yet (last error " + oracle.lastError() + ")");

      CpuMeter.Reading cpuKill = CpuMeter.read();
      long killAt = System.currentTimeMillis();
      Await.await(lab.cluster().crash(victim.port()), Duration.ofSeconds(30), step + ": crash " + victim);
      print(step + ": killed " + victim + " (slots " + shard.label() + "), oracle writing to " + shard.replicas()
          + " every " + options.oracleIntervalMs() + " ms");

      String label = shard.label();
      Long[] oracleAt = {null};
      Await.until(vertx, step + ": the oracle, writer, reader and router probe writing to " + label + " again",
          options.phaseTimeout(), () -> {
            oracleAt[0] = oracle.firstSuccessAt();
            List<String> waiting = new ArrayList<>();
            if (oracleAt[0] == null) {
              waiting.add("oracle (" + oracle.attempts() + " attempts, last " + oracle.lastError() + ")");
            }
            if (events.recoveredAt("writer", label, killAt) == null) {
              waiting.add("writer");
            }
            if (events.recoveredAt("reader", label, killAt) == null) {
              waiting.add("reader");
            }
            if (probe.log().recoveredAt(failedSlots, killAt) == null) {
              waiting.add("router probe");
            }
            return waiting.isEmpty() ? null : "waiting for " + waiting;
          });
      Long writerAt = events.recoveredAt("writer", label, killAt);
      Long readerAt = events.recoveredAt("reader", label, killAt);
      Long probeAt = probe.log().recoveredAt(failedSlots, killAt);
      long windowEnd = Math.max(Math.max(oracleAt[0], probeAt), Math.max(writerAt, readerAt)) + SETTLE_MS;
      Await.window(vertx, windowEnd - System.currentTimeMillis());
      CpuMeter.Reading cpuEnd = CpuMeter.read();
      // The services' stats windows covering the failover are published within a second.
      Await.window(vertx, windowEnd + STATS_WINDOW_MS - System.currentTimeMillis());

      Long lettuceAt = null;
      Long lettuceHealthyErrors = null;
      if (lettuce != null) {
        long lettuceDeadline = killAt + options.phaseTimeout().toMillis();
        try {
          Await.until(vertx, step + ": Lettuce writing to " + label + " again", options.phaseTimeout(),
              () -> lettuce.log().recoveredAt(failedSlots, killAt) != null || System.currentTimeMillis() > lettuceDeadline
                  ? null : "Lettuce has not written to " + label + " since the kill");
        } catch (Await.BenchFailure e) {
          print(step + ": " + e.getMessage());
        }
        lettuceAt = lettuce.log().recoveredAt(failedSlots, killAt);
        lettuceHealthyErrors = lettuce.log().attemptErrors(healthySlots, killAt, windowEnd);
      }
      Await.until(vertx, step + ": no client outage left", options.phaseTimeout(), () -> {
        Set<String> writer = events.openOutages("writer");
        Set<String> reader = events.openOutages("reader");
        return writer.isEmpty() && reader.isEmpty() ? null : "open outages: writer " + writer + ", reader " + reader;
      });

      Histogram before = newHistogram();
      Histogram during = newHistogram();
      probe.log().latencies(healthySlots, killAt - options.baselineMs(), killAt, before);
      probe.log().latencies(healthySlots, killAt, windowEnd, during);
      pooledBefore.add(before);
      pooledDuring.add(during);
      long healthyOutage = Math.max(events.longestOtherOutage("writer", label, killAt, System.currentTimeMillis()),
          events.longestOtherOutage("reader", label, killAt, System.currentTimeMillis()));
      Map<String, Long> healthyErrorTypes = new java.util.TreeMap<>();
      for (String service : List.of("writer", "reader")) {
        events.otherOutageErrors(service, label, killAt, System.currentTimeMillis())
            .forEach((type, count) -> healthyErrorTypes.merge(service + " " + type, count, Long::sum));
      }
      if (!healthyErrorTypes.isEmpty()) {
        print(step + ": outages on healthy shards: " + healthyErrorTypes + " (longest " + healthyOutage + " ms)");
      }
      HostAndPort promoted = oracle.promoted();
      double oraclePeriod = oracle.meanPeriodMs();
      dump(step, index, killAt, windowEnd, failedSlots);
      Await.await(oracleVertx.undeploy(oracleId), Duration.ofSeconds(10), step + ": stopping the oracle");

      FailoverSample sample = new FailoverSample(index, victim.toString(), label,
          promoted == null ? null : promoted.toString(), killAt, oracleAt[0], writerAt, readerAt, probeAt, lettuceAt,
          events.healthyShardErrors("writer", label, killAt, windowEnd),
          events.healthyShardErrors("reader", label, killAt, windowEnd),
          probe.log().attemptErrors(healthySlots, killAt, windowEnd), lettuceHealthyErrors,
          p99Ms(before), p99Ms(during), healthyOutage, null, oraclePeriod, CpuMeter.between(cpuStart, cpuKill),
          CpuMeter.between(cpuKill, cpuEnd));
      print(step + ": oracle up after " + (oracleAt[0] - killAt) + " ms; lag behind it: writer " + sample.lag(writerAt)
          + " ms, reader " + sample.lag(readerAt) + " ms, router probe " + sample.lag(probeAt) + " ms"
          + (lettuce == null ? "" : ", lettuce " + (lettuceAt == null ? "not recovered" : sample.lag(lettuceAt) + " ms")));

      Await.await(lab.cluster().restart(victim.port()), Duration.ofSeconds(60), step + ": restart " + victim);
      Await.await(lab.cluster().awaitHealthy(options.phaseTimeout()), options.phaseTimeout().plusSeconds(5),
          step + ": cluster healthy and in sync after the restart");
      if (setup.incidents()) {
        sample = withIncident(sample, step, victim, promoted, killAt);
      }
      return sample;
    }

    private FailoverSample withIncident(FailoverSample sample, String step, HostAndPort victim, HostAndPort promoted,
                                        long killAt) {
      String verdict;
      try {
        Await.until(vertx, step + ": the monitor's incident closed", options.phaseTimeout(), () -> {
          IncidentReport report = events.incidentFor(victim.toString(), killAt);
          return report == null ? "no incident names " + victim + " as failed yet"
              : report.open() ? "incident " + report.id() + " still open" : null;
        });
        IncidentReport report = events.incidentFor(victim.toString(), killAt);
        List<String> wrong = new ArrayList<>();
        if (promoted != null && !promoted.toString().equals(report.promotedNode())) {
          wrong.add("promoted " + report.promotedNode() + ", the oracle saw " + promoted);
        }
        if (report.lostWrites() != 0) {
          wrong.add(report.lostWrites() + " lost writes");
        }
        if (report.milestones().promotedAt() == null || report.milestones().writerRecoveredAt() == null) {
          wrong.add("milestones missing: " + report.milestones().toJson().encode());
        }
        verdict = wrong.isEmpty() ? "ok" : String.join("; ", wrong);
      } catch (Await.BenchFailure e) {
        verdict = e.getMessage();
      }
      if (!"ok".equals(verdict)) {
        print(step + ": incident check: " + verdict);
      }
      return sample.withIncident(verdict);
    }

    /** The router probe's operations around the kill, for a look at where the time went. */
    private void dump(String step, int index, long killAt, long windowEnd, BitSet failedSlots) {
      Path file = workDir.resolve(setup.name() + "-failover-" + index + "-probe.csv");
      try {
        probe.log().dump(file, killAt - options.baselineMs(), windowEnd, killAt, failedSlots);
      } catch (java.io.IOException e) {
        print(step + ": could not write " + file + ": " + e.getMessage());
      }
    }

    private SlotMap topology() {
      SlotMap map = Await.await(probe.topology(nodes), Duration.ofSeconds(10), "reading the topology");
      if (map.isEmpty() || map.uncoveredSlots() > 0) {
        throw new Await.BenchFailure("the cluster does not serve every slot (" + map.uncoveredSlots() + " uncovered)");
      }
      return map;
    }

    /** Every client succeeded on every shard in the last second, and writer and reader have no outage open. */
    private void awaitServing(SlotMap topology, String step) {
      long since = System.currentTimeMillis();
      List<BitSet> shardSlots = topology.shards().stream().map(shard -> slots(shard.ranges())).toList();
      Await.until(vertx, step + ": every client serving every shard", options.phaseTimeout(), () -> {
        long now = System.currentTimeMillis();
        for (String service : List.of("writer", "reader")) {
          ClientStats stats = events.latest(service);
          if (stats == null || stats.timestamp() < since || stats.succeeded() == 0 || !stats.shardsInOutage().isEmpty()
              || !events.openOutages(service).isEmpty()) {
            return "the " + service + " is not serving every shard yet";
          }
        }
        for (BitSet slots : shardSlots) {
          if (!recent(probe.log(), slots, now)) {
            return "the router probe is not serving every shard yet";
          }
          if (lettuce != null && !recent(lettuce.log(), slots, now)) {
            return "Lettuce is not serving every shard yet";
          }
        }
        return null;
      });
    }

    private boolean recent(OpLog log, BitSet slots, long now) {
      Long last = log.lastSuccess(slots);
      return last != null && last > now - 1000;
    }

    private void forgetBefore(long millis) {
      events.forgetBefore(millis);
      probe.log().forgetBefore(millis);
      if (lettuce != null) {
        lettuce.log().forgetBefore(millis);
      }
    }
  }

  static BitSet slots(List<SlotRange> ranges) {
    BitSet slots = new BitSet(SlotHash.SLOTS);
    for (SlotRange range : ranges) {
      slots.set(range.from(), range.to() + 1);
    }
    return slots;
  }

  /** A key whose slot belongs to {@code slots}. */
  static String oracleKey(BitSet slots) {
    for (int i = 0; ; i++) {
      String key = "bench:oracle:{o" + i + "}";
      if (slots.get(SlotHash.slot(key))) {
        return key;
      }
    }
  }

  static Histogram newHistogram() {
    return new Histogram(TimeUnit.MINUTES.toMicros(2), 3);
  }

  /** p99 in ms, null without samples. */
  static Double p99Ms(Histogram histogram) {
    return histogram.getTotalCount() == 0 ? null : histogram.getValueAtPercentile(99) / 1000.0;
  }

  static String describe(LabOptions lab) {
    int nodes = lab.masters() * (1 + lab.replicasPerMaster());
    return nodes + " nodes (" + lab.masters() + " masters x " + lab.replicasPerMaster() + " replicas) on 127.0.0.1:"
        + lab.portBase() + "-" + (lab.portBase() + nodes - 1) + ", cluster-node-timeout " + lab.nodeTimeoutMs()
        + " ms, cluster-require-full-coverage " + (lab.requireFullCoverage() ? "yes" : "no");
  }

  private void print(String line) {
    out.println("bench: " + line);
    out.flush();
  }
}
