package io.failoverlab.monitor;

import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.topology.ClusterNode;
import io.failoverlab.common.topology.ClusterNodesParser;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.router.ErrorType;
import io.failoverlab.router.NodeLink;
import io.failoverlab.router.RedisFailure;
import io.failoverlab.router.SlotHash;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incident clock's fine hand. A topology poll sees a change up to a poll interval late; while a
 * node is suspected (a fault injected into it, or flagged PFAIL or FAIL by the cluster), this probe
 * asks, every MONITOR_PROBE_MS:
 * <ul>
 *   <li>each of its replicas to take a write of the monitor's own ({@link #KEY_PREFIX}, in the
 *   suspect's slots, expiring): MOVED until the replica is promoted, accepted the moment it is, so the
 *   first accepted write stamps when the cluster could take that shard's writes again;</li>
 *   <li>every other master for CLUSTER NODES: the first that flags the suspect PFAIL stamps the
 *   suspicion, the first that flags it FAIL the agreement.</li>
 * </ul>
 * A stamp is the monitor's wall clock when the deciding reply arrived; its precision is the time since
 * the same node's last reply that showed the opposite (the real period: interval plus round trip). A
 * fact already true at a node's first reply is not stamped (when it happened is unknown: the poll's
 * stamp stands, with the poll's precision). A watch ends at
 * the promotion (nothing left to time) or when the incident closes; the CLUSTER NODES half ends at
 * FAIL. Bounded: one command in flight per probed node, each with the Redis command deadline, and no
 * watch, so no command, while nothing is suspected.
 *
 * <p>A verticle of its own, so it runs on an event loop apart from the monitor's: a poll's merge or
 * an incident report being built never delays a stamp (the bench's oracle is kept apart for the same
 * reason). {@link #watch} and {@link #stopAll} may be called from any thread; the listener is called
 * on the probe's event loop.
 */
final class ShardProbe extends VerticleBase {

  /** The monitor's own keys: apart from the writer's and reader's (KEY_PREFIX) and the bench's. */
  static final String KEY_PREFIX = "failoverlab-monitor:probe";
  /** The probe keys expire: the monitor leaves nothing behind in the cluster. */
  static final long KEY_TTL_MS = 60_000;
  /** The pause before probing again a node that refused the connection. */
  static final long DOWN_NODE_PAUSE_MS = 50;

  /** What a probe saw, about which node. */
  enum Kind {
    /** Some other master flags the node PFAIL (or FAIL). */
    PFAIL,
    /** Some master flags the node FAIL: the cluster agreed it is down. */
    FAIL,
    /** One of the node's replicas took a write for the node's slots: promoted. */
    WRITABLE
  }

  /**
   * One milestone as a probe stamped it. {@code node}: the suspect; {@code by}: the master that
   * flagged it, or the replica that took the write; {@code role}/{@code slots}: the suspect's when the
   * watch began; {@code precisionMs}: time since the previous reply of {@code by}.
   */
  record Stamp(Kind kind, String node, String role, String slots, String by, long at, long precisionMs) {
  }

  /** Counts of probe commands, by kind and outcome, for the metrics. */
  interface Counts {
    void probed(String command, String outcome);
  }

  static final String COMMAND_WRITE = "write";
  static final String COMMAND_CLUSTER_NODES = "cluster_nodes";
  /** The outcome of a command that got a reply; a failure is named by its {@link ErrorType} label. */
  static final String OUTCOME_ACCEPTED = "accepted";

  private static final Logger LOG = LoggerFactory.getLogger(ShardProbe.class);

  private final MonitorSettings settings;
  private final Consumer<Stamp> listener;
  private final Counts counts;
  // Owned by the probe's event loop.
  private final Map<String, Watch> watches = new LinkedHashMap<>();
  /** Suspects already watched in this incident: a finished watch does not start again. */
  private final Set<String> watched = new HashSet<>();
  // Read by describe() from the monitor's event loop.
  private final AtomicLong commands = new AtomicLong();
  private volatile List<String> watching = List.of();

  ShardProbe(MonitorSettings settings, Consumer<Stamp> listener, Counts counts) {
    this.settings = settings;
    this.listener = listener;
    this.counts = counts;
  }

  @Override
  public Future<?> stop() {
    return endAll();
  }

  /**
   * Starts watching {@code suspect} (an address as the snapshot lists it) unless it is watched or was
   * in this incident; {@code snapshot} names its replicas, slots and the other masters. A node the
   * snapshot does not list is not watched (nothing to probe).
   */
  void watch(String suspect, TopologySnapshot snapshot) {
    if (context != null && suspect != null && snapshot != null) {
      context.runOnContext(v -> startWatch(suspect, snapshot));
    }
  }

  private void startWatch(String suspect, TopologySnapshot snapshot) {
    if (watched.contains(suspect)) {
      return;
    }
    NodeStatus node = null;
    for (NodeStatus candidate : snapshot.nodes()) {
      if (suspect.equals(candidate.address())) {
        node = candidate;
      }
    }
    if (node == null || !TopologyFacts.dataNode(node.role())) {
      return;
    }
    watched.add(suspect);
    Watch watch = new Watch(node, snapshot);
    watches.put(suspect, watch);
    watching = List.copyOf(watches.keySet());
    LOG.info("event=probe_started node={} replicas={} observers={} period_ms={}", suspect, watch.replicas.size(),
        watch.observers.size(), settings.probeIntervalMs());
    watch.start();
  }

  /** Ends every watch (the incident closed): back to the poll's pace, and the next incident starts afresh. */
  void stopAll() {
    if (context != null) {
      context.runOnContext(v -> endAll());
    }
  }

  private Future<Void> endAll() {
    List<Future<Void>> closing = new ArrayList<>();
    for (Watch watch : List.copyOf(watches.values())) {
      closing.add(watch.end("incident closed"));
    }
    watched.clear();
    return Future.join(closing).mapEmpty();
  }

  /** For the monitor's {@code /stats}: safe from any thread. */
  JsonObject describe() {
    return new JsonObject().put("periodMs", settings.probeIntervalMs()).put("watching", new JsonArray(watching))
        .put("commands", commands.get());
  }

  /** One suspect's probing: a write loop per replica, a CLUSTER NODES loop per other master. */
  private final class Watch {
    final NodeStatus suspect;
    final String key;
    final List<Loop> replicas = new ArrayList<>();
    final List<Loop> observers = new ArrayList<>();
    final long startedAt = System.currentTimeMillis();
    boolean pfailStamped;
    boolean failStamped;
    boolean ended;

    Watch(NodeStatus suspect, TopologySnapshot snapshot) {
      this.suspect = suspect;
      boolean hasSlots = TopologyFacts.hasSlots(suspect);
      this.key = hasSlots ? SlotHash.keyIn(KEY_PREFIX, TopologyFacts.slotsOf(suspect.slots())) : null;
      for (NodeStatus other : snapshot.nodes()) {
        if (other.address() == null || other.address().equals(suspect.address())) {
          continue;
        }
        if (hasSlots && suspect.id().equals(other.masterId())) {
          replicas.add(new Loop(this, HostAndPort.parse(other.address()), true));
        } else if (TopologyFacts.MASTER.equals(other.role()) && TopologyFacts.hasSlots(other)) {
          observers.add(new Loop(this, HostAndPort.parse(other.address()), false));
        }
      }
    }

    void start() {
      replicas.forEach(Loop::next);
      observers.forEach(Loop::next);
    }

    Future<Void> end(String why) {
      if (ended) {
        return Future.succeededFuture();
      }
      ended = true;
      watches.remove(suspect.address());
      watching = List.copyOf(watches.keySet());
      LOG.info("event=probe_ended node={} why=\"{}\" after_ms={}", suspect.address(), why,
          System.currentTimeMillis() - startedAt);
      List<Future<Void>> closing = new ArrayList<>();
      replicas.forEach(loop -> closing.add(loop.close()));
      observers.forEach(loop -> closing.add(loop.close()));
      return Future.join(closing).mapEmpty();
    }

    void stamp(Kind kind, String by, long at, long precisionMs) {
      listener.accept(new Stamp(kind, suspect.address(), suspect.role(), suspect.slots(), by, at, precisionMs));
    }

    /** CLUSTER NODES of another master: does it flag the suspect (and since when could it have)? */
    void observed(Loop loop, Response reply, long at) {
      List<ClusterNode> view;
      try {
        view = ClusterNodesParser.parse(reply.toString());
      } catch (IllegalArgumentException e) {
        return;
      }
      for (ClusterNode entry : view) {
        if (!suspect.id().equals(entry.id())) {
          continue;
        }
        boolean flagged = entry.possiblyFailed() || entry.failed();
        if (flagged && !pfailStamped) {
          pfailStamped = true;
          stampSince(Kind.PFAIL, loop, at, loop.pfailClearAt);
        } else if (!flagged) {
          loop.pfailClearAt = at;
        }
        if (entry.failed() && !failStamped) {
          failStamped = true;
          stampSince(Kind.FAIL, loop, at, loop.failClearAt);
        } else if (!entry.failed()) {
          loop.failClearAt = at;
        }
      }
    }

    /** Stamps {@code kind} at {@code at} if {@code loop} saw it not yet true before ({@code clearAt}). */
    void stampSince(Kind kind, Loop loop, long at, Long clearAt) {
      if (clearAt != null) {
        stamp(kind, loop.address.toString(), at, at - clearAt);
      }
    }
  }

  /** One node probed in a loop: send, wait for the reply (or its deadline), wait the period, again. */
  private final class Loop {
    final Watch watch;
    final HostAndPort address;
    final boolean write;
    final NodeLink link;
    /** The last reply that showed the fact not yet true: a refused write; a view without the flag. */
    Long writableClearAt;
    Long pfailClearAt;
    Long failClearAt;
    long timer = -1;

    Loop(Watch watch, HostAndPort address, boolean write) {
      this.watch = watch;
      this.address = address;
      this.write = write;
      // A link of the probe's own: the poller's may be waiting out a hung node's deadline.
      this.link = new NodeLink(vertx, address, settings.redis(), false);
    }

    boolean done() {
      return watch.ended || (!write && watch.failStamped);
    }

    void next() {
      if (done()) {
        return;
      }
      commands.incrementAndGet();
      Request request = write
          ? Request.cmd(Command.SET).arg(watch.key).arg(System.currentTimeMillis()).arg("PX").arg(KEY_TTL_MS)
          : Request.cmd(Command.CLUSTER).arg("NODES");
      String command = write ? COMMAND_WRITE : COMMAND_CLUSTER_NODES;
      link.send(request, settings.redis().commandTimeoutMs()).onComplete(result -> {
        long at = System.currentTimeMillis();
        if (watch.ended) {
          return;
        }
        long pause = settings.probeIntervalMs();
        if (result.failed()) {
          // MOVED / CLUSTERDOWN from a replica not yet promoted, or the node is down: ask again.
          ErrorType type = RedisFailure.of(result.cause(), address, true).type();
          counts.probed(command, type.label());
          if (write && type != ErrorType.TIMEOUT) {
            // Refused (MOVED, CLUSTERDOWN, connection): not writable at this moment. A timeout proves nothing.
            writableClearAt = at;
          }
          if (type == ErrorType.CONNECTION) {
            // A node that refuses connections can neither be promoted nor flag anyone: no need to
            // knock every few ms (a whole cluster down would make that a busy loop).
            pause = Math.max(pause, DOWN_NODE_PAUSE_MS);
          }
        } else {
          counts.probed(command, OUTCOME_ACCEPTED);
          if (write) {
            watch.stampSince(Kind.WRITABLE, this, at, writableClearAt);
            watch.end("promoted: " + address + " took a write");
            return;
          }
          watch.observed(this, result.result(), at);
        }
        if (!done()) {
          timer = vertx.setTimer(pause, id -> next());
        }
      });
    }

    Future<Void> close() {
      vertx.cancelTimer(timer);
      return link.close();
    }
  }
}
