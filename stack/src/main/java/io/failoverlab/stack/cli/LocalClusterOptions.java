package io.failoverlab.stack.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The local cluster's shape on the command line: the lab's and the drill's (a picocli mixin). */
public final class LocalClusterOptions {

  /** The options, as they are spelled: the drill refuses them against an existing cluster. */
  public static final String[] NAMES = {"--port-base", "--node-timeout-ms", "--require-full-coverage", "--masters",
      "--replicas"};
  /** The highest port a node's cluster bus may use (its Redis port + 10000). */
  static final int MAX_BUS_PORT = 65535;
  static final int MAX_MASTERS = 16;
  static final int MAX_REPLICAS = 4;

  @Option(names = "--port-base", defaultValue = "7000", paramLabel = "PORT",
      description = "First Redis port of the local cluster; its N nodes use PORT..PORT+N-1 (and PORT+10000.. for the "
          + "cluster bus). Default: ${DEFAULT-VALUE}")
  int portBase;

  @Option(names = "--masters", defaultValue = "3", paramLabel = "N",
      description = "Masters of the local cluster (3-" + MAX_MASTERS + "; the slots are split evenly). "
          + "Default: ${DEFAULT-VALUE}")
  int masters;

  @Option(names = "--replicas", defaultValue = "1", paramLabel = "N",
      description = "Replicas of each master (0-" + MAX_REPLICAS + "). Default: ${DEFAULT-VALUE}")
  int replicas;

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
    Usage.requireRange(spec, "--masters", masters, 3, MAX_MASTERS);
    Usage.requireRange(spec, "--replicas", replicas, 0, MAX_REPLICAS);
    int nodes = masters * (1 + replicas);
    // Every node's cluster bus port (its port + 10000) must exist too.
    Usage.requireRange(spec, "--port-base", portBase, 1, MAX_BUS_PORT - 10_000 - nodes + 1);
    Usage.requireRange(spec, "--node-timeout-ms", nodeTimeoutMs, 100, 600_000);
  }

  public int masters() {
    return masters;
  }

  public int replicas() {
    return replicas;
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
