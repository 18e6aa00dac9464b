package io.failoverlab.localcluster;

import io.vertx.core.Vertx;

/**
 * A test class's local cluster (the default 3 masters x 1 replica from {@code base}, node timeout
 * 1000 ms), started on a Vert.x of its own, with a {@link ClusterProbe} to check it independently;
 * closed cluster first, then the probe, then Vert.x. (test-support's TestCluster is built on this
 * module, so this module's own tests cannot use it.)
 */
final class ClusterFixture implements AutoCloseable {

  final Vertx vertx;
  final LocalRedisCluster cluster;
  final ClusterProbe probe;

  private ClusterFixture(Vertx vertx, LocalRedisCluster cluster, ClusterProbe probe) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.probe = probe;
  }

  static ClusterFixture start(int base) {
    Vertx vertx = Vertx.vertx();
    LocalRedisCluster cluster = LocalRedisCluster.create(vertx,
        LocalClusterConfig.defaults().withPortBase(base).withNodeTimeoutMs(1000));
    ClusterFixture fixture = new ClusterFixture(vertx, cluster, new ClusterProbe(vertx, null));
    try {
      ClusterProbe.await(cluster.start());
    } catch (RuntimeException | Error e) {
      fixture.close();
      throw e;
    }
    return fixture;
  }

  @Override
  public void close() {
    cluster.close();
    probe.close();
    ClusterProbe.await(vertx.close());
  }
}
