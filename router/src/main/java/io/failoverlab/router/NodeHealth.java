package io.failoverlab.router;

import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.topology.HostAndPort;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes this router believes down: marked at a connection failure or a full-deadline timeout,
 * avoided by routing, and PINGed every probe period until they answer again.
 */
final class NodeHealth {

  // The router's logger: these lines keep the name they had before the router was split.
  private static final Logger LOG = LoggerFactory.getLogger(ClusterRouter.class);

  private final Vertx vertx;
  private final RedisSettings settings;
  private final NodeLinks links;
  private final LastContact contact;
  private final Map<HostAndPort, Long> downSince = new HashMap<>();
  private final Set<HostAndPort> probing = new LinkedHashSet<>();
  private long probeTimer = -1;

  NodeHealth(Vertx vertx, RedisSettings settings, NodeLinks links, LastContact contact) {
    this.vertx = vertx;
    this.settings = settings;
    this.links = links;
    this.contact = contact;
  }

  /** Starts the probes; a node that answers again asks {@code topology} for a fresh look. */
  void start(Topology topology) {
    probeTimer = vertx.setPeriodic(settings.nodeProbeMs(), id -> probeDownNodes(topology));
  }

  void close() {
    vertx.cancelTimer(probeTimer);
  }

  boolean isDown(HostAndPort node) {
    return downSince.containsKey(node);
  }

  void markDown(HostAndPort node, RedisFailure failure) {
    if (downSince.putIfAbsent(node, System.currentTimeMillis()) == null) {
      LOG.info("event=node_unreachable node={} error_type={} error=\"{}\"", node, failure.type().label(), failure.getMessage());
    }
  }

  /** The cluster no longer lists {@code node}: nothing left to probe. */
  void forget(HostAndPort node) {
    downSince.remove(node);
  }

  Set<HostAndPort> downNodes() {
    return Collections.unmodifiableSet(downSince.keySet());
  }

  /** Shards (by slot label) whose master is believed down. */
  List<String> shardsDown(SlotMap slots) {
    List<String> down = new ArrayList<>();
    for (SlotMap.Shard shard : slots.shards()) {
      if (isDown(shard.master())) {
        down.add(shard.label());
      }
    }
    return down;
  }

  private void probeDownNodes(Topology topology) {
    for (HostAndPort node : List.copyOf(downSince.keySet())) {
      if (!probing.add(node)) {
        continue;
      }
      links.send(node, Request.cmd(Command.PING)).onComplete(result -> {
        probing.remove(node);
        if (result.succeeded() && downSince.remove(node) != null) {
          contact.replied();
          LOG.info("event=node_reachable node={}", node);
          topology.requestRefresh();
        }
      });
    }
  }
}
