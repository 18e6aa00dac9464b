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
  void defaultsRunEveryMeasurementWithTenFailoversOnPorts8100Up() {
    Run run = parse();
    BenchOptions options = run.command().options();
    assertThat(options.measurements()).containsExactlyInAnyOrder(Measurement.values());
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
}
