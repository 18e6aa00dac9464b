package io.failoverlab.bench;

import static io.failoverlab.bench.FailoverSample.LETTUCE;
import static io.failoverlab.bench.FailoverSample.PROBE;
import static io.failoverlab.bench.FailoverSample.READER;
import static io.failoverlab.bench.FailoverSample.WRITER;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.ServiceName;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.common.topology.SlotRange;
import io.failoverlab.measure.Await;
import io.failoverlab.measure.EventRecorder;
import io.failoverlab.measure.FailoverRecord;
import io.failoverlab.measure.FailoverRecord.ClientRecovery;
import io.failoverlab.measure.HealthGate;
import io.failoverlab.measure.MeasurementFailure;
import io.failoverlab.measure.Oracle;
import io.failoverlab.router.SlotHash;
import io.failoverlab.router.SlotMap;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Crash failovers against the one-JVM lab (its own local cluster, the monitor, writer and reader),
 * with, in the same JVM and on the same clock: the oracle, the router probe and the Lettuce writer.
 * For each failover: wait until the lab is ready and every client serves every shard, take a baseline
 * window, start the oracle on the victim's replicas, SIGKILL the victim, wait until the oracle and
 * every client wrote to its shard again, measure the healthy shards over that window, restart the
 * victim and wait until the cluster is healthy and in sync.
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
  /** The lab's services, whose recovery the bench reads from their outage events. */
  private static final List<String> SERVICES = ServiceName.clientLabels();

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
          "the lab did not start: " + MeasurementFailure.messageOf(e));
    }
    List<FailoverSample> samples = new ArrayList<>();
    Histogram before = newHistogram();
    Histogram during = newHistogram();
    String error = null;
    MonitorCpu monitorCpu = null;
    EventRecorder events = null;
    RouterProbe probe = null;
    LettuceWriter lettuce = null;
    long phaseStart = System.currentTimeMillis();
    long pollInterval = 0;
    // The oracle gets an event loop of its own: nothing else of the bench or the lab delays its writes.
    Vertx oracleVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    try {
      Vertx vertx = lab.vertx();
      events = Await.result(EventRecorder.attach(vertx), Duration.ofSeconds(10), "listening on the event bus");
      List<String> seeds = lab.cluster().seedAddresses();
      RedisSettings settings = RedisSettings.fromEnv(env.with(Map.of("REDIS_NODES", String.join(",", seeds))));
      probe = new RouterProbe(settings, "benchprobe", PROBE_KEYS, PROBE_RATE, PROBE_CONCURRENCY);
      Await.result(vertx.deployVerticle(probe), Duration.ofSeconds(30), "starting the router probe");
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
        samples.add(session.failover(index, before, during));
      }
    } catch (RuntimeException e) {
      error = e instanceof MeasurementFailure ? e.getMessage() : e.toString();
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

  /** The victim of one failover: its shard, its slots, the others' slots. */
  private record Victim(SlotMap.Shard shard, BitSet failedSlots, BitSet healthySlots) {

    HostAndPort node() {
      return shard.master();
    }

    String label() {
      return shard.label();
    }
  }

  /** When the kill happened and when the oracle first wrote to the shard again; the window measured around it. */
  private record Kill(long at, long windowEnd) {
  }

  private final class Session {
    private final Lab lab;
    private final Vertx vertx;
    private final Vertx oracleVertx;
    private final EventRecorder events;
    private final RouterProbe probe;
    private final LettuceWriter lettuce;
    private final RedisSettings settings;
    private final List<HostAndPort> nodes;

    Session(Lab lab, Vertx oracleVertx, EventRecorder events, RouterProbe probe, LettuceWriter lettuce,
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
      Victim victim = victim(topology, index, step);
      awaitServing(topology, step);

      long baselineFrom = System.currentTimeMillis();
      CpuMeter.Reading cpuStart = CpuMeter.read();
      Await.window(vertx, options.baselineMs());
      forgetBefore(baselineFrom - 1000);

      Oracle oracle = new Oracle(victim.shard().replicas(), Oracle.keyIn(victim.failedSlots()), settings,
          options.oracleIntervalMs());
      String oracleId = startOracle(oracle, victim, step);
      CpuMeter.Reading cpuKill = CpuMeter.read();
      long killAt = crash(victim, step);
      long windowEnd = awaitRecovery(oracle, victim, killAt, step) + SETTLE_MS;
      Await.window(vertx, windowEnd - System.currentTimeMillis());
      CpuMeter.Reading cpuEnd = CpuMeter.read();
      // The services' stats windows covering the failover are published within a second.
      Await.window(vertx, windowEnd + STATS_WINDOW_MS - System.currentTimeMillis());
      Kill kill = new Kill(killAt, windowEnd);

      FailoverRecord.Builder record = FailoverRecord.builder(index, new FailoverRecord.Fault("crash",
              victim.node().toString(), victim.node().toString(), null, "SIGKILL of the redis-server process", killAt),
          victim.label());
      recordClients(record, victim, kill, step);
      FailoverSample.HealthyShards healthy = healthyShards(victim, kill, pooledBefore, pooledDuring, step);
      HostAndPort promoted = oracle.promoted();
      record.promoted(promoted == null ? null : promoted.toString())
          .oracle(new FailoverRecord.OracleReading(oracle.firstSuccessAt(), oracle.meanPeriodMs()));
      dump(step, index, kill, victim.failedSlots());
      Await.result(oracleVertx.undeploy(oracleId), Duration.ofSeconds(10), step + ": stopping the oracle");

      FailoverSample sample = new FailoverSample(record.build(), healthy, null, CpuMeter.between(cpuStart, cpuKill),
          CpuMeter.between(cpuKill, cpuEnd));
      printLags(step, sample);
      restart(victim, step);
      return setup.incidents() ? checkIncident(sample, step, victim.node(), promoted, killAt) : sample;
    }

    /** Round-robin over the shards in slot order: failover {@code index} hits shard (index - 1) mod shards. */
    private Victim victim(SlotMap topology, int index, String step) {
      List<SlotMap.Shard> shards = new ArrayList<>(topology.shards());
      shards.sort(Comparator.comparingInt(shard -> shard.ranges().get(0).from()));
      SlotMap.Shard shard = shards.get((index - 1) % shards.size());
      if (shard.replicas().isEmpty()) {
        throw new MeasurementFailure(step + ": " + shard.master() + " has no replica to promote");
      }
      BitSet failedSlots = slots(shard.ranges());
      BitSet healthySlots = (BitSet) failedSlots.clone();
      healthySlots.flip(0, SlotHash.SLOTS);
      return new Victim(shard, failedSlots, healthySlots);
    }

    private String startOracle(Oracle oracle, Victim victim, String step) {
      String id = Await.result(oracleVertx.deployVerticle(oracle), Duration.ofSeconds(10), step + ": starting the oracle");
      Await.until(vertx, step + ": the oracle connected", Duration.ofSeconds(10), Bench.POLL,
          () -> oracle.answers() > 0 ? null
              : "no reply from " + victim.shard().replicas() + " yet (last error " + oracle.lastError() + ")");
      return id;
    }

    private long crash(Victim victim, String step) {
      long killAt = System.currentTimeMillis();
      Await.result(lab.cluster().crash(victim.node().port()), Duration.ofSeconds(30), step + ": crash " + victim.node());
      print(step + ": killed " + victim.node() + " (slots " + victim.label() + "), oracle writing to "
          + victim.shard().replicas() + " every " + options.oracleIntervalMs() + " ms");
      return killAt;
    }

    /** Waits until the oracle and every client wrote to the failed shard again; returns the last of those moments. */
    private long awaitRecovery(Oracle oracle, Victim victim, long killAt, String step) {
      String label = victim.label();
      Await.until(vertx, step + ": the oracle, writer, reader and router probe writing to " + label + " again",
          options.phaseTimeout(), Bench.POLL, () -> {
            List<String> waiting = new ArrayList<>();
            if (oracle.firstSuccessAt() == null) {
              waiting.add("oracle (" + oracle.attempts() + " attempts, last " + oracle.lastError() + ")");
            }
            for (String service : SERVICES) {
              if (events.recoveredAt(service, label, killAt) == null) {
                waiting.add(service);
              }
            }
            if (probe.log().recoveredAt(victim.failedSlots(), killAt) == null) {
              waiting.add(PROBE);
            }
            return waiting.isEmpty() ? null : "waiting for " + waiting;
          });
      long last = Math.max(oracle.firstSuccessAt(), probe.log().recoveredAt(victim.failedSlots(), killAt));
      for (String service : SERVICES) {
        last = Math.max(last, events.recoveredAt(service, label, killAt));
      }
      return last;
    }

    /** Each client's recovery and its errors on the healthy shards over the window; Lettuce gets its own deadline. */
    private void recordClients(FailoverRecord.Builder record, Victim victim, Kill kill, String step) {
      String label = victim.label();
      for (String service : SERVICES) {
        record.client(service, new ClientRecovery(events.recoveredAt(service, label, kill.at()),
            events.healthyShardErrors(service, label, kill.at(), kill.windowEnd())));
      }
      record.client(PROBE, new ClientRecovery(probe.log().recoveredAt(victim.failedSlots(), kill.at()),
          probe.log().attemptErrors(victim.healthySlots(), kill.at(), kill.windowEnd())));
      if (lettuce != null) {
        long deadline = kill.at() + options.phaseTimeout().toMillis();
        try {
          Await.until(vertx, step + ": Lettuce writing to " + label + " again", options.phaseTimeout(), Bench.POLL,
              () -> lettuce.log().recoveredAt(victim.failedSlots(), kill.at()) != null
                  || System.currentTimeMillis() > deadline ? null : "Lettuce has not written to " + label + " since the kill");
        } catch (MeasurementFailure e) {
          print(step + ": " + e.getMessage());
        }
        record.client(LETTUCE, new ClientRecovery(lettuce.log().recoveredAt(victim.failedSlots(), kill.at()),
            lettuce.log().attemptErrors(victim.healthySlots(), kill.at(), kill.windowEnd())));
      }
      Await.until(vertx, step + ": no client outage left", options.phaseTimeout(), Bench.POLL, () -> {
        List<String> open = new ArrayList<>();
        for (String service : SERVICES) {
          open.add(service + " " + events.openOutages(service));
        }
        return SERVICES.stream().allMatch(service -> events.openOutages(service).isEmpty()) ? null
            : "open outages: " + String.join(", ", open);
      });
    }

    /** The router probe's latency on the healthy shards before and during, and the services' outages there. */
    private FailoverSample.HealthyShards healthyShards(Victim victim, Kill kill, Histogram pooledBefore,
                                                       Histogram pooledDuring, String step) {
      Histogram before = newHistogram();
      Histogram during = newHistogram();
      probe.log().latencies(victim.healthySlots(), kill.at() - options.baselineMs(), kill.at(), before);
      probe.log().latencies(victim.healthySlots(), kill.at(), kill.windowEnd(), during);
      pooledBefore.add(before);
      pooledDuring.add(during);
      long now = System.currentTimeMillis();
      long longest = 0;
      Map<String, Long> errorTypes = new TreeMap<>();
      for (String service : SERVICES) {
        longest = Math.max(longest, events.longestOtherOutage(service, victim.label(), kill.at(), now));
        events.otherOutageErrors(service, victim.label(), kill.at(), now)
            .forEach((type, count) -> errorTypes.merge(service + " " + type, count, Long::sum));
      }
      if (!errorTypes.isEmpty()) {
        print(step + ": outages on healthy shards: " + errorTypes + " (longest " + longest + " ms)");
      }
      return new FailoverSample.HealthyShards(p99Ms(before), p99Ms(during), longest);
    }

    private void printLags(String step, FailoverSample sample) {
      print(step + ": oracle up after " + sample.oracleUnavailability() + " ms; lag behind it: writer "
          + sample.lag(WRITER) + " ms, reader " + sample.lag(READER) + " ms, router probe " + sample.lag(PROBE) + " ms"
          + (lettuce == null ? "" : ", lettuce " + (sample.at(LETTUCE) == null ? "not recovered"
              : sample.lag(LETTUCE) + " ms")));
    }

    private void restart(Victim victim, String step) {
      Await.result(lab.cluster().restart(victim.node().port()), Duration.ofSeconds(60), step + ": restart " + victim.node());
      Await.result(lab.cluster().awaitHealthy(options.phaseTimeout()), options.phaseTimeout().plusSeconds(5),
          step + ": cluster healthy and in sync after the restart");
    }

    /** The monitor's incident for this crash, closed, with the oracle's promoted node, no lost write and its milestones. */
    private FailoverSample checkIncident(FailoverSample sample, String step, HostAndPort victim, HostAndPort promoted,
                                         long killAt) {
      String verdict;
      try {
        Await.until(vertx, step + ": the monitor's incident closed", options.phaseTimeout(), Bench.POLL, () -> {
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
        sample = new FailoverSample(sample.record().toBuilder().incident(report).build(), sample.healthy(), null,
            sample.cpuBefore(), sample.cpuDuring());
      } catch (MeasurementFailure e) {
        verdict = e.getMessage();
      }
      if (!"ok".equals(verdict)) {
        print(step + ": incident check: " + verdict);
      }
      return sample.withIncidentCheck(verdict);
    }

    /** The router probe's operations around the kill, for a look at where the time went. */
    private void dump(String step, int index, Kill kill, BitSet failedSlots) {
      Path file = workDir.resolve(setup.name() + "-failover-" + index + "-probe.csv");
      try {
        probe.log().dump(file, kill.at() - options.baselineMs(), kill.windowEnd(), kill.at(), failedSlots);
      } catch (IOException e) {
        print(step + ": could not write " + file + ": " + e.getMessage());
      }
    }

    private SlotMap topology() {
      SlotMap map = Await.result(probe.topology(nodes), Duration.ofSeconds(10), "reading the topology");
      if (map.isEmpty() || map.uncoveredSlots() > 0) {
        throw new MeasurementFailure("the cluster does not serve every slot (" + map.uncoveredSlots() + " uncovered)");
      }
      return map;
    }

    /**
     * The lab ready for the next failover ({@link HealthGate}: the local cluster, the monitor's view,
     * writer and reader), and the router probe and Lettuce succeeding on every shard in the last second.
     */
    private void awaitServing(SlotMap topology, String step) {
      List<BitSet> shardSlots = topology.shards().stream().map(shard -> slots(shard.ranges())).toList();
      HealthGate.await(lab, events, SERVICES, setup.lab().masters(), options.phaseTimeout(), step, () -> {
        long now = System.currentTimeMillis();
        for (BitSet slots : shardSlots) {
          if (!probe.log().succeededSince(slots, now - 1000)) {
            return "the router probe is not serving every shard yet";
          }
          if (lettuce != null && !lettuce.log().succeededSince(slots, now - 1000)) {
            return "Lettuce is not serving every shard yet";
          }
        }
        return null;
      });
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
