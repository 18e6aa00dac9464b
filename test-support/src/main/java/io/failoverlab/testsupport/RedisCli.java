package io.failoverlab.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * redis-cli against one node, as an independent check: what the servers hold, read and written without
 * our own client. Each command runs within a deadline; one that cannot run, fails or times out fails the
 * test naming the command.
 */
public final class RedisCli {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final int port;
  private final boolean cluster;
  private final String password;

  private RedisCli(int port, boolean cluster, String password) {
    this.port = port;
    this.cluster = cluster;
    this.password = password;
  }

  /** redis-cli -p {@code port} on 127.0.0.1. */
  public static RedisCli at(int port) {
    return new RedisCli(port, false, null);
  }

  /** The same with -c: follows MOVED and ASK to the node that serves the key. */
  public RedisCli cluster() {
    return new RedisCli(port, true, password);
  }

  /** The same, authenticated as the default user with {@code password} (-a, without the warning). */
  public RedisCli password(String password) {
    return new RedisCli(port, cluster, password);
  }

  /** The reply, stripped of surrounding white space (an error reply is a reply too: redis-cli exits 0). */
  public String run(String... args) {
    ProcessRun run = execute(args);
    if (!run.exited()) {
      throw new AssertionError(describe(args) + " did not finish within " + DEADLINE.toSeconds() + " s; it printed: "
          + run.output());
    }
    if (run.exitCode() != 0) {
      throw new AssertionError(describe(args) + " exited with " + run.exitCode() + ": " + run.output().strip());
    }
    return run.output().strip();
  }

  /** Runs a command whose reply must be OK (SET, ACL SETUSER, ...). */
  public void ok(String... args) {
    String reply = run(args);
    if (!reply.contains("OK")) {
      throw new AssertionError(describe(args) + " replied " + reply + ", not OK");
    }
  }

  /** GET {@code key} as a counter: an INCR-ed value, 0 if the key does not exist. */
  public long counter(String key) {
    String value = run("GET", key);
    try {
      return value.isEmpty() ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new AssertionError(describe("GET", key) + " replied " + value + ", not a counter", e);
    }
  }

  /** Whether the node answers PING with PONG; false, not a failure, while it is not up. */
  public boolean answersPing() {
    ProcessRun run = execute("PING");
    return run.exited() && run.exitCode() == 0 && run.output().strip().equals("PONG");
  }

  private ProcessRun execute(String... args) {
    return ProcessRun.of(new ProcessBuilder(command(false, args)).redirectErrorStream(true), DEADLINE);
  }

  /** The command line for messages, the password masked. */
  private String describe(String... args) {
    return String.join(" ", command(true, args));
  }

  private List<String> command(boolean masked, String... args) {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    if (cluster) {
      command.add("-c");
    }
    if (password != null) {
      command.addAll(List.of("-a", masked ? "***" : password, "--no-auth-warning"));
    }
    command.addAll(List.of(args));
    return command;
  }
}
