package io.failoverlab.monitor;

import io.failoverlab.common.config.Windows;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.topology.ClusterNode;
import io.failoverlab.common.topology.ClusterNodesParser;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.common.topology.InfoParser;
import io.failoverlab.router.NodeLink;
import io.failoverlab.router.RedisFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every MONITOR_POLL_MS asks every known node (the seeds, and every node any CLUSTER NODES reply
 * lists) for CLUSTER NODES, CLUSTER INFO and INFO replication, merges the answers
 * ({@link TopologyMerger}), publishes the snapshot on {@link Addresses#TOPOLOGY_SNAPSHOT} and hands
 * the merge to its listener.
 *
 * <p>Each node has its own {@link NodeLink} and each command the Redis command deadline, so a hung
 * node costs one deadline, not one per command, and never delays the answers of the others. The next
 * poll is scheduled when the previous one has finished: never two in flight, no queue of late polls.
 *
 * <p>Not thread-safe: used from the event loop of the verticle that owns it.
 */
final class TopologyPoller {

  private static final Logger LOG = LoggerFactory.getLogger(TopologyPoller.class);
  private static final int MAX_DISCOVERY_ROUNDS = 3;

  private final Vertx vertx;
  private final MonitorSettings settings;
  private final Consumer<MergedTopology> listener;
  private final Consumer<Long> pollDurationNanos;
  private final Map<HostAndPort, NodeLink> links = new LinkedHashMap<>();
  private final Map<HostAndPort, String> lastErrors = new HashMap<>();
  private MergedTopology last;
  private long timer = -1;
  private boolean stopped;
  private long polls;
  private long lastPollMs = -1;
  private long maxPollMs = -1;
  private long lastAnsweredAt;

  TopologyPoller(Vertx vertx, MonitorSettings settings, Consumer<MergedTopology> listener,
                 Consumer<Long> pollDurationNanos) {
    this.vertx = vertx;
    this.settings = settings;
    this.listener = listener;
    this.pollDurationNanos = pollDurationNanos;
  }

  /** Runs the first poll (so a deployed monitor has a snapshot), then polls until {@link #stop()}. */
  Future<Void> start() {
    long deadline = System.currentTimeMillis() + Windows.startupMs(settings.redis().commandTimeoutMs());
    return firstAnswer(deadline);
  }

  /**
   * The first poll, repeated (within a short window) until some node answers or refuses us: down
   * nodes are an answer to wait out, refused credentials a configuration error. A cold JVM's first
   * connection can miss its deadline, so one timed-out poll is not yet an answer.
   */
  private Future<Void> firstAnswer(long deadline) {
    return recordedPoll().compose(ignored -> {
      String refused = lastAnsweredAt > 0 ? null : lastErrors.values().stream()
          .filter(RedisFailure::isAuthenticationFailure).findFirst().orElse(null);
      if (refused != null) {
        return stop().compose(stopped -> Future.<Void>failedFuture(RedisFailure.credentialsRefused(refused)));
      }
      if (lastAnsweredAt == 0 && !stopped && System.currentTimeMillis() < deadline) {
        io.vertx.core.Promise<Void> again = io.vertx.core.Promise.promise();
        timer = vertx.setTimer(settings.pollIntervalMs(), id -> firstAnswer(deadline).onComplete(again));
        return again.future();
      }
      if (!stopped) {
        timer = vertx.setTimer(settings.pollIntervalMs(), id -> runPoll());
      }
      return Future.<Void>succeededFuture();
    });
  }

  Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    List<Future<Void>> closing = new ArrayList<>();
    links.values().forEach(link -> closing.add(link.close()));
    links.clear();
    return Future.join(closing).mapEmpty();
  }

  /** Epoch ms of the last poll in which at least one node answered; 0 if none yet. */
  long lastAnsweredAt() {
    return lastAnsweredAt;
  }

  MergedTopology last() {
    return last;
  }

  JsonObject describe() {
    JsonObject nodes = new JsonObject();
    for (HostAndPort address : links.keySet()) {
      nodes.put(address.toString(), lastErrors.getOrDefault(address, "ok"));
    }
    return new JsonObject()
        .put("polls", polls)
        .put("pollIntervalMs", settings.pollIntervalMs())
        .put("commandTimeoutMs", settings.redis().commandTimeoutMs())
        .put("lastPollMs", lastPollMs)
        .put("maxPollMs", maxPollMs)
        .put("lastAnsweredAt", lastAnsweredAt == 0 ? null : lastAnsweredAt)
        .put("nodes", nodes);
  }

  /** One poll, then the next one an interval after this one started: never two in flight. */
  private void runPoll() {
    long startNanos = System.nanoTime();
    recordedPoll().onComplete(done -> {
      if (!stopped) {
        long delay = settings.pollIntervalMs() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        timer = vertx.setTimer(Math.max(1, delay), id -> runPoll());
      }
    });
  }

  /** One poll with its bookkeeping (count, duration); never fails. */
  private Future<Void> recordedPoll() {
    long startNanos = System.nanoTime();
    return pollOnce().transform(result -> {
      long elapsedNanos = System.nanoTime() - startNanos;
      if (!stopped) {
        polls++;
        lastPollMs = TimeUnit.NANOSECONDS.toMillis(elapsedNanos);
        maxPollMs = Math.max(maxPollMs, lastPollMs);
        pollDurationNanos.accept(elapsedNanos);
        if (result.failed()) {
          // A bug in the merge, not a Redis failure (those are answers): log it and keep polling.
          LOG.error("event=poll_failed error=\"{}\"", result.cause().toString(), result.cause());
        }
      }
      return Future.<Void>succeededFuture();
    });
  }

  private Future<MergedTopology> pollOnce() {
    long startedAt = System.currentTimeMillis();
    return askAll(targets(), new ArrayList<>(), 1).map(replies -> {
      if (stopped) {
        return last;
      }
      MergedTopology merged = TopologyMerger.merge(replies, last == null ? null : last.snapshot(), startedAt,
          settings.pollIntervalMs());
      if (replies.stream().anyMatch(NodeReply::reachable)) {
        lastAnsweredAt = System.currentTimeMillis();
      }
      last = merged;
      forgetUnlisted();
      vertx.eventBus().publish(Addresses.TOPOLOGY_SNAPSHOT, merged.snapshot().toJson());
      listener.accept(merged);
      return merged;
    });
  }

  /**
   * Asks {@code targets}, then, in the same poll, the nodes their replies list that were not asked
   * yet: a node the monitor has just learned about is polled before it is judged, instead of being
   * reported unreachable for one poll (every node but the seed, at start). Bounded in rounds, so a
   * cluster that keeps naming new nodes costs at most a few deadlines.
   */
  private Future<List<NodeReply>> askAll(Set<HostAndPort> targets, List<NodeReply> replies, int round) {
    List<Future<NodeReply>> asked = new ArrayList<>();
    for (HostAndPort address : targets) {
      asked.add(ask(address));
    }
    return Future.all(asked).compose(done -> {
      Set<HostAndPort> polled = new LinkedHashSet<>();
      replies.forEach(reply -> polled.add(reply.address()));
      for (Future<NodeReply> reply : asked) {
        replies.add(reply.result());
        polled.add(reply.result().address());
      }
      Set<HostAndPort> discovered = new LinkedHashSet<>();
      for (NodeReply reply : replies) {
        if (reply.reachable()) {
          for (ClusterNode node : reply.view()) {
            if (node.address() != null && !node.flags().contains("handshake") && !polled.contains(node.address())) {
              discovered.add(node.address());
            }
          }
        }
      }
      if (discovered.isEmpty() || round >= MAX_DISCOVERY_ROUNDS || stopped) {
        return Future.succeededFuture(replies);
      }
      return askAll(discovered, replies, round + 1);
    });
  }

  /** Never fails: a node that does not answer in time is an answer too (unreachable). */
  private Future<NodeReply> ask(HostAndPort address) {
    NodeLink link = links.computeIfAbsent(address, a -> new NodeLink(vertx, a, settings.redis(), false));
    long deadline = settings.redis().commandTimeoutMs();
    // Pipelined on the node's connection: one round trip, one deadline.
    Future<Response> nodes = link.send(Request.cmd(Command.CLUSTER).arg("NODES"), deadline);
    Future<Response> info = link.send(Request.cmd(Command.CLUSTER).arg("INFO"), deadline);
    Future<Response> replication = link.send(Request.cmd(Command.INFO).arg("replication"), deadline);
    return Future.join(nodes, info, replication).transform(ignored -> {
      NodeReply reply = reply(address, nodes, info, replication);
      String previous = reply.error() == null ? lastErrors.remove(address) : lastErrors.put(address, reply.error());
      if (reply.error() != null && previous == null) {
        LOG.info("event=node_poll_failed node={} error=\"{}\"", address, reply.error());
      } else if (reply.error() == null && previous != null) {
        LOG.info("event=node_poll_ok node={}", address);
      }
      return Future.succeededFuture(reply);
    });
  }

  private static NodeReply reply(HostAndPort address, Future<Response> nodes, Future<Response> info,
                                 Future<Response> replication) {
    if (nodes.failed()) {
      return NodeReply.unreachable(address, String.valueOf(nodes.cause()));
    }
    List<ClusterNode> view;
    try {
      view = ClusterNodesParser.parse(nodes.result().toString());
    } catch (IllegalArgumentException e) {
      return NodeReply.unreachable(address, "unreadable CLUSTER NODES: " + e.getMessage());
    }
    Map<String, String> clusterInfo = info.succeeded() ? InfoParser.parse(info.result().toString()) : Map.of();
    Map<String, String> replicationInfo = replication.succeeded()
        ? InfoParser.parse(replication.result().toString()) : Map.of();
    String error = info.failed() ? "CLUSTER INFO: " + info.cause()
        : replication.failed() ? "INFO replication: " + replication.cause() : null;
    return new NodeReply(address, view, clusterInfo, replicationInfo, error);
  }

  /**
   * Every address a reply listed, plus the seeds, except a seed that turned out to be a listed node
   * under another name (a hostname seed, an IP in the node table): polling it twice adds nothing.
   */
  private Set<HostAndPort> targets() {
    Set<HostAndPort> targets = new LinkedHashSet<>();
    Map<String, String> addressById = new HashMap<>();
    if (last != null) {
      targets.addAll(last.listedAddresses());
      for (NodeStatus node : last.snapshot().nodes()) {
        addressById.put(node.id(), node.address());
      }
    }
    for (HostAndPort seed : settings.redis().seeds()) {
      String id = last == null ? null : last.idByPolledAddress().get(seed);
      String listedAs = id == null ? null : addressById.get(id);
      boolean alias = listedAs != null && !listedAs.equals(seed.toString())
          && targets.contains(HostAndPort.parse(listedAs));
      if (!alias) {
        targets.add(seed);
      }
    }
    return targets;
  }

  /** Closes the links of nodes that left every node table (CLUSTER FORGET, a replaced container). */
  private void forgetUnlisted() {
    Set<HostAndPort> keep = targets();
    links.entrySet().removeIf(entry -> {
      if (keep.contains(entry.getKey())) {
        return false;
      }
      LOG.info("event=node_forgotten node={}", entry.getKey());
      entry.getValue().close();
      lastErrors.remove(entry.getKey());
      return true;
    });
  }
}
