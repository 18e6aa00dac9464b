package io.failoverlab.stack.cli;

/**
 * The exit codes of the lab, the drill and the bench: what a pipeline gates on. 0 done (the drill:
 * every threshold met; the bench: it ran, whatever the targets), 1 failed (could not start, a phase
 * failed, a threshold missed), 2 bad usage or configuration (picocli's own code for a usage error).
 */
public final class ExitCode {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private ExitCode() {
  }
}
