package io.failoverlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.bench.BenchOptions.Measurement;
import io.failoverlab.common.config.Env;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

  private record Run(int exit, String out, String err, BenchCommand command) {
  }

  private static Run parse(String... args) {
    BenchCommand bench = new BenchCommand(new Env(Map.of()));
    CommandLine line = new CommandLine(bench);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    int exit;
    try {
      line.parseArgs(args);
      bench.options();
      exit = 0;
    } catch (CommandLine.ParameterException e) {
      err.write(e.getMessage());
      exit = 2;
    }
    return new Run(exit, out.toString(), err.toString(), bench);
  }

  @Test
  void defaultsRunEveryMeasurementButTimingWithTenFailoversOnPorts8100Up() {
    Run run = parse();
    BenchOptions options = run.command().options();
    assertThat(options.measurements()).containsExactlyInAnyOrderElementsOf(
        java.util.Arrays.stream(Measurement.values()).filter(m -> m != Measurement.TIMING).toList());
    assertThat(options.failovers()).isEqualTo(10);
    assertThat(options.nodeTimeoutMs()).isEqualTo(1000);
    assertThat(options.portBase()).isEqualTo(8100);
    assertThat(options.writerJar().toString()).endsWith("writer-service/target/writer-service.jar");
    assertThat(options.lab(BenchOptions.SCALE_PORT_OFFSET, false).withShape(6, 2).clusterConfig().nodeCount())
        .isEqualTo(18);
  }

  @Test
  void onlyPicksMeasurementsByName() {
    BenchOptions options = parse("--only", "recovery,throughput").command().options();
    assertThat(options.measurements()).containsExactlyInAnyOrder(Measurement.RECOVERY, Measurement.THROUGHPUT);
    assertThat(options.recoveryPhase()).isTrue();
    assertThat(parse("--only", "memory").command().options().recoveryPhase()).isFalse();
  }

  @Test
  void unknownMeasurementsAndPortsOutsideOurShareAreUsageErrors() {
    Run unknown = parse("--only", "recovery,latency");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown measurement 'latency'");

    // Scale's 18 nodes from 8240 on would reach 8300 + 10000 bus ports: outside 8100-8299.
    Run ports = parse("--port-base", "8250");
    assertThat(ports.exit()).isEqualTo(2);
    assertThat(ports.err()).contains("1024-8299");

    assertThat(parse("--failovers", "0").exit()).isEqualTo(2);
  }

  @Test
  void timingRunsOnItsOwnWithItsDefaults() {
    BenchOptions options = parse("--only", "timing").command().options();
    assertThat(options.measurements()).containsExactly(Measurement.TIMING);
    TimingOptions timing = options.timing();
    assertThat(timing.nodeTimeoutsMs()).containsExactly(500, 1000, 2000, 5000, 15000);
    assertThat(timing.servers()).containsExactly(RedisServerChoice.system(), RedisServerChoice.bundled());
    assertThat(timing.shapes()).containsExactly(new TimingShape(3, 1), new TimingShape(6, 1), new TimingShape(6, 2));
    assertThat(timing.failovers()).isEqualTo(5);
    assertThat(timing.axisNodeTimeoutMs()).isEqualTo(1000);
    // 5 node timeouts, bundled at 1000, 6x1 and 6x2 at 1000: the 1000 ms 3x1 system point is shared.
    assertThat(timing.points()).hasSize(8);
    assertThat(options.portBase() + BenchOptions.TIMING_PORT_OFFSET).isEqualTo(8180);
  }

  @Test
  void badTimingOptionsAreUsageErrorsNamingTheOption(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    assertUsageError("--timing-node-timeouts", "'--timing-node-timeouts': 50 is not between 100 and 60000",
        "--timing-node-timeouts", "500,50");
    assertUsageError("--timing-node-timeouts", "'--timing-node-timeouts'", "--timing-node-timeouts", "1s");
    assertUsageError("--redis-server", "'--redis-server': /no/such/redis-server does not exist",
        "--redis-server", "bundled,/no/such/redis-server");
    java.nio.file.Path plain = java.nio.file.Files.createFile(dir.resolve("redis-server"));
    assertUsageError("--redis-server", "'--redis-server': " + plain + " is not an executable file",
        "--redis-server", plain.toString());
    assertUsageError("--timing-shapes", "'--timing-shapes': '2x1': masters must be 3-16", "--timing-shapes", "3x1,2x1");
    assertUsageError("--timing-shapes", "'--timing-shapes': '6x4': replicas per master must be 1-3",
        "--timing-shapes", "6x4");
    assertUsageError("--timing-shapes", "'--timing-shapes': 'big' is not MASTERSxREPLICAS", "--timing-shapes", "big");
    assertUsageError("--timing-failovers", "'--timing-failovers': 0 is not between 1 and 1000",
        "--timing-failovers", "0");
    java.nio.file.Path file = java.nio.file.Files.createFile(dir.resolve("report"));
    assertUsageError("--timing-out", "'--timing-out': " + file + " is not a directory", "--timing-out",
        file.toString());
    // 16x3 = 64 nodes from 8180 reach 8243: inside 8100-8299; from port base 8200 they would not.
    assertThat(parse("--only", "timing", "--timing-shapes", "16x3").exit()).isZero();
    Run ports = parse("--only", "timing", "--port-base", "8200", "--timing-shapes", "16x3");
    assertThat(ports.exit()).isEqualTo(2);
    assertThat(ports.err()).contains("'--port-base'", "1024-8299");
    assertThat(parse("--only", "clock", "--port-base", "8200", "--timing-shapes", "16x3").exit())
        .as("timing's ports only count when timing runs").isZero();
  }

  @Test
  void migrationTakesItsCountsAndClientsAndRefusesOutOfRange() {
    BenchOptions options = parse("--only", "migration", "--migrations", "2", "--migration-slots", "300",
        "--migration-fill", "0", "--clients", "jedis:tuned").command().options();
    assertThat(options.measurements()).containsExactly(Measurement.MIGRATION);
    assertThat(options.migration()).isEqualTo(new BenchOptions.MigrationOptions(2, 300, 0));
    assertThat(options.clients().clients().specs()).hasSize(1);
    assertThat(parse("--only", "migration").command().options().migration())
        .isEqualTo(new BenchOptions.MigrationOptions(3, 1024, 100_000));
    assertThat(parse("--only", "migration").command().options().clients().clients().specs())
        .as("every client under test by default, as the scorecard").hasSize(14);
    assertThat(parse("--only", "recovery").command().options().clients().clients().specs()).isEmpty();
    for (String[] bad : new String[][] {{"--migrations", "0"}, {"--migration-slots", "0"},
        {"--migration-slots", "5001"}, {"--migration-fill", "-1"}}) {
      Run run = parse("--only", "migration", bad[0], bad[1]);
      assertThat(run.exit()).as(String.join(" ", bad)).isEqualTo(2);
      assertThat(run.err()).contains("'" + bad[0] + "'");
    }
  }

  @Test
  void errorstatsCountsAreReadFromTheirField() {
    assertThat(MigrationPhase.count("count=12")).isEqualTo(12);
    assertThat(MigrationPhase.count(null)).isZero();
    assertThat(MigrationPhase.count("count=3,other=1")).isEqualTo(3);
  }

  private static void assertUsageError(String option, String message, String... args) {
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("--only", "timing"));
    all.addAll(java.util.List.of(args));
    Run run = parse(all.toArray(String[]::new));
    assertThat(run.exit()).as(option + " " + java.util.Arrays.toString(args)).isEqualTo(2);
    assertThat(run.err()).contains(message);
  }
}
