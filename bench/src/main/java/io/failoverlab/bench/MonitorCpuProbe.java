package io.failoverlab.bench;

import io.failoverlab.measure.Await;
import io.failoverlab.measure.MeasurementFailure;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runs monitor-service.jar as a child process against a cluster for a while and reports what one
 * poll of every node costs it in CPU: the process's CPU time over the window divided by the polls its
 * /stats counted in it. In its own process, so the writer and reader do not blur the figure.
 */
final class MonitorCpuProbe {

  static final Pattern STARTED = Pattern.compile("event=service_started service=monitor .*?http_port=(\\d+)");
  private static final long WARMUP_MS = 3000;

  private MonitorCpuProbe() {
  }

  static RecoveryPhase.MonitorCpu measure(Vertx vertx, BenchOptions options, List<String> seeds, Path workDir,
                                          String name) {
    try (ChildJvm monitor = ChildJvm.start(vertx, "monitor-" + name, options.monitorJar(), options.childJvmOptions(),
        List.of(), Map.of("REDIS_NODES", String.join(",", seeds), "HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1"), workDir)) {
      monitor.awaitReady(STARTED, "/health/ready", Duration.ofSeconds(60));
      Await.window(vertx, WARMUP_MS);
      long polls0 = polls(monitor.getJson("/stats"));
      long cpu0 = monitor.cpuMillis();
      long t0 = System.nanoTime();
      Await.window(vertx, options.monitorSeconds() * 1000L);
      JsonObject stats = monitor.getJson("/stats");
      long cpu1 = monitor.cpuMillis();
      double seconds = (System.nanoTime() - t0) / 1e9;
      long polls = polls(stats) - polls0;
      if (polls <= 0) {
        throw new MeasurementFailure(monitor.name() + " did not poll in " + seconds + " s; see " + monitor.log());
      }
      return new RecoveryPhase.MonitorCpu(seeds.size(), polls, seconds, (double) (cpu1 - cpu0) / polls,
          seconds * 1000 / polls, stats.getJsonObject("poller").getLong("maxPollMs"));
    }
  }

  private static long polls(JsonObject stats) {
    return stats.getJsonObject("poller").getLong("polls");
  }
}
