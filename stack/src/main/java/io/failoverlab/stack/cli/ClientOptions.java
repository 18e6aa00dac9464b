package io.failoverlab.stack.cli;

import io.failoverlab.clients.ClientCatalog;
import io.failoverlab.clients.ClientHarness;
import io.failoverlab.clients.ClientSpec;
import io.failoverlab.stack.LabClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Which clients under test run beside the services (a picocli mixin: the lab, the drill). */
public final class ClientOptions {

  @Option(names = "--clients", paramLabel = "NAME[:CONFIG],...|all",
      description = "Clients under test to run beside the services, e.g. lettuce,redis-py:tuned, or all (every "
          + "client in its default and tuned configuration). Known: vertx-redis-client, lettuce, jedis, redisson, and "
          + "the child-process clients of clients.conf (redis-py, predis, ioredis). Default: none.")
  String clients;

  @Option(names = "--clients-dir", paramLabel = "DIR",
      description = "Where clients.conf and the child-process clients' scripts are. Default: FAILOVERLAB_CLIENTS_DIR, "
          + "else the project's clients/ directory.")
  Path directory;

  @Option(names = "--client-rate", defaultValue = "200", paramLabel = "N",
      description = "INCR per second of each client under test. Default: ${DEFAULT-VALUE}")
  int rate;

  /** The clients asked for, checked: an unknown name or configuration is a usage error naming it (exit 2). */
  public LabClients resolve(CommandSpec spec, Class<?> anchor) {
    return resolve(spec, anchor, null);
  }

  /** As {@link #resolve(CommandSpec, Class)}, with {@code fallback} ("all") when --clients is not given. */
  public LabClients resolve(CommandSpec spec, Class<?> anchor, String fallback) {
    Usage.requireRange(spec, "--client-rate", rate, 1, 10_000);
    String clients = this.clients == null || this.clients.isBlank() ? fallback : this.clients;
    if (clients == null || clients.isBlank()) {
      return LabClients.none();
    }
    Path dir = directory != null ? directory : ProjectDir.clients(anchor);
    if (!Files.isDirectory(dir)) {
      throw Usage.error(spec, "Invalid value for option '--clients-dir': " + dir + " is not a directory");
    }
    try {
      ClientCatalog catalog = ClientCatalog.load(dir);
      List<ClientSpec> specs = catalog.parse(clients);
      ClientHarness.Settings defaults = ClientHarness.Settings.defaults();
      return new LabClients(catalog, specs, new ClientHarness.Settings(defaults.keys(), rate, defaults.stallMs()));
    } catch (RuntimeException e) {
      throw Usage.error(spec, "Invalid value for option '--clients': " + e.getMessage());
    }
  }
}
