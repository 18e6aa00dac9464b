package io.failoverlab.clients.child;

import io.failoverlab.clients.child.LineProtocol.Line;
import io.failoverlab.clients.child.LineProtocol.ProtocolError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client under test running as a child process (redis-py, predis, ioredis, or a user's own script)
 * that speaks the {@link LineProtocol} on its stdout. Two daemon threads read its stdout and stderr
 * (blocking reads, never on an event loop); parsed lines wait in a bounded queue for the owner to
 * {@link #drain}. The child's stdin stays open: its end tells the child we are gone.
 *
 * <p>Whatever the child does wrong ends it, and only it: not startable, exits, prints a malformed or
 * too long line, floods (the queue fills), or stays silent for longer than the stall limit. The
 * reason, with its last stderr lines, is {@link #failure()}.
 */
public final class ChildClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChildClient.class);
  /** Lines waiting for the owner: at 200 ops/s, more than a minute of them. */
  static final int QUEUE_CAPACITY = 20_000;
  static final int STDERR_LINES = 20;
  private static final long STOP_GRACE_MS = 2000;

  private final String label;
  private final Process process;
  private final BlockingQueue<Line> lines = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private final AtomicReference<String> failure = new AtomicReference<>();
  /** Set by the first reason; {@link #failure} only once that reason has its stderr lines. */
  private final AtomicBoolean failing = new AtomicBoolean();
  private final long stallMs;
  private volatile long lastLineAt = System.currentTimeMillis();
  private volatile boolean closing;
  private Thread stderrReader;
  private Thread stdoutReader;

  private ChildClient(String label, Process process, long stallMs) {
    this.label = label;
    this.process = process;
    this.stallMs = stallMs;
  }

  /**
   * Starts {@code command} in {@code directory} with {@code environment} added. A command that cannot
   * be started gives a client that has already failed, saying why.
   */
  public static ChildClient start(String label, List<String> command, Path directory, Map<String, String> environment,
                                  long stallMs) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().putAll(environment);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      ChildClient failed = new ChildClient(label, null, stallMs);
      failed.fail("could not start " + String.join(" ", command) + ": " + e.getMessage());
      return failed;
    }
    ChildClient child = new ChildClient(label, process, stallMs);
    child.stderrReader = child.thread("stderr", () -> child.readStderr(process.getErrorStream()));
    child.stdoutReader = child.thread("stdout", () -> child.readStdout(process.getInputStream()));
    LOG.info("event=client_process_started client={} pid={} command=\"{}\"", label, process.pid(), String.join(" ", command));
    return child;
  }

  private Thread thread(String stream, Runnable body) {
    Thread thread = new Thread(body, "client-" + label + "-" + stream);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** The lines read so far, at most {@code max}; checks for a stall. Any thread; never blocks. */
  public List<Line> drain(int max) {
    List<Line> drained = new ArrayList<>();
    lines.drainTo(drained, max);
    if (!failing.get() && process != null && System.currentTimeMillis() - lastLineAt > stallMs) {
      fail("stalled: no line for more than " + stallMs + " ms");
    }
    return drained;
  }

  /** Why the client failed, with its last stderr lines; null while it runs. */
  public String failure() {
    return failure.get();
  }

  public long pid() {
    return process == null ? -1 : process.pid();
  }

  public List<String> stderrTail() {
    synchronized (stderrTail) {
      return List.copyOf(stderrTail);
    }
  }

  private void readStdout(InputStream stdout) {
    try (Reader reader = new InputStreamReader(stdout, StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = reader.read()) >= 0) {
        if (c != '\n') {
          if (line.length() >= LineProtocol.MAX_LINE_CHARS) {
            failFromOutput("a line longer than " + LineProtocol.MAX_LINE_CHARS + " characters");
            return;
          }
          line.append((char) c);
          continue;
        }
        lastLineAt = System.currentTimeMillis();
        String text = line.toString().strip();
        line.setLength(0);
        if (text.isEmpty()) {
          continue;
        }
        Line parsed;
        try {
          parsed = LineProtocol.parse(text);
        } catch (ProtocolError e) {
          failFromOutput("protocol error: " + e.getMessage());
          return;
        }
        if (!lines.offer(parsed)) {
          failFromOutput("flooded: more than " + QUEUE_CAPACITY + " lines waiting");
          return;
        }
      }
      if (line.length() > 0) {
        // The output ended mid-line: it is exiting. Let it end by itself first, as below.
        if (!closing) {
          awaitExit();
        }
        failFromOutput("a partial last line: '" + line + "'");
        return;
      }
    } catch (IOException e) {
      if (!closing) {
        fail("reading its output failed: " + e.getMessage());
      }
      return;
    }
    if (!closing) {
      awaitExit();
      fail("exited with code " + (process.isAlive() ? "?" : process.exitValue()));
    }
  }

  private void readStderr(InputStream stderr) {
    try (Reader reader = new InputStreamReader(stderr, StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = reader.read()) >= 0) {
        if (c == '\n' || line.length() >= 1000) {
          keepStderr(line.toString());
          line.setLength(0);
        } else {
          line.append((char) c);
        }
      }
      if (line.length() > 0) {
        keepStderr(line.toString());
      }
    } catch (IOException ignored) {
      // The process is gone; what was read is what it said.
    }
  }

  private void keepStderr(String line) {
    synchronized (stderrTail) {
      stderrTail.addLast(line);
      while (stderrTail.size() > STDERR_LINES) {
        stderrTail.removeFirst();
      }
    }
  }

  private void awaitExit() {
    try {
      process.waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * What the stdout reader does when the output is wrong: ends the process first and lets the stderr
   * reader finish, so that what the child said on stderr before is part of the reason (without this,
   * ChildClientFaultsIT lost them for 21 in 120 children that printed a bad line, and for 16 in 200 that
   * died mid-line). Blocks, boundedly;
   * only on the reader thread, never on the owner's event loop (the stall check stays as it is).
   */
  private void failFromOutput(String reason) {
    if (closing || failing.get()) {
      return;
    }
    if (process.isAlive()) {
      // The signal only: Process.destroyForcibly() would also close our end of its stderr, unread.
      process.toHandle().destroyForcibly();
      awaitExit();
    }
    fail(reason);
  }

  /**
   * Marks the client failed (the first reason wins) and ends its process. The reason is published whole:
   * {@link #failure()} stays null while the stderr lines are collected, or the owner, draining meanwhile,
   * would take the bare reason for the whole story (ChildClientFaultsIT saw that).
   */
  void fail(String reason) {
    if (closing || !failing.compareAndSet(false, true)) {
      return;
    }
    if (process != null && !process.isAlive()) {
      awaitStderr();
    }
    List<String> tail = stderrTail();
    String detail = tail.isEmpty() ? reason : reason + "; last stderr lines: " + String.join(" | ", tail);
    failure.set(detail);
    LOG.warn("event=client_failed client={} reason=\"{}\"", label, detail);
    if (process != null) {
      process.destroyForcibly();
    }
  }

  // A child that exited said why on stderr: let its reader finish (the process is gone, so it ends soon).
  private void awaitStderr() {
    try {
      stderrReader.join(STOP_GRACE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Closes its stdin (it exits by itself), ends it if it has not within a grace period, and waits for
   * its last lines to be read. Blocking.
   */
  @Override
  public void close() {
    closing = true;
    if (process == null) {
      return;
    }
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.flush();
    } catch (IOException ignored) {
      // Already gone.
    }
    awaitExit();
    if (process.isAlive()) {
      // Signals only (Process.destroy would close our ends of its output, unread), then the last resort.
      process.toHandle().destroy();
      awaitExit();
      process.toHandle().destroyForcibly();
      awaitExit();
    }
    // Its last lines are still being read: once the reader is done, drain() has every line it printed.
    try {
      stdoutReader.join(STOP_GRACE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
