package io.failoverlab.testsupport;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An external program run to its end within a deadline, its input closed: whether it ended in time, its exit
 * code and what it printed. One way for the tests to run redis-cli, chromium or a jar without hanging on it.
 *
 * @param command the command line, for messages
 * @param exited whether it ended by itself within the deadline
 * @param exitCode its exit code; after the deadline, the code it had once stopped (or -1 if it would not stop)
 * @param output what it printed on standard output (with its errors, if the builder merged them)
 */
public record ProcessRun(String command, boolean exited, int exitCode, String output) {

  /** After the deadline: SIGTERM, so that a jar can stop what it started, then SIGKILL if it takes longer. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(60);
  /** For a killed process to be gone, and for its output to end (unless a child it left still holds the pipe). */
  private static final Duration SETTLE = Duration.ofSeconds(10);

  /** Starts {@code builder}'s process and waits for its end, at most {@code deadline}; fails if it cannot start. */
  public static ProcessRun of(ProcessBuilder builder, Duration deadline) {
    String command = String.join(" ", builder.command());
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      ProcessOutput output = ProcessOutput.follow(process);
      boolean exited = process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        process.toHandle().destroy();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
      int exitCode = process.isAlive() ? -1 : process.exitValue();
      return new ProcessRun(command, exited, exitCode, output.awaitEnd(SETTLE));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command, e);
    }
  }
}
