package io.failoverlab.stack.cli;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * How long after the oracle a client under test may take to write to the failed shard again (a picocli
 * mixin: drill and bench, which measure clients against the oracle; the lab does not).
 */
public final class ClientDeadlineOption {

  @Option(names = "--client-deadline-s", defaultValue = "20", paramLabel = "S",
      description = "With clients under test: how long after the oracle a client may take to write to the failed "
          + "shard again before it counts as not recovered (the bench then restarts it and counts that). "
          + "Default: ${DEFAULT-VALUE}")
  int seconds;

  /** Checks the range; a bad value is a usage error of {@code spec}'s command naming the option. */
  public Duration validated(CommandSpec spec) {
    Usage.requireRange(spec, "--client-deadline-s", seconds, 1, 3600);
    return Duration.ofSeconds(seconds);
  }
}
