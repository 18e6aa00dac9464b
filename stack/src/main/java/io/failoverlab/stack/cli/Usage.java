package io.failoverlab.stack.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Command-line checks that picocli's annotations cannot express: each failure names the option (exit 2). */
public final class Usage {

  private Usage() {
  }

  /** A usage error of {@code spec}'s command: picocli prints it with the usage and exits 2. */
  public static ParameterException error(CommandSpec spec, String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  public static void requireRange(CommandSpec spec, String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw error(spec, "Invalid value for option '" + option + "': " + value + " is not between " + min + " and " + max);
    }
  }

  public static void requireNotNegative(CommandSpec spec, String option, Long value) {
    if (value != null && value < 0) {
      throw error(spec, "Invalid value for option '" + option + "': " + value + " is negative");
    }
  }
}
