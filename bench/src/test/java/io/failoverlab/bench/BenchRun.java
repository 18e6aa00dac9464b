package io.failoverlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.config.Env;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/**
 * One {@code bench} run in the test's JVM, as the jar runs it: its exit code, what it printed, and the
 * report it wrote with {@code --json}. Printed to the test's output so a failure can be read.
 */
record BenchRun(int exit, String printed, String errors, JsonObject report) {

  /** Runs the bench with {@code env} and {@code args}, its report written to {@code json} (deleted first). */
  static BenchRun execute(String name, Map<String, String> env, Path json, String... args) throws Exception {
    Files.deleteIfExists(json);
    StringWriter printed = new StringWriter();
    StringWriter errors = new StringWriter();
    CommandLine command = new CommandLine(new BenchCommand(new Env(env)));
    command.setOut(new PrintWriter(printed, true));
    command.setErr(new PrintWriter(errors, true));
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--json", json.toString())).toArray(String[]::new);
    int exit = command.execute(all);
    System.out.println(name + " output:\n" + printed);
    assertThat(exit).as("exit code; stderr: %s", errors).isZero();
    return new BenchRun(exit, printed.toString(), errors.toString(), new JsonObject(Files.readString(json)));
  }
}
