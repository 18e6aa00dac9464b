package io.failoverlab.lab;

import io.failoverlab.bench.BenchCommand;
import io.failoverlab.common.config.ConfigException;
import io.failoverlab.common.config.Env;
import io.failoverlab.drill.DrillCommand;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabClients;
import io.failoverlab.stack.LabOptions;
import io.failoverlab.stack.cli.ClientOptions;
import io.failoverlab.stack.cli.ExitCode;
import io.failoverlab.stack.cli.LocalClusterOptions;
import io.failoverlab.stack.cli.ServicePortOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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

  @Mixin
  LocalClusterOptions cluster;

  @Mixin
  ServicePortOptions ports = new ServicePortOptions(8080, 8081, 8082);

  @Mixin
  ClientOptions clients;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "The monitor's journal (its incident history, kept across restarts). Default: MONITOR_DATA_DIR, "
          + "else a directory under the lab's temporary directory, removed when the lab stops.")
  Path dataDir;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new LabMain());
  }

  /** The options, validated; a bad value is a {@link ParameterException} naming the option. */
  LabOptions options() {
    cluster.validate(spec);
    ports.validate(spec);
    return LabOptions.of(cluster, ports);
  }

  /** The process environment, with --data-dir as MONITOR_DATA_DIR when given. */
  Env env() {
    return dataDir == null ? Env.system() : Env.system().with(Map.of("MONITOR_DATA_DIR", dataDir.toString()));
  }

  @Override
  public Integer call() throws Exception {
    LabOptions options = options();
    LabClients asked = clients.resolve(spec, LabMain.class);
    PrintWriter out = spec.commandLine().getOut();
    Lab lab;
    try {
      lab = Lab.start(options, env(), asked).await(120, TimeUnit.SECONDS);
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("failover-lab: invalid configuration: " + e.getMessage());
      return ExitCode.USAGE;
    } catch (Exception e) {
      spec.commandLine().getErr().println("failover-lab: could not start: " + e.getMessage());
      return ExitCode.FAILED;
    }
    out.println(Banner.of(lab));
    out.flush();
    // Ctrl-C runs the lab's shutdown hook (an ordered stop); this thread just waits for the end.
    lab.stopped().await();
    return ExitCode.OK;
  }
}
