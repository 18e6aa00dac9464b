package io.failoverlab.localcluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One node's redis-server process, in its own directory. The blocking methods (named *Blocking) must run off the
 * event loop; state is guarded by this object's monitor because timers, worker threads and shutdown hooks touch it.
 */
final class NodeProcess {

  private static final Logger LOG = LoggerFactory.getLogger(NodeProcess.class);
  static final String STDOUT_FILE = "stdout.log";

  private final int port;
  private Path dir;
  private Process process;
  private NodeState state = NodeState.STOPPED;
  private long hangTimerId = -1;

  NodeProcess(int port) {
    this.port = port;
  }

  int port() {
    return port;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  /** The node's directory (config, nodes.conf, logs); null before its config was written. */
  synchronized Path dir() {
    return dir;
  }

  synchronized LocalNode snapshot() {
    return new LocalNode(port, address(), process == null ? -1 : process.pid(), state());
  }

  synchronized NodeState state() {
    // A process can die on its own (or be killed from outside): report what is, not what we last did.
    if ((state == NodeState.RUNNING || state == NodeState.HUNG) && process != null && !process.isAlive()) {
      LOG.warn("event=exited-unexpectedly port={} pid={} exitCode={}", port, process.pid(), process.exitValue());
      state = NodeState.CRASHED;
    }
    return state;
  }

  synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  void writeConfigBlocking(Path nodeDir, String configText) throws IOException {
    Files.createDirectories(nodeDir);
    Files.writeString(nodeDir.resolve(NodeConfigFile.FILE_NAME), configText);
    synchronized (this) {
      this.dir = nodeDir;
    }
  }

  /** Starts redis-server on this node's config; used for the first start and for restarts (nodes.conf is kept). */
  synchronized long launchBlocking(Path binary, String reason) throws IOException {
    if (dir == null) {
      throw new IllegalStateException("node " + port + " has no directory yet");
    }
    process = new ProcessBuilder(binary.toString(), dir.resolve(NodeConfigFile.FILE_NAME).toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        // Errors before the logfile is opened (bad config line, port in use) only go to stdout/stderr.
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(STDOUT_FILE).toFile()))
        .start();
    state = NodeState.RUNNING;
    LOG.info("event={} port={} pid={} dir={}", reason, port, process.pid(), dir);
    return process.pid();
  }

  /** SIGKILL (destroyForcibly on Unix) and wait for the exit. Also works on a SIGSTOPped process. */
  void killBlocking(NodeState after) {
    Process target;
    synchronized (this) {
      target = process;
    }
    if (target != null && target.isAlive()) {
      target.destroyForcibly();
      try {
        if (!target.waitFor(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("redis-server on port " + port + " (pid " + target.pid() + ") did not exit within 10 s of SIGKILL");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for node " + port + " to exit", e);
      }
    }
    synchronized (this) {
      state = after;
    }
  }

  synchronized void markHung(long timerId) {
    state = NodeState.HUNG;
    hangTimerId = timerId;
  }

  synchronized void markRunning() {
    state = NodeState.RUNNING;
  }

  /** Returns the pending automatic-resume timer (or -1) and forgets it, so only one party cancels it. */
  synchronized long takeHangTimer() {
    long id = hangTimerId;
    hangTimerId = -1;
    return id;
  }

  /** Why the process is gone, with the end of its logs: the message a failed start should carry. */
  synchronized String exitReport() {
    StringBuilder report = new StringBuilder("redis-server on port ").append(port);
    if (process != null && !process.isAlive()) {
      report.append(" exited with code ").append(process.exitValue());
    } else {
      report.append(" is not answering");
    }
    if (dir != null) {
      appendTail(report, dir.resolve(STDOUT_FILE));
      appendTail(report, dir.resolve(NodeConfigFile.LOG_FILE));
    }
    return report.toString();
  }

  private static void appendTail(StringBuilder report, Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      if (!lines.isEmpty()) {
        report.append("; last lines of ").append(file.getFileName()).append(": ")
            .append(String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
      }
    } catch (IOException | RuntimeException ignored) {
      // The report is best effort; a missing log file just means the process never got that far.
    }
  }
}
