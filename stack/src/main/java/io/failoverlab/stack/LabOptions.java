package io.failoverlab.stack;

import io.failoverlab.localcluster.LocalClusterConfig;
import io.failoverlab.stack.cli.LocalClusterOptions;
import io.failoverlab.stack.cli.ServicePortOptions;

/**
 * What the one-JVM lab is started with: the local cluster's shape and where the services listen.
 * HTTP ports of 0 pick free ports (tests). The cluster has 3 masters with one replica each unless
 * {@link #withShape} says otherwise (the bench's scale runs use 6 masters with 2 replicas each).
 */
public record LabOptions(
    int portBase,
    int nodeTimeoutMs,
    boolean requireFullCoverage,
    String httpHost,
    int monitorPort,
    int writerPort,
    int readerPort,
    int masters,
    int replicasPerMaster) {

  public static final int DEFAULT_MASTERS = 3;
  public static final int DEFAULT_REPLICAS_PER_MASTER = 1;

  /** The usual 3 masters + 3 replicas. */
  public LabOptions(int portBase, int nodeTimeoutMs, boolean requireFullCoverage, String httpHost, int monitorPort,
                    int writerPort, int readerPort) {
    this(portBase, nodeTimeoutMs, requireFullCoverage, httpHost, monitorPort, writerPort, readerPort, DEFAULT_MASTERS,
        DEFAULT_REPLICAS_PER_MASTER);
  }

  /** As the command line gave them (the lab's and the drill's options). */
  public static LabOptions of(LocalClusterOptions cluster, ServicePortOptions ports) {
    return new LabOptions(cluster.portBase(), cluster.nodeTimeoutMs(), cluster.requireFullCoverage(), ports.httpHost(),
        ports.monitorPort(), ports.writerPort(), ports.readerPort(), cluster.masters(), cluster.replicas());
  }

  public static LabOptions defaults() {
    return new LabOptions(7000, 2000, false, "127.0.0.1", 8080, 8081, 8082);
  }

  public LocalClusterConfig clusterConfig() {
    return LocalClusterConfig.defaults()
        .withPortBase(portBase)
        .withMasters(masters)
        .withReplicasPerMaster(replicasPerMaster)
        .withNodeTimeoutMs(nodeTimeoutMs)
        .withRequireFullCoverage(requireFullCoverage);
  }

  public LabOptions withPortBase(int value) {
    return new LabOptions(value, nodeTimeoutMs, requireFullCoverage, httpHost, monitorPort, writerPort, readerPort,
        masters, replicasPerMaster);
  }

  public LabOptions withNodeTimeoutMs(int value) {
    return new LabOptions(portBase, value, requireFullCoverage, httpHost, monitorPort, writerPort, readerPort,
        masters, replicasPerMaster);
  }

  public LabOptions withRequireFullCoverage(boolean value) {
    return new LabOptions(portBase, nodeTimeoutMs, value, httpHost, monitorPort, writerPort, readerPort,
        masters, replicasPerMaster);
  }

  public LabOptions withHttpPorts(int monitor, int writer, int reader) {
    return new LabOptions(portBase, nodeTimeoutMs, requireFullCoverage, httpHost, monitor, writer, reader,
        masters, replicasPerMaster);
  }

  /** {@code masters} masters (at least 3) with {@code replicasPerMaster} replicas each. */
  public LabOptions withShape(int masters, int replicasPerMaster) {
    return new LabOptions(portBase, nodeTimeoutMs, requireFullCoverage, httpHost, monitorPort, writerPort, readerPort,
        masters, replicasPerMaster);
  }
}
