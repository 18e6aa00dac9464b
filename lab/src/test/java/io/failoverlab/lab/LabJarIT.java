package io.failoverlab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.testsupport.JavaJar;
import io.failoverlab.testsupport.ProcessOutput;
import io.failoverlab.testsupport.ProcessRun;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's command, as a user runs it: the fat jar starts everything, serves, and cleans up on SIGTERM. */
class LabJarIT {

  private static final Path JAR = Path.of("target", "failover-lab.jar");

  @Test
  void theJarStartsTheLabPrintsItsUrlsAndLeavesNothingBehindOnSigterm() throws Exception {
    Process lab = JavaJar.command(JAR, "--port-base", "7450", "--node-timeout-ms", "1000",
        "--monitor-port", "0", "--writer-port", "0", "--reader-port", "0").start();
    ProcessOutput output = ProcessOutput.follow(lab);
    List<ProcessHandle> redis;
    try {
      String base = output.awaitLine(Pattern.compile("monitor:\\s+(http://\\S+?)/api/topology"), Duration.ofSeconds(120))
          .group(1);
      assertThat(output.text()).contains("redis-server: ").contains("127.0.0.1:7450-7455");
      HttpResponse<String> topology = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(base + "/api/topology")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(topology.statusCode()).isEqualTo(200);
      assertThat(topology.body()).contains("127.0.0.1:7450");
      redis = lab.descendants().filter(p -> p.info().command().orElse("").contains("redis")).toList();
      assertThat(redis).hasSize(6);
    } finally {
      // SIGTERM, as Ctrl-C or docker stop would send. Not Process.destroy(): it also closes our end of the pipe.
      lab.toHandle().destroy();
    }
    assertThat(lab.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String said = output.awaitEnd(Duration.ofSeconds(10));
    for (ProcessHandle node : redis) {
      assertThat(node.isAlive()).as("redis pid %d alive after the lab stopped", node.pid()).isFalse();
    }
    assertThat(said).contains("event=lab_stopping").contains("event=lab_stopped").doesNotContain("outage_start");
  }

  @Test
  void badOptionsAreRefusedByNameWithoutStartingAnything() throws Exception {
    ProcessRun run = ProcessRun.of(JavaJar.command(JAR, "--node-timeout-ms", "5"), Duration.ofSeconds(60));
    assertThat(run.exited()).isTrue();
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("--node-timeout-ms").contains("5");
    assertThat(run.output()).doesNotContain("redis-server:");
  }
}
