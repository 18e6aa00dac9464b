package io.failoverlab.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a running process prints, read line by line on a thread of its own: the process never blocks on
 * a full pipe, and the test can wait for a line or for the end while it runs.
 */
public final class ProcessOutput {

  private final List<String> lines = new ArrayList<>();
  private boolean ended;

  private ProcessOutput() {
  }

  /** Starts reading {@code process}'s standard output (with its errors, if the builder merged them). */
  public static ProcessOutput follow(Process process) {
    ProcessOutput output = new ProcessOutput();
    Thread reader = new Thread(() -> output.read(process), "output-of-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    return output;
  }

  private void read(Process process) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        synchronized (this) {
          lines.add(line);
          notifyAll();
        }
      }
    } catch (IOException e) {
      // The process ended or its pipe was closed: what was read is what it said.
    } finally {
      synchronized (this) {
        ended = true;
        notifyAll();
      }
    }
  }

  /** Everything printed so far, one line after another. */
  public synchronized String text() {
    StringBuilder text = new StringBuilder();
    lines.forEach(line -> text.append(line).append('\n'));
    return text.toString();
  }

  /**
   * The first line that {@code pattern} finds something in, waiting for it up to {@code timeout}; fails with
   * everything printed if the output ends first or the time is up.
   */
  public synchronized Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int next = 0; ; ) {
      for (; next < lines.size(); next++) {
        Matcher matcher = pattern.matcher(lines.get(next));
        if (matcher.find()) {
          return matcher;
        }
      }
      long left = deadline - System.nanoTime();
      if (ended || left <= 0) {
        throw new AssertionError((ended ? "the output ended" : timeout.toSeconds() + " s passed")
            + " without a line matching " + pattern + "; it printed:\n" + text());
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Waits up to {@code timeout} for the end of the output (the process closed it); then all that was printed. */
  public synchronized String awaitEnd(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (long left = timeout.toNanos(); !ended && left > 0; left = deadline - System.nanoTime()) {
      wait(Math.max(1, left / 1_000_000));
    }
    return text();
  }
}
