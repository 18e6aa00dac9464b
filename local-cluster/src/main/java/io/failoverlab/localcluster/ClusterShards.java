package io.failoverlab.localcluster;

import io.failoverlab.common.async.Waits;
import io.failoverlab.common.topology.ClusterNode;
import io.failoverlab.common.topology.ClusterNodesParser;
import io.failoverlab.common.topology.InfoParser;
import io.failoverlab.common.topology.SlotRange;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis side of growing and shrinking a running cluster by whole shards, the way {@code redis-cli --cluster
 * add-node} and {@code del-node} do it (the bundled binary has no redis-cli): MEET and REPLICATE for a new shard,
 * FORGET on every other node for a removed one. Processes are not its business (see {@link LocalRedisCluster}),
 * and neither are slots: a shard joins empty and must be empty to leave.
 */
final class ClusterShards {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterShards.class);

  private final Vertx vertx;
  private final NodeClients clients;

  ClusterShards(Vertx vertx, NodeClients clients) {
    this.vertx = vertx;
    this.clients = clients;
  }

  /**
   * A shard as the cluster sees it: its master and the nodes that replicate it, each by data port and node id.
   * Replicas are ordered by port.
   */
  record Shard(int masterPort, String masterId, Map<Integer, String> replicaIds) {

    /** Master first, then the replicas. */
    Map<Integer, String> ids() {
      Map<Integer, String> ids = new LinkedHashMap<>();
      ids.put(masterPort, masterId);
      ids.putAll(replicaIds);
      return ids;
    }
  }

  // ---- adding

  /** CLUSTER MYID of each port, in the order given. */
  Future<Map<Integer, String>> ids(List<Integer> ports) {
    Map<Integer, Future<String>> replies = new LinkedHashMap<>();
    for (int port : ports) {
      replies.put(port, clients.text(port, "CLUSTER MYID", Request.cmd(Command.CLUSTER).arg("MYID")));
    }
    return Future.all(new ArrayList<>(replies.values())).map(done -> {
      Map<Integer, String> ids = new LinkedHashMap<>();
      replies.forEach((port, id) -> ids.put(port, id.result().strip()));
      return ids;
    });
  }

  /**
   * Joins freshly started, empty nodes to the cluster of {@code members} and makes the first new node the master of
   * the others: MEET, wait until every node lists every new node as connected (a replica cannot REPLICATE a master it
   * does not know yet), REPLICATE, wait until every node sees the new replicas following the new master and they are
   * in sync. The new master gets no slots.
   *
   * @param newIds  data port -> node id of the new nodes, master first
   * @param members data ports of the nodes already in the cluster
   */
  Future<Void> join(Map<Integer, String> newIds, List<Integer> members, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Integer> all = new ArrayList<>(members);
    all.addAll(newIds.keySet());
    int masterPort = newIds.keySet().iterator().next();
    String masterId = newIds.get(masterPort);
    Map<Integer, String> replicaIds = new LinkedHashMap<>(newIds);
    replicaIds.remove(masterPort);
    return meet(newIds.keySet(), members.get(0))
        .compose(v -> Waits.untilSucceeds(vertx, "every node listing the new nodes " + newIds.keySet() + " as connected",
            remaining(deadline), () -> allListConnected(all, newIds)))
        .compose(v -> replicate(masterId, replicaIds.keySet()))
        .compose(v -> Waits.untilSucceeds(vertx, "new replicas " + replicaIds.keySet() + " following " + masterPort + " and in sync",
            remaining(deadline), () -> replicasFollowing(all, masterId, replicaIds)));
  }

  // Each new node meets one member (as redis-cli add-node does); gossip introduces it to the rest.
  private Future<Void> meet(Collection<Integer> newPorts, int memberPort) {
    List<Future<?>> replies = new ArrayList<>();
    for (int port : newPorts) {
      LOG.debug("event=meet port={} seedPort={}", port, memberPort);
      replies.add(clients.send(port, "CLUSTER MEET", Request.cmd(Command.CLUSTER).arg("MEET").arg("127.0.0.1").arg(memberPort)));
    }
    return Future.all(replies).mapEmpty();
  }

  private Future<Void> allListConnected(List<Integer> all, Map<Integer, String> newIds) {
    List<Future<?>> checks = new ArrayList<>();
    for (int port : all) {
      checks.add(view(port).compose(view -> {
        long known = view.stream().filter(ClusterShards::settled).count();
        if (known != all.size()) {
          return Future.failedFuture("node " + port + " knows " + known + " of " + all.size() + " nodes");
        }
        for (String id : newIds.values()) {
          Optional<ClusterNode> line = byId(view, id);
          if (line.isEmpty() || !(line.get().myself() || line.get().linkConnected())) {
            return Future.failedFuture("node " + port + " does not list new node " + id + " as connected");
          }
        }
        return Future.succeededFuture();
      }));
    }
    return Future.all(checks).mapEmpty();
  }

  private Future<Void> replicate(String masterId, Collection<Integer> replicaPorts) {
    List<Future<?>> replies = new ArrayList<>();
    for (int port : replicaPorts) {
      LOG.debug("event=replicate port={} masterId={}", port, masterId);
      replies.add(clients.send(port, "CLUSTER REPLICATE", Request.cmd(Command.CLUSTER).arg("REPLICATE").arg(masterId)));
    }
    return Future.all(replies).mapEmpty();
  }

  private Future<Void> replicasFollowing(List<Integer> all, String masterId, Map<Integer, String> replicaIds) {
    List<Future<?>> checks = new ArrayList<>();
    for (int port : all) {
      checks.add(view(port).compose(view -> {
        for (Map.Entry<Integer, String> replica : replicaIds.entrySet()) {
          Optional<ClusterNode> line = byId(view, replica.getValue());
          if (line.isEmpty() || !line.get().replica() || !masterId.equals(line.get().masterId())) {
            return Future.failedFuture("node " + port + " does not see " + replica.getKey() + " as a replica of " + masterId);
          }
        }
        return Future.succeededFuture();
      }));
    }
    for (int port : replicaIds.keySet()) {
      checks.add(clients.text(port, "INFO replication", Request.cmd(Command.INFO).arg("replication")).compose(text -> {
        Map<String, String> replication = InfoParser.parse(text);
        return "up".equals(replication.get("master_link_status")) && "0".equals(replication.get("master_sync_in_progress"))
            ? Future.succeededFuture()
            : Future.failedFuture("replica " + port + ": master_link_status:" + replication.get("master_link_status")
                + " master_sync_in_progress:" + replication.get("master_sync_in_progress"));
      }));
    }
    return Future.all(checks).mapEmpty();
  }

  // ---- removing

  /** CLUSTER NODES of every port that answers; ports that do not answer are missing from the map. */
  Future<Map<Integer, List<ClusterNode>>> viewsOfThoseAnswering(List<Integer> ports) {
    Map<Integer, Future<List<ClusterNode>>> replies = new LinkedHashMap<>();
    for (int port : ports) {
      replies.put(port, view(port));
    }
    return Future.join(new ArrayList<>(replies.values())).transform(done -> {
      Map<Integer, List<ClusterNode>> views = new TreeMap<>();
      replies.forEach((port, view) -> {
        if (view.succeeded()) {
          views.put(port, view.result());
        }
      });
      return Future.succeededFuture(views);
    });
  }

  /**
   * The shard of the master on {@code masterPort}, if it may leave: the node answers, is a master in its own view,
   * and no view gives it slots (nor has it slots half moved). Its replicas are the nodes whose own view says they
   * follow it, or, for a node that does not answer, the master's view of it. Throws an {@link IllegalStateException}
   * naming the reason otherwise.
   */
  static Shard emptyShard(int masterPort, List<Integer> ports, Map<Integer, List<ClusterNode>> views) {
    List<ClusterNode> own = views.get(masterPort);
    if (own == null) {
      throw new IllegalStateException("node " + masterPort + " does not answer; the master of a shard to remove must");
    }
    ClusterNode master = self(own, masterPort);
    if (!master.master()) {
      String follows = own.stream().filter(node -> node.id().equals(master.masterId())).findFirst()
          .map(node -> Integer.toString(portOf(node))).orElse(master.masterId());
      throw new IllegalStateException("node " + masterPort + " is not a master of this cluster (it replicates " + follows
          + "); removeShard takes a master's port");
    }
    if (!master.openSlots().isEmpty()) {
      throw new IllegalStateException("master " + masterPort + " has slots in the middle of a move: " + master.openSlots());
    }
    views.forEach((port, view) -> byId(view, master.id()).filter(line -> !line.slots().isEmpty()).ifPresent(line -> {
      throw new IllegalStateException("master " + masterPort + " still owns slots " + SlotRange.format(line.slots())
          + " (as node " + port + " sees it); move them away before removing its shard");
    }));
    Map<Integer, String> replicas = new TreeMap<>();
    for (int port : ports) {
      if (port == masterPort) {
        continue;
      }
      List<ClusterNode> view = views.get(port);
      Optional<ClusterNode> line = view != null ? Optional.of(self(view, port)) : byPort(own, port);
      line.filter(node -> master.id().equals(node.masterId())).ifPresent(node -> replicas.put(port, node.id()));
    }
    return new Shard(masterPort, master.id(), replicas);
  }

  /**
   * CLUSTER FORGET of each id on each of {@code ports}, which must not include the forgotten nodes themselves: a
   * replica refuses to forget its master ("Can't forget my master!"), and a node cannot forget itself. The remaining
   * nodes replicate none of them (they would be part of the shard), so every FORGET here is one Redis accepts. Each
   * FORGET also bans the id on that node for 60 s, so gossip from a node that has not forgotten it yet cannot bring
   * it back: all of them are sent at once, well within that time. A node that does not know an id ("Unknown node")
   * has nothing to forget.
   */
  Future<Void> forget(Collection<String> ids, List<Integer> ports) {
    List<Future<?>> replies = new ArrayList<>();
    for (int port : ports) {
      for (String id : ids) {
        replies.add(clients.send(port, "CLUSTER FORGET", Request.cmd(Command.CLUSTER).arg("FORGET").arg(id)).recover(e ->
            e.getMessage() != null && e.getMessage().contains("Unknown node") ? Future.succeededFuture() : Future.failedFuture(e)));
      }
    }
    return Future.all(replies).mapEmpty();
  }

  /** Succeeds once none of {@code ports} lists any of {@code ids}; one round, for {@link Waits}. */
  Future<Void> noneLists(Collection<String> ids, List<Integer> ports) {
    List<Future<?>> checks = new ArrayList<>();
    for (int port : ports) {
      checks.add(view(port).compose(view -> {
        Optional<ClusterNode> listed = view.stream().filter(node -> ids.contains(node.id())).findFirst();
        return listed.isEmpty() ? Future.<Void>succeededFuture()
            : Future.<Void>failedFuture("node " + port + " still lists " + listed.get().id() + " (" + portOf(listed.get()) + ")");
      }));
    }
    return Future.all(checks).mapEmpty();
  }

  // ---- helpers

  private Future<List<ClusterNode>> view(int port) {
    return clients.text(port, "CLUSTER NODES", Request.cmd(Command.CLUSTER).arg("NODES")).map(ClusterNodesParser::parse);
  }

  /** Known for good: not in handshake, address known. */
  private static boolean settled(ClusterNode node) {
    return !node.flags().contains("handshake") && !node.flags().contains("noaddr") && node.address() != null;
  }

  private static ClusterNode self(List<ClusterNode> view, int port) {
    return view.stream().filter(ClusterNode::myself).findFirst()
        .orElseThrow(() -> new IllegalStateException("node " + port + ": CLUSTER NODES has no 'myself' line"));
  }

  private static Optional<ClusterNode> byId(List<ClusterNode> view, String id) {
    return view.stream().filter(node -> node.id().equals(id)).findFirst();
  }

  private static Optional<ClusterNode> byPort(List<ClusterNode> view, int port) {
    return view.stream().filter(node -> portOf(node) == port).findFirst();
  }

  /** 0 while a node's address is unknown (":0@0"), as CLUSTER NODES itself says. */
  private static int portOf(ClusterNode node) {
    return node.address() == null ? 0 : node.address().port();
  }

  private static Duration remaining(long deadlineNanos) {
    return Duration.ofNanos(Math.max(1_000_000L, deadlineNanos - System.nanoTime()));
  }
}
