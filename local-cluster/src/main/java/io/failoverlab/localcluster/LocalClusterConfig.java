package io.failoverlab.localcluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Shape of a local Redis Cluster: ports {@code portBase .. portBase + nodeCount() - 1} on 127.0.0.1,
 * masters first, then the replicas (see {@link #masterPortOf(int)}).
 *
 * @param portBase            first data port; the cluster bus of each node listens on data port + 10000
 * @param masters             number of masters (slot owners), at least 3 as Redis Cluster requires for failover votes
 * @param replicasPerMaster   replicas per master, 0 or more
 * @param nodeTimeoutMs       {@code cluster-node-timeout}: how long a node may be unreachable before it is flagged
 * @param requireFullCoverage {@code cluster-require-full-coverage}
 * @param password            {@code requirepass}/{@code masterauth}; null means no password
 * @param redisServerOverride redis-server binary to use; null means resolve it (see {@link RedisBinary#resolve})
 */
public record LocalClusterConfig(int portBase, int masters, int replicasPerMaster, int nodeTimeoutMs,
                                 boolean requireFullCoverage, String password, Path redisServerOverride) {

  /** Redis Cluster's fixed distance between a node's data port and its cluster bus port. */
  public static final int BUS_PORT_OFFSET = 10000;
  public static final int SLOTS = 16384;

  public LocalClusterConfig {
    // masters first: the port range check below depends on the node count.
    if (masters < 3) {
      throw new IllegalArgumentException("masters must be >= 3 (Redis Cluster needs a majority of masters to fail over) but was " + masters);
    }
    if (replicasPerMaster < 0) {
      throw new IllegalArgumentException("replicasPerMaster must be >= 0 but was " + replicasPerMaster);
    }
    if (nodeTimeoutMs < 100) {
      throw new IllegalArgumentException("nodeTimeoutMs must be >= 100 but was " + nodeTimeoutMs);
    }
    if (portBase < 1 || portBase > 65535) {
      throw new IllegalArgumentException("portBase must be in 1..65535 but was " + portBase);
    }
    long nodes = (long) masters * (1L + replicasPerMaster);
    long lastBusPort = portBase + nodes - 1 + BUS_PORT_OFFSET;
    if (lastBusPort > 65535) {
      throw new IllegalArgumentException("portBase " + portBase + " is too high for " + nodes + " nodes: the last node's cluster bus port would be "
          + lastBusPort + " (data port + " + BUS_PORT_OFFSET + "), above 65535");
    }
    if (password != null && password.isEmpty()) {
      throw new IllegalArgumentException("password must be null (no password) or non-empty");
    }
  }

  /** 7000, 3 masters, 1 replica each, node timeout 2000 ms, full coverage required, no password, binary resolved. */
  public static LocalClusterConfig defaults() {
    return new LocalClusterConfig(7000, 3, 1, 2000, true, null, null);
  }

  public LocalClusterConfig withPortBase(int value) {
    return new LocalClusterConfig(value, masters, replicasPerMaster, nodeTimeoutMs, requireFullCoverage, password, redisServerOverride);
  }

  public LocalClusterConfig withMasters(int value) {
    return new LocalClusterConfig(portBase, value, replicasPerMaster, nodeTimeoutMs, requireFullCoverage, password, redisServerOverride);
  }

  public LocalClusterConfig withReplicasPerMaster(int value) {
    return new LocalClusterConfig(portBase, masters, value, nodeTimeoutMs, requireFullCoverage, password, redisServerOverride);
  }

  public LocalClusterConfig withNodeTimeoutMs(int value) {
    return new LocalClusterConfig(portBase, masters, replicasPerMaster, value, requireFullCoverage, password, redisServerOverride);
  }

  public LocalClusterConfig withRequireFullCoverage(boolean value) {
    return new LocalClusterConfig(portBase, masters, replicasPerMaster, nodeTimeoutMs, value, password, redisServerOverride);
  }

  public LocalClusterConfig withPassword(String value) {
    return new LocalClusterConfig(portBase, masters, replicasPerMaster, nodeTimeoutMs, requireFullCoverage, value, redisServerOverride);
  }

  public LocalClusterConfig withRedisServerOverride(Path value) {
    return new LocalClusterConfig(portBase, masters, replicasPerMaster, nodeTimeoutMs, requireFullCoverage, password, value);
  }

  public int nodeCount() {
    return masters * (1 + replicasPerMaster);
  }

  /** All data ports, ascending: masters first, then replicas. */
  public List<Integer> ports() {
    List<Integer> ports = new ArrayList<>(nodeCount());
    for (int i = 0; i < nodeCount(); i++) {
      ports.add(portBase + i);
    }
    return Collections.unmodifiableList(ports);
  }

  /** Ports that get slots when the cluster is formed (roles may move later through failovers). */
  public boolean isInitialMaster(int port) {
    return port >= portBase && port < portBase + masters;
  }

  /**
   * The master a replica port is attached to when the cluster is formed: replicas are dealt round-robin,
   * so with 3 masters 7003, 7006 follow 7000; 7004, 7007 follow 7001; and so on.
   */
  public int masterPortOf(int replicaPort) {
    int index = replicaPort - portBase - masters;
    if (index < 0 || index >= masters * replicasPerMaster) {
      throw new IllegalArgumentException("port " + replicaPort + " is not a replica port of this cluster");
    }
    return portBase + index % masters;
  }

  // The password must not end up in logs through toString().
  @Override
  public String toString() {
    return "LocalClusterConfig[portBase=" + portBase + ", masters=" + masters + ", replicasPerMaster=" + replicasPerMaster
        + ", nodeTimeoutMs=" + nodeTimeoutMs + ", requireFullCoverage=" + requireFullCoverage
        + ", password=" + (password == null ? "none" : "***") + ", redisServerOverride=" + redisServerOverride + "]";
  }
}
