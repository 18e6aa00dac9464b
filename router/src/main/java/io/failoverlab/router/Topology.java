package io.failoverlab.router;

import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.topology.ClusterNode;
import io.failoverlab.common.topology.ClusterNodesParser;
import io.failoverlab.common.topology.HostAndPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's picture of the cluster: the nodes it knows and which one serves each slot. Refreshed
 * periodically and whenever routing meets a sign the cluster moved, by asking every reachable node
 * for CLUSTER NODES and merging the views by config epoch.
 */
final class Topology {

  // The router's logger: these lines keep the name they had before the router was split.
  private static final Logger LOG = LoggerFactory.getLogger(ClusterRouter.class);
  private static final long MIN_REFRESH_GAP_MS = 25;

  private final Vertx vertx;
  private final RedisSettings settings;
  private final NodeLinks links;
  private final NodeHealth health;
  private final LastContact contact;
  private final Set<HostAndPort> known = new LinkedHashSet<>();
  private SlotMap slots = SlotMap.EMPTY;
  private boolean refreshing;
  private boolean refreshWanted;
  private long lastRefreshEndMillis;
  private long refreshTimer = -1;
  private long scheduledRefresh = -1;
  private boolean closed;
  private long refreshes;
  private long promotionsSeen;

  Topology(Vertx vertx, RedisSettings settings, NodeLinks links, NodeHealth health, LastContact contact) {
    this.vertx = vertx;
    this.settings = settings;
    this.links = links;
    this.health = health;
    this.contact = contact;
    known.addAll(settings.seeds());
  }

  void start() {
    refreshTimer = vertx.setPeriodic(settings.topologyRefreshMs(), id -> requestRefresh());
  }

  void close() {
    closed = true;
    vertx.cancelTimer(refreshTimer);
    vertx.cancelTimer(scheduledRefresh);
  }

  SlotMap slots() {
    return slots;
  }

  int knownNodeCount() {
    return known.size();
  }

  /** The known nodes not believed down, in the order they were learned. */
  List<HostAndPort> reachableNodes() {
    List<HostAndPort> reachable = new ArrayList<>();
    for (HostAndPort node : known) {
      if (!health.isDown(node)) {
        reachable.add(node);
      }
    }
    return reachable;
  }

  long refreshes() {
    return refreshes;
  }

  long promotionsSeen() {
    return promotionsSeen;
  }

  /** A MOVED reply said {@code slot} is now served by {@code node}. */
  void slotMoved(int slot, HostAndPort node) {
    slots = slots.withMovedSlot(slot, node);
    requestRefresh();
  }

  /** The shard's replica {@code newMaster} accepted a write while its master looked down: promoted. */
  void promotionSeen(SlotMap.Shard shard, HostAndPort newMaster) {
    if (slots.shardOf(shard.ranges().get(0).from()) == shard) {
      slots = slots.withPromotion(shard, newMaster);
      promotionsSeen++;
      LOG.info("event=promotion_seen slots={} new_master={} old_master={}", shard.label(), newMaster, shard.master());
    }
    requestRefresh();
  }

  /** Refreshes now, or once the running refresh or the minimum gap between two is over. */
  void requestRefresh() {
    if (closed) {
      return;
    }
    if (refreshing) {
      refreshWanted = true;
      return;
    }
    long gap = System.currentTimeMillis() - lastRefreshEndMillis;
    if (gap >= MIN_REFRESH_GAP_MS) {
      refresh();
    } else if (scheduledRefresh < 0) {
      scheduledRefresh = vertx.setTimer(MIN_REFRESH_GAP_MS - gap, id -> {
        scheduledRefresh = -1;
        requestRefresh();
      });
    }
  }

  /** Asks every reachable node for its CLUSTER NODES view and merges them by config epoch. */
  Future<Void> refresh() {
    refreshing = true;
    List<HostAndPort> targets = reachableNodes();
    if (targets.isEmpty()) {
      // Everything looks down: ask everyone anyway, so we notice the first node that comes back.
      targets.addAll(known);
    }
    List<Future<List<ClusterNode>>> views = new ArrayList<>();
    for (HostAndPort node : targets) {
      views.add(links.send(node, Request.cmd(Command.CLUSTER).arg("NODES"))
          .map(reply -> ClusterNodesParser.parse(reply.toString())));
    }
    return Future.join(views).transform(ignored -> {
      List<List<ClusterNode>> answered = new ArrayList<>();
      for (Future<List<ClusterNode>> view : views) {
        if (view.succeeded()) {
          answered.add(view.result());
        }
      }
      refreshing = false;
      lastRefreshEndMillis = System.currentTimeMillis();
      if (!answered.isEmpty()) {
        contact.replied();
        applyViews(answered);
      }
      if (refreshWanted) {
        refreshWanted = false;
        requestRefresh();
      }
      if (answered.isEmpty()) {
        // Keep the first reason a node gave: "refused our password" must not become "no answer".
        Throwable first = views.stream().filter(Future::failed).map(Future::cause).findFirst().orElse(null);
        return Future.failedFuture(first != null && RedisFailure.isAuthenticationFailure(first) ? first
            : new RedisFailure(ErrorType.CONNECTION, false, null, "no node answered CLUSTER NODES"));
      }
      return Future.<Void>succeededFuture();
    });
  }

  private void applyViews(List<List<ClusterNode>> views) {
    refreshes++;
    SlotMap merged = SlotMap.fromViews(views);
    if (!merged.isEmpty()) {
      slots = merged;
    }
    Set<HostAndPort> seen = new LinkedHashSet<>(settings.seeds());
    for (List<ClusterNode> view : views) {
      for (ClusterNode node : view) {
        if (node.address() != null) {
          seen.add(node.address());
        }
      }
    }
    // Forget nodes the cluster no longer lists, and close their connections.
    for (HostAndPort gone : new ArrayList<>(known)) {
      if (!seen.contains(gone)) {
        known.remove(gone);
        health.forget(gone);
        links.forget(gone);
      }
    }
    known.addAll(seen);
  }
}
