package io.failoverlab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's command, as a user runs it: the fat jar starts everything, serves, and cleans up on SIGTERM. */
class LabJarIT {

  private static final Path JAR = Path.of("target", "failover-lab.jar");

  private static Process start(String... args) throws Exception {
    assertThat(JAR).exists();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  @Test
  void theJarStartsTheLabPrintsItsUrlsAndLeavesNothingBehindOnSigterm() throws Exception {
    Process lab = start("--port-base", "7450", "--node-timeout-ms", "1000",
        "--monitor-port", "0", "--writer-port", "0", "--reader-port", "0");
    StringBuilder output = new StringBuilder();
    CompletableFuture<String> monitorUrl = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      Pattern url = Pattern.compile("monitor:\\s+(http://\\S+?)/api/topology");
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(lab.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          synchronized (output) {
            output.append(line).append('\n');
          }
          Matcher matcher = url.matcher(line);
          if (matcher.find()) {
            monitorUrl.complete(matcher.group(1));
          }
        }
      } catch (Exception e) {
        monitorUrl.completeExceptionally(e);
      }
      monitorUrl.completeExceptionally(new AssertionError("lab exited before printing its URLs"));
    });
    reader.start();
    List<ProcessHandle> redis;
    try {
      String base = monitorUrl.get(120, TimeUnit.SECONDS);
      synchronized (output) {
        assertThat(output.toString()).contains("redis-server: ").contains("127.0.0.1:7450-7455");
      }
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
    reader.join(10_000);
    for (ProcessHandle node : redis) {
      assertThat(node.isAlive()).as("redis pid %d alive after the lab stopped", node.pid()).isFalse();
    }
    synchronized (output) {
      assertThat(output.toString()).contains("event=lab_stopping").contains("event=lab_stopped")
          .doesNotContain("outage_start");
    }
  }

  @Test
  void badOptionsAreRefusedByNameWithoutStartingAnything() throws Exception {
    Process lab = start("--node-timeout-ms", "5");
    String output = new String(lab.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(lab.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(lab.exitValue()).isEqualTo(2);
    assertThat(output).contains("--node-timeout-ms").contains("5");
    assertThat(output).doesNotContain("redis-server:");
  }
}
