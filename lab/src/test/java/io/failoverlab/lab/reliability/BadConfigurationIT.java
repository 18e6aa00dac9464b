package io.failoverlab.lab.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    Path jar = Path.of("..", service, "target", service + ".jar");
    assertThat(jar).exists();
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString());
    builder.environment().putAll(Map.of("REDIS_NODES", "127.0.0.1:8399", "HTTP_PORT", "0", variable, value));
    Path log = Files.createTempFile(service, ".log");
    Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      boolean exited = process.waitFor(60, TimeUnit.SECONDS);
      String output = Files.readString(log);
      assertThat(exited).as("%s exits by itself; it printed: %s", service, output).isTrue();
      assertThat(process.exitValue()).as(output).isEqualTo(2);
      assertThat(output).contains(service + ": invalid configuration: " + variable + ":");
      assertThat(List.of(output.split("\n"))).noneMatch(line -> line.contains("event=service_started"));
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(log);
    }
  }
}
