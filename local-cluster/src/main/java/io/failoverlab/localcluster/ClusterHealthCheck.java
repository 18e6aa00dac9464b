package io.failoverlab.localcluster;

import io.failoverlab.common.topology.ClusterNode;
import io.failoverlab.common.topology.ClusterNodesParser;
import io.failoverlab.common.topology.InfoParser;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One round of the readiness definition. "Healthy" has to be this strict because a cluster that merely answers can
 * still be one failure away from staying down for good (a replica that never synced cannot be promoted), and
 * because after failovers the roles are wherever Redis put them, not where we started them.
 *
 * <p>Healthy means: every node of the cluster is running and answers; every node reports cluster_state:ok,
 * 16384 slots assigned and ok, and knows exactly the cluster's nodes; no view flags any node fail/pfail (or is still
 * in handshake); every view sees exactly as many masters as the cluster has shards now, and all views agree which
 * masters those are and which of them own slots; every node that is a replica in its own view has its replication
 * link up and no sync in progress.
 *
 * <p>The shape follows the cluster as it is now, not as it was configured: shards added with
 * {@link LocalRedisCluster#addShard()} count, removed ones do not. A master without slots is healthy, because that is
 * how an added shard starts (slots move to it later, if at all); it cannot hide a lost shard, because every slot must
 * still be covered and the number of masters must still match. Which masters own how many slots is not judged: moving
 * slots is a later step, not a failure.
 */
final class ClusterHealthCheck {

  private final NodeClients clients;
  private final Supplier<List<NodeProcess>> nodes;
  private final IntSupplier shards;

  /**
   * @param nodes  the cluster's nodes now
   * @param shards how many shards (masters) the cluster has now
   */
  ClusterHealthCheck(NodeClients clients, Supplier<List<NodeProcess>> nodes, IntSupplier shards) {
    this.clients = clients;
    this.nodes = nodes;
    this.shards = shards;
  }

  /** Succeeds if healthy now; otherwise fails with the first reason found. */
  Future<Void> checkOnce() {
    List<NodeProcess> all = nodes.get();
    for (NodeProcess node : all) {
      // Checked first: right after a crash no other node has flagged it yet, so the views alone would look fine.
      if (node.state() != NodeState.RUNNING) {
        return Future.failedFuture("node " + node.port() + " is " + node.state());
      }
    }
    List<Future<NodeReport>> reports = new ArrayList<>();
    for (NodeProcess node : all) {
      reports.add(report(node.port()));
    }
    return Future.all(reports).compose(done -> {
      List<NodeReport> collected = reports.stream().map(Future::result).toList();
      String problem = firstProblem(collected, all.size(), shards.getAsInt());
      return problem == null ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(problem);
    });
  }

  private record NodeReport(int port, Map<String, String> clusterInfo, List<ClusterNode> view, Map<String, String> replication) {
  }

  private Future<NodeReport> report(int port) {
    Future<String> info = clients.text(port, "CLUSTER INFO", Request.cmd(Command.CLUSTER).arg("INFO"));
    Future<String> nodesText = clients.text(port, "CLUSTER NODES", Request.cmd(Command.CLUSTER).arg("NODES"));
    Future<String> replication = clients.text(port, "INFO replication", Request.cmd(Command.INFO).arg("replication"));
    return Future.all(info, nodesText, replication).map(done -> new NodeReport(port,
        InfoParser.parse(info.result()), ClusterNodesParser.parse(nodesText.result()), InfoParser.parse(replication.result())));
  }

  private static String firstProblem(List<NodeReport> reports, int nodeCount, int masterCount) {
    Set<String> agreedMasters = null;
    for (NodeReport report : reports) {
      int port = report.port();
      Map<String, String> info = report.clusterInfo();
      if (!"ok".equals(info.get("cluster_state"))) {
        return "node " + port + ": cluster_state:" + info.get("cluster_state");
      }
      if (!String.valueOf(LocalClusterConfig.SLOTS).equals(info.get("cluster_slots_assigned"))) {
        return "node " + port + ": cluster_slots_assigned:" + info.get("cluster_slots_assigned");
      }
      if (!String.valueOf(LocalClusterConfig.SLOTS).equals(info.get("cluster_slots_ok"))) {
        return "node " + port + ": cluster_slots_ok:" + info.get("cluster_slots_ok");
      }
      if (!String.valueOf(nodeCount).equals(info.get("cluster_known_nodes"))) {
        return "node " + port + ": cluster_known_nodes:" + info.get("cluster_known_nodes") + ", expected " + nodeCount;
      }
      for (ClusterNode node : report.view()) {
        if (node.failed() || node.possiblyFailed() || node.flags().contains("handshake") || node.flags().contains("noaddr")) {
          return "node " + port + " sees node " + portOf(node) + " as " + String.join(",", node.flags());
        }
      }
      // "id@port" of each master, marked when it owns no slots: views must agree on both.
      Set<String> masters = report.view().stream()
          .filter(ClusterNode::master)
          .map(node -> node.id() + "@" + portOf(node) + (node.slots().isEmpty() ? "(no slots)" : ""))
          .collect(Collectors.toCollection(TreeSet::new));
      if (masters.size() != masterCount) {
        return "node " + port + " sees " + masters.size() + " masters, expected " + masterCount + ": " + masters;
      }
      if (agreedMasters == null) {
        agreedMasters = masters;
      } else if (!agreedMasters.equals(masters)) {
        return "views disagree on the masters: " + agreedMasters + " vs node " + port + ": " + masters;
      }
      boolean replica = report.view().stream().filter(ClusterNode::myself).anyMatch(ClusterNode::replica);
      if (replica) {
        Map<String, String> replication = report.replication();
        if (!"up".equals(replication.get("master_link_status"))) {
          return "replica " + port + ": master_link_status:" + replication.get("master_link_status");
        }
        if (!"0".equals(replication.get("master_sync_in_progress"))) {
          return "replica " + port + ": master_sync_in_progress:" + replication.get("master_sync_in_progress");
        }
      }
    }
    return null;
  }

  /** 0 while a node's address is unknown (":0@0"), as CLUSTER NODES itself says. */
  private static int portOf(ClusterNode node) {
    return node.address() == null ? 0 : node.address().port();
  }
}
