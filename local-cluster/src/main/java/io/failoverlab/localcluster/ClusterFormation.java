package io.failoverlab.localcluster;

import io.failoverlab.common.async.Waits;
import io.failoverlab.common.topology.ClusterNodesParser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns freshly started, empty cluster-enabled nodes into one cluster, the way {@code redis-cli --cluster create}
 * does (the bundled binary has no redis-cli): distinct config epochs, slots to the masters, MEET, wait until
 * everybody knows everybody, then REPLICATE.
 */
final class ClusterFormation {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterFormation.class);

  private final Vertx vertx;
  private final NodeClients clients;
  private final LocalClusterConfig config;

  ClusterFormation(Vertx vertx, NodeClients clients, LocalClusterConfig config) {
    this.vertx = vertx;
    this.clients = clients;
    this.config = config;
  }

  Future<Void> form(Duration timeout) {
    return setConfigEpochs()
        .compose(v -> assignSlots())
        .compose(v -> meet())
        .compose(v -> Waits.untilSucceeds(vertx, "every node knowing all " + config.nodeCount() + " nodes", timeout, this::everyoneKnowsEveryone))
        .compose(v -> replicate());
  }

  // Distinct epochs up front: otherwise the masters start with equal epochs and spend time resolving the collision.
  private Future<Void> setConfigEpochs() {
    List<Future<?>> replies = new ArrayList<>();
    List<Integer> ports = config.ports();
    for (int i = 0; i < ports.size(); i++) {
      replies.add(clients.send(ports.get(i), "CLUSTER SET-CONFIG-EPOCH",
          Request.cmd(Command.CLUSTER).arg("SET-CONFIG-EPOCH").arg(i + 1)));
    }
    return Future.all(replies).mapEmpty();
  }

  /** Even split: master k gets [k*16384/m, (k+1)*16384/m - 1]. ADDSLOTS with explicit slots: 6.2 has no ADDSLOTSRANGE. */
  private Future<Void> assignSlots() {
    List<Future<?>> replies = new ArrayList<>();
    for (int k = 0; k < config.masters(); k++) {
      int first = k * LocalClusterConfig.SLOTS / config.masters();
      int last = (k + 1) * LocalClusterConfig.SLOTS / config.masters() - 1;
      Request addSlots = Request.cmd(Command.CLUSTER).arg("ADDSLOTS");
      for (int slot = first; slot <= last; slot++) {
        addSlots.arg(slot);
      }
      int port = config.portBase() + k;
      LOG.debug("event=addslots port={} first={} last={}", port, first, last);
      replies.add(clients.send(port, "CLUSTER ADDSLOTS", addSlots));
    }
    return Future.all(replies).mapEmpty();
  }

  // One node meeting all others is enough: gossip spreads the rest.
  private Future<Void> meet() {
    int first = config.portBase();
    List<Future<?>> replies = new ArrayList<>();
    for (int port : config.ports()) {
      if (port != first) {
        replies.add(clients.send(first, "CLUSTER MEET", Request.cmd(Command.CLUSTER).arg("MEET").arg("127.0.0.1").arg(port)));
      }
    }
    return Future.all(replies).mapEmpty();
  }

  private Future<Void> everyoneKnowsEveryone() {
    List<Future<?>> checks = new ArrayList<>();
    for (int port : config.ports()) {
      checks.add(clients.text(port, "CLUSTER NODES", Request.cmd(Command.CLUSTER).arg("NODES")).compose(text -> {
        // A node still in handshake, or whose address is not known yet, does not count.
        long known = ClusterNodesParser.parse(text).stream()
            .filter(node -> !node.flags().contains("handshake") && !node.flags().contains("noaddr") && node.address() != null)
            .count();
        return known == config.nodeCount()
            ? Future.succeededFuture()
            : Future.failedFuture("node " + port + " knows " + known + " of " + config.nodeCount() + " nodes");
      }));
    }
    return Future.all(checks).mapEmpty();
  }

  private Future<Void> replicate() {
    if (config.replicasPerMaster() == 0) {
      return Future.succeededFuture();
    }
    Map<Integer, Future<String>> masterIds = new HashMap<>();
    for (int k = 0; k < config.masters(); k++) {
      int port = config.portBase() + k;
      masterIds.put(port, clients.text(port, "CLUSTER MYID", Request.cmd(Command.CLUSTER).arg("MYID")));
    }
    return Future.all(new ArrayList<>(masterIds.values())).compose(done -> {
      List<Future<?>> replies = new ArrayList<>();
      for (int port : config.ports()) {
        if (!config.isInitialMaster(port)) {
          int master = config.masterPortOf(port);
          String masterId = masterIds.get(master).result();
          LOG.debug("event=replicate port={} masterPort={} masterId={}", port, master, masterId);
          replies.add(clients.send(port, "CLUSTER REPLICATE", Request.cmd(Command.CLUSTER).arg("REPLICATE").arg(masterId)));
        }
      }
      return Future.all(replies).mapEmpty();
    });
  }
}
