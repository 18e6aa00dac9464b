package io.failoverlab.common.config;

import io.failoverlab.common.topology.HostAndPort;
import java.util.List;

/**
 * How a service talks to the cluster. Every command has a deadline ({@code commandTimeoutMs});
 * an operation retries retryable errors with a bounded backoff until {@code operationTimeoutMs}.
 */
public record RedisSettings(
    List<HostAndPort> seeds,
    String user,
    String password,
    int connectTimeoutMs,
    int commandTimeoutMs,
    int operationTimeoutMs,
    int retryBackoffMinMs,
    int retryBackoffMaxMs,
    int topologyRefreshMs,
    int nodeProbeMs,
    int connectionsPerNode,
    int maxPipelinedPerConnection) {

  public RedisSettings {
    seeds = List.copyOf(seeds);
    if (seeds.isEmpty()) {
      throw new ConfigException("REDIS_NODES", "at least one seed node is needed");
    }
    if (user != null && password == null) {
      // Without a password the client sends no AUTH at all and silently works as the default user
      // (found by BadConfigurationTest): an ACL user needs both.
      throw new ConfigException("REDIS_USER", "set without REDIS_PASSWORD: an ACL user logs in with both ("
          + "AUTH user password); set REDIS_PASSWORD too, or unset REDIS_USER for the default user");
    }
    if (retryBackoffMinMs > retryBackoffMaxMs) {
      throw new ConfigException("REDIS_RETRY_BACKOFF_MIN_MS",
          "must not exceed REDIS_RETRY_BACKOFF_MAX_MS (" + retryBackoffMinMs + " > " + retryBackoffMaxMs + ")");
    }
    if (commandTimeoutMs > operationTimeoutMs) {
      throw new ConfigException("REDIS_COMMAND_TIMEOUT_MS",
          "must not exceed REDIS_OPERATION_TIMEOUT_MS (" + commandTimeoutMs + " > " + operationTimeoutMs + ")");
    }
  }

  public static RedisSettings fromEnv(Env env) {
    return new RedisSettings(
        env.addresses("REDIS_NODES", "127.0.0.1:7000"),
        env.optional("REDIS_USER").orElse(null),
        env.optional("REDIS_PASSWORD").orElse(null),
        env.integer("REDIS_CONNECT_TIMEOUT_MS", 500, 10, 60_000),
        env.integer("REDIS_COMMAND_TIMEOUT_MS", 250, 5, 60_000),
        env.integer("REDIS_OPERATION_TIMEOUT_MS", 1000, 5, 600_000),
        env.integer("REDIS_RETRY_BACKOFF_MIN_MS", 2, 1, 10_000),
        env.integer("REDIS_RETRY_BACKOFF_MAX_MS", 20, 1, 60_000),
        env.integer("REDIS_TOPOLOGY_REFRESH_MS", 1000, 50, 600_000),
        env.integer("REDIS_NODE_PROBE_MS", 50, 5, 60_000),
        env.integer("REDIS_CONNECTIONS_PER_NODE", 1, 1, 64),
        env.integer("REDIS_MAX_PIPELINED", 1024, 1, 1_000_000));
  }

  // The password must not end up in logs through toString().
  @Override
  public String toString() {
    return "RedisSettings[seeds=" + seeds + ", user=" + user + ", password=" + (password == null ? "none" : "***")
        + ", connectTimeoutMs=" + connectTimeoutMs + ", commandTimeoutMs=" + commandTimeoutMs
        + ", operationTimeoutMs=" + operationTimeoutMs + ", retryBackoffMs=" + retryBackoffMinMs + "-"
        + retryBackoffMaxMs + ", topologyRefreshMs=" + topologyRefreshMs + ", nodeProbeMs=" + nodeProbeMs
        + ", connectionsPerNode=" + connectionsPerNode + ", maxPipelined=" + maxPipelinedPerConnection + "]";
  }

  public RedisSettings withSeeds(List<HostAndPort> newSeeds) {
    return new RedisSettings(newSeeds, user, password, connectTimeoutMs, commandTimeoutMs, operationTimeoutMs,
        retryBackoffMinMs, retryBackoffMaxMs, topologyRefreshMs, nodeProbeMs, connectionsPerNode,
        maxPipelinedPerConnection);
  }
}
