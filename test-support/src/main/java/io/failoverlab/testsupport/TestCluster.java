package io.failoverlab.testsupport;

import io.failoverlab.localcluster.LocalClusterConfig;
import io.failoverlab.localcluster.LocalNode;
import io.failoverlab.localcluster.LocalRedisCluster;
import io.failoverlab.localcluster.NodeState;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A test's local Redis Cluster and the Vert.x it runs on, started together and closed together in
 * order (the cluster's processes and clients first, then Vert.x), also when the start failed half-way.
 */
public final class TestCluster implements AutoCloseable {

  private static final Duration VERTX_CLOSE = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final LocalRedisCluster cluster;

  private TestCluster(Vertx vertx, LocalRedisCluster cluster) {
    this.vertx = vertx;
    this.cluster = cluster;
  }

  /** A cluster on a Vert.x of its own, healthy within {@code timeout}. */
  public static TestCluster start(LocalClusterConfig config, Duration timeout) throws Exception {
    return start(Vertx.vertx(), config, timeout);
  }

  /**
   * A cluster on {@code vertx} (one with the test's metrics, say), healthy within {@code timeout}. The
   * fixture owns that Vert.x from now on: {@link #close()} closes it, and so does a failed start.
   */
  public static TestCluster start(Vertx vertx, LocalClusterConfig config, Duration timeout) throws Exception {
    TestCluster started = new TestCluster(vertx, LocalRedisCluster.create(vertx, config));
    try {
      started.cluster.start().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return started;
    } catch (Exception | Error e) {
      try {
        started.close();
      } catch (RuntimeException | Error closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  public LocalRedisCluster cluster() {
    return cluster;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Restarts every crashed node, then waits until the cluster is healthy: where each test of a class
   * sharing one cluster starts, whatever the one before left down.
   */
  public void restoreCrashedNodes(Duration timeout) throws Exception {
    for (LocalNode node : cluster.nodes()) {
      if (node.state() == NodeState.CRASHED) {
        cluster.restart(node.port()).await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    cluster.awaitHealthy(timeout).await(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
  }

  /** Every node's address, comma-separated: the services' REDIS_NODES. */
  public String seeds() {
    return String.join(",", cluster.seedAddresses());
  }

  /** Stops every node (idempotent), then closes Vert.x, even if stopping failed. */
  @Override
  public void close() {
    try {
      cluster.close();
    } finally {
      try {
        vertx.close().await(VERTX_CLOSE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("Vert.x did not close within " + VERTX_CLOSE.toSeconds() + " s", e);
      }
    }
  }
}
