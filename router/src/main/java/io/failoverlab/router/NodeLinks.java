package io.failoverlab.router;

import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.topology.HostAndPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One {@link NodeLink} per node, opened the first time anything is sent there. */
final class NodeLinks {

  private final Vertx vertx;
  private final RedisSettings settings;
  private final boolean readOnly;
  private final Map<HostAndPort, NodeLink> links = new HashMap<>();

  NodeLinks(Vertx vertx, RedisSettings settings, boolean readOnly) {
    this.vertx = vertx;
    this.settings = settings;
    this.readOnly = readOnly;
  }

  NodeLink link(HostAndPort node) {
    return links.computeIfAbsent(node, address -> new NodeLink(vertx, address, settings, readOnly));
  }

  /** Sends one command to {@code node} with the full command deadline. */
  Future<Response> send(HostAndPort node, Request request) {
    return link(node).send(request, settings.commandTimeoutMs());
  }

  /** The cluster no longer lists {@code node}: close its connections. */
  void forget(HostAndPort node) {
    NodeLink link = links.remove(node);
    if (link != null) {
      link.close();
    }
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (NodeLink link : links.values()) {
      closing.add(link.close());
    }
    links.clear();
    return Future.join(closing).mapEmpty();
  }
}
