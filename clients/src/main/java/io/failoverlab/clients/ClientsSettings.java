package io.failoverlab.clients;

import io.failoverlab.common.config.ConfigException;
import io.failoverlab.common.config.Env;
import io.failoverlab.common.config.HttpSettings;
import io.failoverlab.common.config.RedisSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The clients service's configuration: which clients (CLIENTS, required), where the child-process
 * clients are (CLIENTS_DIR), their workload (CLIENT_RATE, CLIENT_KEYS), how long a child may stay
 * silent (CLIENT_STALL_MS), plus the cluster and HTTP settings every service has. Checked as a whole
 * at start: a bad value names its variable.
 */
public record ClientsSettings(ClientCatalog catalog, List<ClientSpec> specs, ClientHarness.Settings workload,
                              RedisSettings redis, HttpSettings http) {

  public static final int DEFAULT_HTTP_PORT = 8083;

  public static ClientsSettings fromEnv(Env env) {
    String dir = env.string("CLIENTS_DIR", "clients");
    Path directory = Path.of(dir);
    if (!Files.isDirectory(directory)) {
      throw new ConfigException("CLIENTS_DIR", "expected the directory of clients.conf and the client scripts, got '"
          + dir + "' (not a directory)");
    }
    ClientCatalog catalog;
    try {
      catalog = ClientCatalog.load(directory);
    } catch (RuntimeException e) {
      throw new ConfigException("CLIENTS_DIR", e.getMessage());
    }
    String list = env.optional("CLIENTS").orElseThrow(() -> new ConfigException("CLIENTS",
        "required: the clients to run, e.g. redis-py,predis:tuned or all (known: " + String.join(", ", catalog.libraries())
            + ")"));
    List<ClientSpec> specs;
    try {
      specs = catalog.parse(list);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("CLIENTS", e.getMessage());
    }
    ClientHarness.Settings defaults = ClientHarness.Settings.defaults();
    ClientHarness.Settings workload = new ClientHarness.Settings(
        env.integer("CLIENT_KEYS", defaults.keys(), 1, 1024),
        env.integer("CLIENT_RATE", defaults.rate(), 1, 10_000),
        env.integer("CLIENT_STALL_MS", (int) defaults.stallMs(), 1000, 3_600_000));
    return new ClientsSettings(catalog, specs, workload, RedisSettings.fromEnv(env),
        HttpSettings.fromEnv(env, DEFAULT_HTTP_PORT));
  }
}
