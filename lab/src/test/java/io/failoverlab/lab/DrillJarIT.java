package io.failoverlab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.testsupport.JavaJar;
import io.failoverlab.testsupport.Ports;
import io.failoverlab.testsupport.ProcessRun;
import io.failoverlab.testsupport.TestDirs;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
    ProcessBuilder builder = JavaJar.command(Path.of("target", "failover-lab.jar"), "drill", "--port-base", "7620",
        "--node-timeout-ms", "1000", "--failovers", "1", "--max-unavailability-ms", "1", "--max-lost-writes", "1000000",
        "--out", out.toString());
    builder.environment().putAll(ENV);
    builder.environment().remove("REDIS_NODES");
    ProcessRun drill = ProcessRun.of(builder, Duration.ofSeconds(180));
    String said = drill.output();
    assertThat(drill.exited()).as("drill finished; output:\n%s", said).isTrue();
    assertThat(drill.exitCode()).as("exit code; output:\n%s", said).isEqualTo(1);
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
