package io.failoverlab.localcluster;

import io.failoverlab.common.topology.ClusterNode;
import io.failoverlab.common.topology.ClusterNodesParser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Test-side view of the nodes, independent of what LocalRedisCluster reports about itself. */
final class ClusterProbe implements AutoCloseable {

  private final NodeClients clients;

  ClusterProbe(Vertx vertx, String password) {
    this.clients = new NodeClients(vertx, password);
  }

  Response send(int port, Request request) {
    return await(clients.send(port, "probe", request));
  }

  /** The node's whole CLUSTER NODES view; fails if it does not answer. */
  List<ClusterNode> view(int port) {
    return ClusterNodesParser.parse(await(clients.text(port, "CLUSTER NODES", Request.cmd(Command.CLUSTER).arg("NODES"))));
  }

  /** The node's own CLUSTER NODES view of itself; empty if it does not answer. */
  Optional<ClusterNode> self(int port) {
    try {
      String text = await(clients.text(port, "CLUSTER NODES", Request.cmd(Command.CLUSTER).arg("NODES")));
      return ClusterNodesParser.parse(text).stream().filter(ClusterNode::myself).findFirst();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  boolean isMasterWithSlots(int port) {
    return self(port).map(node -> node.master() && !node.slots().isEmpty()).orElse(false);
  }

  boolean isReplicaOf(int port, int masterPort) {
    Optional<ClusterNode> self = self(port);
    Optional<ClusterNode> master = self(masterPort);
    return self.isPresent() && master.isPresent() && self.get().replica() && master.get().id().equals(self.get().masterId());
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(90, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      if (future.failed()) {
        // The future's own failure (a Waits deadline), rethrown by await(): its message is the answer, keep it.
        throw new IllegalStateException(e.getMessage(), e);
      }
      throw new AssertionError("future did not complete within 90 s", e);
    }
  }

  @Override
  public void close() {
    clients.close();
  }
}
