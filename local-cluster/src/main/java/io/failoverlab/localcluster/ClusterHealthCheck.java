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
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One round of the readiness definition. "Healthy" has to be this strict because a cluster that merely answers can
 * still be one failure away from staying down for good (a replica that never synced cannot be promoted), and
 * because after failovers the roles are wherever Redis put them, not where we started them.
 *
 * <p>Healthy means: every node of the cluster is running and answers; every node reports cluster_state:ok,
 * 16384 slots assigned and ok, and knows all nodes; no view flags any node fail/pfail (or is still in handshake);
 * every view sees exactly {@code masters} masters owning slots, and all views agree which; every node that is a
 * replica in its own view has its replication link up and no sync in progress.
 */
final class ClusterHealthCheck {

  private final NodeClients clients;
  private final LocalClusterConfig config;
  private final Supplier<List<NodeProcess>> nodes;

  ClusterHealthCheck(NodeClients clients, LocalClusterConfig config, Supplier<List<NodeProcess>> nodes) {
    this.clients = clients;
    this.config = config;
    this.nodes = nodes;
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
      String problem = firstProblem(collected);
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

  private String firstProblem(List<NodeReport> reports) {
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
      if (!String.valueOf(config.nodeCount()).equals(info.get("cluster_known_nodes"))) {
        return "node " + port + ": cluster_known_nodes:" + info.get("cluster_known_nodes") + ", expected " + config.nodeCount();
      }
      for (ClusterNode node : report.view()) {
        if (node.failed() || node.possiblyFailed() || node.flags().contains("handshake") || node.flags().contains("noaddr")) {
          return "node " + port + " sees node " + portOf(node) + " as " + String.join(",", node.flags());
        }
      }
      Set<String> mastersWithSlots = report.view().stream()
          .filter(node -> node.master() && !node.slots().isEmpty())
          .map(node -> node.id() + "@" + portOf(node))
          .collect(Collectors.toCollection(TreeSet::new));
      if (mastersWithSlots.size() != config.masters()) {
        return "node " + port + " sees " + mastersWithSlots.size() + " masters with slots, expected " + config.masters();
      }
      if (agreedMasters == null) {
        agreedMasters = mastersWithSlots;
      } else if (!agreedMasters.equals(mastersWithSlots)) {
        return "views disagree on the masters: " + agreedMasters + " vs node " + port + ": " + mastersWithSlots;
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
