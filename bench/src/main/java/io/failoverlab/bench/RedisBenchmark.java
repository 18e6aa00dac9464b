package io.failoverlab.bench;

import io.failoverlab.measure.MeasurementFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code redis-benchmark --cluster} (Debian's redis-tools) for one test (INCR or GET) and reads
 * its requests per second from the CSV it prints. In cluster mode it spreads its {@code -c} clients
 * over the masters (one connection each with -c = masters) and pipelines {@code -P} commands on each.
 */
final class RedisBenchmark {

  private RedisBenchmark() {
  }

  /** The command line (also printed in the report, so the figure can be reproduced by hand). */
  static List<String> command(String binary, int port, String test, int clients, int pipeline, long requests) {
    return List.of(binary, "--cluster", "-h", "127.0.0.1", "-p", Integer.toString(port), "-c", Integer.toString(clients),
        "-P", Integer.toString(pipeline), "-t", test, "-n", Long.toString(requests), "-r", "100000", "-q", "--csv");
  }

  /** A started redis-benchmark; {@link #opsPerSecond()} waits for it to end. */
  static final class Run {
    private final Process process;
    private final List<String> command;

    private Run(Process process, List<String> command) {
      this.process = process;
      this.command = command;
    }

    double opsPerSecond() {
      try {
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
          throw new MeasurementFailure(String.join(" ", command) + " failed: " + output.strip());
        }
        return parseRps(output);
      } catch (IOException e) {
        throw new MeasurementFailure("reading redis-benchmark's output: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new MeasurementFailure("interrupted waiting for redis-benchmark", e);
      }
    }
  }

  static Run start(List<String> command) {
    try {
      return new Run(new ProcessBuilder(command).redirectErrorStream(true).start(), command);
    } catch (IOException e) {
      throw new MeasurementFailure("cannot run " + command.get(0) + " (apt-get install redis-tools): " + e.getMessage(), e);
    }
  }

  /** The rps of the CSV line {@code "INCR","123456.78",...} (redis-benchmark 6 and 7). */
  static double parseRps(String output) {
    List<Double> found = new ArrayList<>();
    for (String line : output.split("\\R")) {
      String[] cells = line.split(",");
      if (cells.length >= 2 && cells[0].startsWith("\"") && !cells[0].toLowerCase(Locale.ROOT).contains("test")) {
        try {
          found.add(Double.parseDouble(cells[1].replace("\"", "")));
        } catch (NumberFormatException notACsvLine) {
          // Progress or cluster description lines.
        }
      }
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException("no requests-per-second line in redis-benchmark output: " + output.strip());
    }
    return found.get(found.size() - 1);
  }
}
