package io.failoverlab.stack.cli;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** How long a measurement waits for each step before it gives up (a picocli mixin: drill and bench). */
public final class PhaseTimeoutOption {

  @Option(names = "--phase-timeout-s", defaultValue = "120", paramLabel = "S",
      description = "Deadline of each wait (the cluster healthy again, a client recovering, an incident closed). "
          + "Default: ${DEFAULT-VALUE}")
  int seconds;

  /** Checks the range; a bad value is a usage error of {@code spec}'s command naming the option. */
  public void validate(CommandSpec spec) {
    Usage.requireRange(spec, "--phase-timeout-s", seconds, 5, 86_400);
  }

  public Duration duration() {
    return Duration.ofSeconds(seconds);
  }
}
