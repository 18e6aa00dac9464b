package io.failoverlab.bench;

import io.failoverlab.common.contract.ServiceName;
import io.failoverlab.localcluster.LocalClusterConfig;
import io.failoverlab.localcluster.LocalRedisCluster;
import io.failoverlab.measure.Await;
import io.failoverlab.measure.MeasurementFailure;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Throughput and footprint under full load, on one local cluster (3 masters + 3 replicas), in
 * rounds that alternate the two sides so that the machine's noise hits both alike:
 * redis-benchmark INCR, then the writer flat out; redis-benchmark INCR and GET together, then writer
 * and reader flat out together. Same connections (one per master) and the same requests in flight
 * (masters x pipeline) on both sides. The services run as their own fat jars in child processes, so
 * each one's heap, RSS and CPU are measured on its own; then the one-JVM lab jar runs flat out on a
 * cluster of its own.
 */
final class LoadPhase {

  /** One process under full load. */
  record Footprint(String process, String load, double heapAfterGcMb, double rssMb, double cpuCores, Double opsPerSecond) {
  }

  /** One round: ops/s of each side. */
  record Round(int index, double benchmarkIncr, double writer, double benchmarkIncrGet, double writerReader,
               double writerWithReader) {
  }

  record Result(List<Round> rounds, List<Footprint> footprints, String benchmarkCommand, int connections, int inFlight,
                String error) {
  }

  /** The processes measured, by the name each has in the memory table. */
  private static final String WRITER = ServiceName.WRITER.label();
  private static final String READER = ServiceName.READER.label();
  private static final String MONITOR = ServiceName.MONITOR.label();
  private static final String LAB = "lab";

  static final int MASTERS = 3;
  static final int KEY_COUNT = 1024;
  private static final Pattern SERVICE_STARTED = Pattern.compile("event=service_started service=\\w+ .*?http_port=(\\d+)");
  private static final Pattern LAB_WRITER = Pattern.compile("writer:\\s+http://[^:]+:(\\d+)/stats");
  private static final Pattern LAB_READER = Pattern.compile("reader:\\s+http://[^:]+:(\\d+)/stats");

  private final BenchOptions options;
  private final Vertx vertx;
  private final PrintWriter out;
  private final Path workDir;
  private final boolean throughput;
  private final boolean memory;
  private final int inFlight;
  private final Map<String, Footprint> footprints = new HashMap<>();

  LoadPhase(BenchOptions options, Vertx vertx, PrintWriter out, Path workDir, boolean throughput, boolean memory) {
    this.options = options;
    this.vertx = vertx;
    this.out = out;
    this.workDir = workDir;
    this.throughput = throughput;
    this.memory = memory;
    this.inFlight = MASTERS * options.pipeline();
  }

