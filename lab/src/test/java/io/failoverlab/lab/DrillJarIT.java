package io.failoverlab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.testsupport.Ports;
import io.failoverlab.testsupport.TestDirs;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The drill as a pipeline runs it: {@code java -jar failover-lab.jar drill} with a threshold, its exit
 * code and its report (the drill module's DrillIT runs drills in-process). Ports 7620-7625 only.
 */
class DrillJarIT {

  private static final Path OUT = Path.of("target", "drill-jar-it");
  /** The incident closes after this much quiet: short, to keep the test short. */
  private static final Map<String, String> ENV = Map.of("INCIDENT_QUIET_MS", "1500");

  @Test
  void anImpossibleThresholdFailsTheDrillWithExitCode1AndNamesIt() throws Exception {
    Path out = TestDirs.fresh(OUT.resolve("threshold"));
    Path jar = Path.of("target", "failover-lab.jar");
    assertThat(jar).exists();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), "drill", "--port-base", "7620", "--node-timeout-ms", "1000", "--failovers", "1",
        "--max-unavailability-ms", "1", "--max-lost-writes", "1000000", "--out", out.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(ENV);
    builder.environment().remove("REDIS_NODES");
    Process drill = builder.start();
    StringBuilder output = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(drill.getInputStream(), StandardCharsets.UTF_8))) {
        lines.lines().forEach(line -> {
          synchronized (output) {
            output.append(line).append('\n');
          }
        });
      } catch (Exception e) {
        // The process ended; what was read is what it said.
      }
    });
    reader.start();
    boolean exited = drill.waitFor(180, TimeUnit.SECONDS);
    if (!exited) {
      drill.toHandle().destroy();
      drill.waitFor(60, TimeUnit.SECONDS);
    }
    reader.join(10_000);
    String said;
    synchronized (output) {
      said = output.toString();
    }
    assertThat(exited).as("drill finished; output:\n%s", said).isTrue();
    assertThat(drill.exitValue()).as("exit code; output:\n%s", said).isEqualTo(1);
    assertThat(said).contains("threshold missed: --max-unavailability-ms 1: worst write unavailability (ms)")
        .contains("(failover 1) > 1, MISSED")
        .contains("threshold --max-lost-writes 1000000:").contains(", met");
    Ports.assertFree(7620, 7625);

    JsonObject report = new JsonObject(Files.readString(out.resolve("report.json")));
    assertThat(report.getString("status")).isEqualTo("threshold_missed");
    assertThat(report.getJsonArray("failovers")).hasSize(1);
    JsonObject check = report.getJsonArray("thresholds").getJsonObject(0);
    assertThat(check.getString("option")).isEqualTo("--max-unavailability-ms");
    assertThat(check.getBoolean("passed")).isFalse();
    assertThat(check.getLong("actual")).isGreaterThan(1L);
    assertThat(Files.readString(out.resolve("report.html"))).contains("THRESHOLD MISSED");
  }
}
