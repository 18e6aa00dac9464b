package io.failoverlab.lab;

import io.failoverlab.bench.BenchCommand;
import io.failoverlab.common.config.ConfigException;
import io.failoverlab.common.config.Env;
import io.failoverlab.drill.DrillCommand;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code java -jar lab/target/failover-lab.jar}: a local 6-node Redis Cluster plus the monitor,
 * writer and reader in this JVM, until Ctrl-C. Exit codes: 0 stopped cleanly, 1 failed to start,
 * 2 bad command line or configuration.
 */
@Command(name = "failover-lab", mixinStandardHelpOptions = true, version = "failover-lab 0.1.0",
    subcommands = {DrillCommand.class, BenchCommand.class},
    description = "Starts a local Redis Cluster and the writer, reader and monitor services in one JVM.")
public final class LabMain implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--port-base", defaultValue = "7000", paramLabel = "PORT",
      description = "First Redis port; the six nodes use PORT..PORT+5 (and PORT+10000.. for the cluster bus). Default: ${DEFAULT-VALUE}")
  int portBase;

  @Option(names = "--node-timeout-ms", defaultValue = "2000", paramLabel = "MS",
      description = "cluster-node-timeout of every node: how long a node may be silent before it is failed over. Default: ${DEFAULT-VALUE}")
  int nodeTimeoutMs;

  @Option(names = "--require-full-coverage", defaultValue = "false", arity = "1", paramLabel = "yes|no",
      converter = YesNo.class,
      description = "cluster-require-full-coverage. 'no' (default) keeps healthy shards serving while one fails over.")
  boolean requireFullCoverage;

  @Option(names = "--http-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
      description = "Where the services' HTTP servers listen. Default: ${DEFAULT-VALUE}")
  String httpHost;

  @Option(names = "--monitor-port", defaultValue = "8080", paramLabel = "PORT", description = "Default: ${DEFAULT-VALUE}")
  int monitorPort;

  @Option(names = "--writer-port", defaultValue = "8081", paramLabel = "PORT", description = "Default: ${DEFAULT-VALUE}")
  int writerPort;

  @Option(names = "--reader-port", defaultValue = "8082", paramLabel = "PORT", description = "Default: ${DEFAULT-VALUE}")
  int readerPort;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new LabMain());
  }

  /** The options, validated; a bad value is a {@link ParameterException} naming the option. */
  LabOptions options() {
    requireRange("--port-base", portBase, 1, 55530);
    requireRange("--node-timeout-ms", nodeTimeoutMs, 100, 600_000);
    requireRange("--monitor-port", monitorPort, 0, 65535);
    requireRange("--writer-port", writerPort, 0, 65535);
    requireRange("--reader-port", readerPort, 0, 65535);
    return new LabOptions(portBase, nodeTimeoutMs, requireFullCoverage, httpHost, monitorPort, writerPort, readerPort);
  }

  private void requireRange(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw new ParameterException(spec.commandLine(),
          "Invalid value for option '" + option + "': " + value + " is not between " + min + " and " + max);
    }
  }

  @Override
  public Integer call() throws Exception {
    LabOptions options = options();
    PrintWriter out = spec.commandLine().getOut();
    Lab lab;
    try {
      lab = Lab.start(options, Env.system()).await(120, TimeUnit.SECONDS);
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("failover-lab: invalid configuration: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      spec.commandLine().getErr().println("failover-lab: could not start: " + e.getMessage());
      return 1;
    }
    out.println(Banner.of(lab));
    out.flush();
    // Ctrl-C runs the lab's shutdown hook (an ordered stop); this thread just waits for the end.
    lab.stopped().await();
    return 0;
  }

  /** Accepts yes/no as well as true/false, as redis.conf spells it. */
  static final class YesNo implements CommandLine.ITypeConverter<Boolean> {
    @Override
    public Boolean convert(String value) {
      return switch (value.toLowerCase(java.util.Locale.ROOT)) {
        case "yes", "true" -> true;
        case "no", "false" -> false;
        default -> throw new CommandLine.TypeConversionException("expected yes or no, got '" + value + "'");
      };
    }
  }
}
