package io.failoverlab.lab.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.testsupport.JavaJar;
import io.failoverlab.testsupport.ProcessRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each service's jar, started with a bad variable, exits by itself with code 2 and a message naming
 * the variable, before it opens any connection (the seed points at a port nothing listens on).
 */
class BadConfigurationIT {

  @ParameterizedTest(name = "{0} with {1}={2}")
  @CsvSource(delimiter = '|', value = {
      "writer-service  | WRITER_RATE      | lots",
      "writer-service  | HTTP_HOST        | 999.1.1.1",
      "reader-service  | READER_READ_FROM | slave",
      "reader-service  | REDIS_USER       | app",
      "monitor-service | CHAOS_TOKEN      | short",
      "monitor-service | LOG_LEVEL        | LOUD"})
  void theJarExitsWithCodeTwoNamingTheVariable(String service, String variable, String value) throws Exception {
    ProcessBuilder builder = JavaJar.command(Path.of("..", service, "target", service + ".jar"));
    builder.environment().putAll(Map.of("REDIS_NODES", "127.0.0.1:8399", "HTTP_PORT", "0", variable, value));
    ProcessRun run = ProcessRun.of(builder, Duration.ofSeconds(60));
    assertThat(run.exited()).as("%s exits by itself; it printed: %s", service, run.output()).isTrue();
    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(run.output()).contains(service + ": invalid configuration: " + variable + ":");
    assertThat(List.of(run.output().split("\n"))).noneMatch(line -> line.contains("event=service_started"));
  }
}
