package io.failoverlab.lab;

import io.failoverlab.localcluster.LocalClusterConfig;

/**
 * What the one-JVM lab is started with: the local cluster's shape and where the services listen.
 * HTTP ports of 0 pick free ports (tests).
 */
public record LabOptions(
    int portBase,
    int nodeTimeoutMs,
    boolean requireFullCoverage,
    String httpHost,
    int monitorPort,
    int writerPort,
    int readerPort) {

  public static LabOptions defaults() {
    return new LabOptions(7000, 2000, false, "127.0.0.1", 8080, 8081, 8082);
  }

  public LocalClusterConfig clusterConfig() {
    return LocalClusterConfig.defaults()
        .withPortBase(portBase)
        .withNodeTimeoutMs(nodeTimeoutMs)
        .withRequireFullCoverage(requireFullCoverage);
  }

  public LabOptions withPortBase(int value) {
    return new LabOptions(value, nodeTimeoutMs, requireFullCoverage, httpHost, monitorPort, writerPort, readerPort);
  }

  public LabOptions withNodeTimeoutMs(int value) {
    return new LabOptions(portBase, value, requireFullCoverage, httpHost, monitorPort, writerPort, readerPort);
  }

  public LabOptions withRequireFullCoverage(boolean value) {
    return new LabOptions(portBase, nodeTimeoutMs, value, httpHost, monitorPort, writerPort, readerPort);
  }

  public LabOptions withHttpPorts(int monitor, int writer, int reader) {
    return new LabOptions(portBase, nodeTimeoutMs, requireFullCoverage, httpHost, monitor, writer, reader);
  }
}