  Result run() {
    int port = options.portBase() + BenchOptions.LOAD_PORT_OFFSET;
    LocalRedisCluster cluster = LocalRedisCluster.create(vertx, LocalClusterConfig.defaults().withPortBase(port)
        .withNodeTimeoutMs(options.nodeTimeoutMs()).withRequireFullCoverage(false));
    List<Round> rounds = new ArrayList<>();
    String error = null;
    String command = String.join(" ", RedisBenchmark.command(options.redisBenchmark(), port, "incr", MASTERS,
        options.pipeline(), 0)).replace(" -n 0", " -n N");
    try {
      print("starting a local cluster for throughput and memory on 127.0.0.1:" + port + "-" + (port + 5));
      Await.result(cluster.start(), Duration.ofSeconds(120), "starting the load cluster");
      String seeds = String.join(",", cluster.seedAddresses());
      int count = throughput ? options.throughputRounds() : 1;
      for (int round = 1; round <= count; round++) {
        rounds.add(round(round, port, seeds));
      }
    } catch (MeasurementFailure e) {
      error = e.getMessage();
      print("FAILED: " + error);
    } finally {
      try {
        cluster.stop().await(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        print("the load cluster did not stop cleanly: " + e);
      }
    }
    if (error == null && memory) {
      try {
        labFootprint();
      } catch (MeasurementFailure e) {
        error = e.getMessage();
        print("FAILED: " + error);
      }
    }
    List<Footprint> ordered = new ArrayList<>();
    for (String process : List.of(WRITER, READER, MONITOR, LAB)) {
      if (footprints.containsKey(process)) {
        ordered.add(footprints.get(process));
      }
    }
    return new Result(rounds, ordered, command, MASTERS, inFlight, error);
  }

  private Round round(int index, int port, String seeds) {
    String step = "load round " + index;
    double benchmarkIncr = Double.NaN;
    double benchmarkBoth = Double.NaN;
    if (throughput) {
      long requests = requestsFor(port, "incr");
      benchmarkIncr = RedisBenchmark.start(RedisBenchmark.command(options.redisBenchmark(), port, "incr", MASTERS,
          options.pipeline(), requests)).opsPerSecond();
      print(step + ": redis-benchmark INCR " + Math.round(benchmarkIncr) + " ops/s");
    }
    double writer;
    try (ChildJvm writerJvm = service(WRITER, seeds)) {
      Window window = measure(Map.of(WRITER, writerJvm));
      writer = window.rates().get(WRITER);
      if (memory) {
        record(WRITER, "INCR flat out", writerJvm, window);
      }
    }
    print(step + ": writer " + Math.round(writer) + " ops/s");
    if (throughput) {
      long incr = requestsFor(port, "incr");
      long get = requestsFor(port, "get");
      RedisBenchmark.Run incrRun = RedisBenchmark.start(RedisBenchmark.command(options.redisBenchmark(), port, "incr",
          MASTERS, options.pipeline(), incr));
      RedisBenchmark.Run getRun = RedisBenchmark.start(RedisBenchmark.command(options.redisBenchmark(), port, "get",
          MASTERS, options.pipeline(), get));
      benchmarkBoth = incrRun.opsPerSecond() + getRun.opsPerSecond();
      print(step + ": redis-benchmark INCR + GET together " + Math.round(benchmarkBoth) + " ops/s");
    }
    Window window;
    try (ChildJvm writerJvm = service(WRITER, seeds);
         ChildJvm readerJvm = service(READER, seeds);
         ChildJvm monitorJvm = memory ? monitor(seeds) : null) {
      Map<String, ChildJvm> jvms = new HashMap<>(Map.of(WRITER, writerJvm, READER, readerJvm));
      if (monitorJvm != null) {
        jvms.put(MONITOR, monitorJvm);
      }
      window = measure(jvms);
      if (memory) {
        record(READER, "GET flat out, writer flat out too", readerJvm, window);
        record(MONITOR, "polling the 6 nodes every 200 ms under that load", monitorJvm, window);
      }
    }
    double writerWithReader = window.rates().get(WRITER);
    double both = writerWithReader + window.rates().get(READER);
    print(step + ": writer + reader " + Math.round(both) + " ops/s (writer " + Math.round(writerWithReader) + ")");
    return new Round(index, benchmarkIncr, writer, benchmarkBoth, both, writerWithReader);
  }

  /** Requests for about {@code throughputSeconds} of redis-benchmark, from a short calibration run. */
  private long requestsFor(int port, String test) {
    double rps = RedisBenchmark.start(RedisBenchmark.command(options.redisBenchmark(), port, test, MASTERS,
        options.pipeline(), 50_000)).opsPerSecond();
    return Math.max(50_000, Math.round(rps * options.throughputSeconds()));
  }

  private ChildJvm service(String name, String seeds) {
    Path jar = name.equals(WRITER) ? options.writerJar() : options.readerJar();
    String prefix = name.toUpperCase(java.util.Locale.ROOT);
    Map<String, String> env = new HashMap<>(Map.of("REDIS_NODES", seeds, "HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1",
        prefix + "_RATE", "0", prefix + "_CONCURRENCY", Integer.toString(inFlight), "KEY_COUNT",
        Integer.toString(KEY_COUNT), "KEY_PREFIX", "benchload", "REDIS_CONNECTIONS_PER_NODE", "1"));
    ChildJvm jvm = ChildJvm.start(vertx, name, jar, options.childJvmOptions(), List.of(), env, workDir);
    try {
      jvm.awaitReady(SERVICE_STARTED, "/health/ready", Duration.ofSeconds(60));
      return jvm;
    } catch (RuntimeException e) {
      jvm.close();
      throw e;
    }
  }

  private ChildJvm monitor(String seeds) {
    ChildJvm jvm = ChildJvm.start(vertx, MONITOR, options.monitorJar(), options.childJvmOptions(), List.of(),
        Map.of("REDIS_NODES", seeds, "HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1"), workDir);
    try {
      jvm.awaitReady(MonitorCpuProbe.STARTED, "/health/ready", Duration.ofSeconds(60));
      return jvm;
    } catch (RuntimeException e) {
      jvm.close();
      throw e;
    }
  }

  /** Ops/s (writer, reader) and CPU cores (all) over one measurement window. */
  private record Window(Map<String, Double> rates, Map<String, Double> cores) {
  }

  /** Warm-up (JIT, connections), then ops/s and CPU of each process over the window. */
  private Window measure(Map<String, ChildJvm> jvms) {
    Await.window(vertx, options.warmupSeconds() * 1000L);
    Map<String, Long> ops0 = new HashMap<>();
    Map<String, Long> cpu0 = new HashMap<>();
    jvms.forEach((name, jvm) -> {
      if (!name.equals(MONITOR)) {
        ops0.put(name, succeeded(jvm));
      }
      cpu0.put(name, jvm.cpuMillis());
    });
    long t0 = System.nanoTime();
    Await.window(vertx, options.throughputSeconds() * 1000L);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Double> rates = new HashMap<>();
    Map<String, Double> cores = new HashMap<>();
    jvms.forEach((name, jvm) -> {
      if (ops0.containsKey(name)) {
        rates.put(name, (succeeded(jvm) - ops0.get(name)) / seconds);
      }
      cores.put(name, (jvm.cpuMillis() - cpu0.get(name)) / 1000.0 / seconds);
    });
    return new Window(rates, cores);
  }

  private static long succeeded(ChildJvm jvm) {
    return jvm.getJson("/stats").getJsonObject("totals").getLong("succeeded");
  }

  /** Heap after a full GC and RSS, once the load window is over; keeps the larger figures over rounds. */
  private void record(String process, String load, ChildJvm jvm, Window window) {
    double cpu = window.cores().get(process);
    Double ops = window.rates().get(process);
    double rss = jvm.rssMb();
    double heap = jvm.heapAfterGcMb();
    Footprint previous = footprints.get(process);
    Footprint now = previous == null ? new Footprint(process, load, heap, rss, cpu, ops)
        : new Footprint(process, load, Math.max(heap, previous.heapAfterGcMb()), Math.max(rss, previous.rssMb()),
            Math.max(cpu, previous.cpuCores()), ops == null ? null : Math.max(ops, previous.opsPerSecond()));
    footprints.put(process, now);
  }

  /** The one-JVM lab jar, writer and reader flat out, on a cluster of its own: RSS, heap after GC, CPU. */
  private void labFootprint() {
    int port = options.portBase() + BenchOptions.LAB_PORT_OFFSET;
    print("running the one-JVM lab (" + options.labJar().getFileName() + ") flat out on 127.0.0.1:" + port + "-"
        + (port + 5));
    Map<String, String> env = Map.of("WRITER_RATE", "0", "READER_RATE", "0", "WRITER_CONCURRENCY",
        Integer.toString(inFlight), "READER_CONCURRENCY", Integer.toString(inFlight), "KEY_COUNT",
        Integer.toString(KEY_COUNT), "LOG_LEVEL", "WARN");
    List<String> args = List.of("--port-base", Integer.toString(port), "--node-timeout-ms",
        Integer.toString(options.nodeTimeoutMs()), "--monitor-port", "0", "--writer-port", "0", "--reader-port", "0");
    try (ChildJvm lab = ChildJvm.start(vertx, LAB, options.labJar(), options.childJvmOptions(), args, env, workDir)) {
      lab.awaitReady(LAB_WRITER, "/health/ready", Duration.ofSeconds(180));
      int readerPort = lab.fromLog(LAB_READER);
      Await.window(vertx, options.warmupSeconds() * 1000L);
      long w0 = lab.getJson("/stats").getJsonObject("totals").getLong("succeeded");
      long r0 = lab.getJson(readerPort, "/stats").getJsonObject("totals").getLong("succeeded");
      long cpu0 = lab.cpuMillis();
      long t0 = System.nanoTime();
      Await.window(vertx, options.throughputSeconds() * 1000L);
      double seconds = (System.nanoTime() - t0) / 1e9;
      long w1 = lab.getJson("/stats").getJsonObject("totals").getLong("succeeded");
      long r1 = lab.getJson(readerPort, "/stats").getJsonObject("totals").getLong("succeeded");
      double cpu = (lab.cpuMillis() - cpu0) / 1000.0 / seconds;
      double rss = lab.rssMb();
      double heap = lab.heapAfterGcMb();
      footprints.put(LAB, new Footprint(LAB, "writer + reader flat out, monitor polling", heap, rss, cpu,
          (w1 - w0 + r1 - r0) / seconds));
    }
  }

  private void print(String line) {
    out.println("bench: " + line);
    out.flush();
  }
}
