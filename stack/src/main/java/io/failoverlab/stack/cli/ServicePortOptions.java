package io.failoverlab.stack.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Where the services' HTTP servers listen (a picocli mixin). The defaults differ per command: the lab
 * listens on the README's ports, a drill on free ports (it prints the monitor's), so each command
 * creates this with its own defaults; picocli shows them as the options' defaults.
 */
public final class ServicePortOptions {

  @Option(names = "--http-host", paramLabel = "HOST",
      description = "Where the services' HTTP servers listen. Default: ${DEFAULT-VALUE}")
  String httpHost = "127.0.0.1";

  @Option(names = "--monitor-port", paramLabel = "PORT",
      description = "Monitor HTTP port: live page, API, kill endpoint (0 = any free port). Default: ${DEFAULT-VALUE}")
  int monitorPort;

  @Option(names = "--writer-port", paramLabel = "PORT", description = "Writer HTTP port. Default: ${DEFAULT-VALUE}")
  int writerPort;

  @Option(names = "--reader-port", paramLabel = "PORT", description = "Reader HTTP port. Default: ${DEFAULT-VALUE}")
  int readerPort;

  public ServicePortOptions(int monitorPort, int writerPort, int readerPort) {
    this.monitorPort = monitorPort;
    this.writerPort = writerPort;
    this.readerPort = readerPort;
  }

  /** Checks the ports; a bad value is a usage error of {@code spec}'s command naming the option. */
  public void validate(CommandSpec spec) {
    Usage.requireRange(spec, "--monitor-port", monitorPort, 0, 65535);
    Usage.requireRange(spec, "--writer-port", writerPort, 0, 65535);
    Usage.requireRange(spec, "--reader-port", readerPort, 0, 65535);
  }

  public String httpHost() {
    return httpHost;
  }

  public int monitorPort() {
    return monitorPort;
  }

  public int writerPort() {
    return writerPort;
  }

  public int readerPort() {
    return readerPort;
  }
}
