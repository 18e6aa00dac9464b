package io.failoverlab.stack.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The local cluster's shape on the command line: the lab's and the drill's (a picocli mixin). */
public final class LocalClusterOptions {

  /** The options, as they are spelled: the drill refuses them against an existing cluster. */
  public static final String[] NAMES = {"--port-base", "--node-timeout-ms", "--require-full-coverage"};
  /** The last first port that leaves room for six nodes and their cluster bus ports (+10000). */
  static final int MAX_PORT_BASE = 55530;

  @Option(names = "--port-base", defaultValue = "7000", paramLabel = "PORT",
      description = "First Redis port of the local cluster; the six nodes use PORT..PORT+5 (and PORT+10000.. for the "
          + "cluster bus). Default: ${DEFAULT-VALUE}")
  int portBase;

  @Option(names = "--node-timeout-ms", defaultValue = "2000", paramLabel = "MS",
      description = "cluster-node-timeout of every node of the local cluster: how long a node may be silent before "
          + "it is failed over. Default: ${DEFAULT-VALUE}")
  int nodeTimeoutMs;

  @Option(names = "--require-full-coverage", defaultValue = "false", arity = "1", paramLabel = "yes|no",
      converter = YesNo.class,
      description = "cluster-require-full-coverage of the local cluster. 'no' (default) keeps healthy shards serving "
          + "while one fails over.")
  boolean requireFullCoverage;

  /** Checks the ranges; a bad value is a usage error of {@code spec}'s command naming the option. */
  public void validate(CommandSpec spec) {
    Usage.requireRange(spec, "--port-base", portBase, 1, MAX_PORT_BASE);
    Usage.requireRange(spec, "--node-timeout-ms", nodeTimeoutMs, 100, 600_000);
  }

  public int portBase() {
    return portBase;
  }

  public int nodeTimeoutMs() {
    return nodeTimeoutMs;
  }

  public boolean requireFullCoverage() {
    return requireFullCoverage;
  }
}
