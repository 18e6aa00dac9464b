package io.failoverlab.monitor.chaos;

import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.ChaosRequest.Action;
import io.failoverlab.common.contract.ChaosRequest.FailoverMode;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.router.NodeLink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes chaos requests and runs those {@link ChaosPlanner} accepts. The same rules whether a request
 * came over HTTP or the event bus: only nodes of the currently discovered cluster (an unknown address
 * is refused without ever connecting to it), one action per node at a time, a hang between 1 and
 * {@link #MAX_HANG_SECONDS} seconds. An accepted action is announced ({@code onInjected}: event bus
 * and incident) before it touches anything, so the incident's "fault injected" precedes its effects.
 *
 * <p>Not thread-safe: used from the monitor verticle's event loop.
 */
public final class ChaosService {

  private static final Logger LOG = LoggerFactory.getLogger(ChaosService.class);
  public static final int MAX_HANG_SECONDS = 300;
  /** The most nodes one crash may take down at once. */
  public static final int MAX_CRASH_NODES = 8;
  /** Actions listed by {@code GET /api/chaos} (and kept by the monitor's journal). */
  public static final int HISTORY = 50;
  /** The status of an action restored from an earlier run. */
  public static final String STATUS_UNKNOWN = "unknown";
  /** How long a new shard's master may take to show in the monitor's view before add-shard gives up. */
  private static final long NEW_SHARD_VISIBLE_MS = 30_000;
  private static final long FAILOVER_DEADLINE_MS = 15_000;
  private static final long ROLE_POLL_MS = 50;

  private final Vertx vertx;
  private final RedisSettings redis;
  private final FaultInjector faults;
  private final Supplier<TopologySnapshot> topology;
  private final Consumer<ChaosAction> onInjected;
  /** Node address -> id of the action in progress on it. */
  private final Map<String, String> busy = new HashMap<>();
  private final Deque<JsonObject> recent = new ArrayDeque<>();
  /** Ids of the migrate and fix actions running now (at most one: they move slots). */
  private final java.util.Set<String> migrations = new java.util.HashSet<>();
  private final ChaosPlanner planner;
  private long sequence;

  public ChaosService(Vertx vertx, RedisSettings redis, FaultInjector faults, Supplier<TopologySnapshot> topology,
                      Consumer<ChaosAction> onInjected) {
    this.vertx = vertx;
    this.redis = redis;
    this.faults = faults;
    this.topology = topology;
    this.onInjected = onInjected;
    this.planner = new ChaosPlanner(faults, topology, java.util.Collections.unmodifiableMap(busy),
        java.util.Collections.unmodifiableSet(migrations));
  }

  /**
   * Validates {@code request} and starts it. Succeeds with the accepted action as soon as it has
   * started (the fault takes effect in the background); fails with a {@link ChaosRefusal} when
   * refused, having touched nothing.
   */
  public Future<ChaosAction> submit(ChaosRequest request) {
    ChaosPlan plan;
    try {
      plan = planner.plan(request);
    } catch (ChaosRefusal refusal) {
      return Future.failedFuture(refusal);
    }
    String named = request.node() != null ? request.node()
        : request.nodes() != null ? String.join(",", request.nodes()) : null;
    ChaosAction action = new ChaosAction("chaos-" + (++sequence), request.action(), plan.node().address(),
        plan.node().id(), plan.master(), named, request.seconds(), plan.method(), request.requestedBy(),
        System.currentTimeMillis(), plan.targets().size() > 1 ? plan.targets().stream().map(NodeStatus::address).toList()
        : null, plan.migration() == null ? null : plan.migration().target().address().toString(), plan.slots());
    plan.involved().forEach(node -> busy.put(node, action.id()));
    if (plan.migration() != null || plan.repairs() != null || request.action() == Action.ADD_SHARD
        || request.action() == Action.REMOVE_SHARD) {
      migrations.add(action.id());
    }
    JsonObject record = action.toJson().put("status", "running");
    remember(record);
    onInjected.accept(action);
    run(action, plan).onComplete(done -> {
      plan.involved().forEach(node -> busy.remove(node, action.id()));
      migrations.remove(action.id());
      record.put("status", done.succeeded() ? "done" : "failed").put("finishedAt", System.currentTimeMillis());
      if (done.succeeded()) {
        LOG.info("event=chaos_done id={} action={} node={}", action.id(), action.action().label(), action.node());
      } else {
        record.put("error", String.valueOf(done.cause().getMessage()));
        LOG.warn("event=chaos_failed id={} action={} node={} error=\"{}\"", action.id(), action.action().label(),
            action.node(), done.cause().getMessage());
      }
    });
    return Future.succeededFuture(action);
  }

  /**
   * Serves {@link io.failoverlab.common.contract.Addresses#CHAOS}: the drill's way in. No token, so
   * a local consumer only: code in this JVM can send here, other members of a clustered event bus
   * cannot (they use the HTTP endpoint and its token), and never a browser.
   */
  public MessageConsumer<JsonObject> listen(EventBus bus) {
    return bus.localConsumer(Addresses.CHAOS, message -> {
      ChaosRequest request;
      try {
        request = ChaosRequest.fromJson(message.body());
      } catch (RuntimeException e) {
        message.fail(400, "malformed chaos request: " + e.getMessage());
        return;
      }
      submit(request).onComplete(result -> {
        if (result.succeeded()) {
          LOG.info("event=chaos_request source=eventbus requested_by=\"{}\" action={} node={} outcome=accepted id={}",
              ChaosHandler.printable(request.requestedBy()), result.result().action().label(), result.result().node(),
              result.result().id());
          message.reply(result.result().toJson());
        } else {
          int status = result.cause() instanceof ChaosRefusal refusal ? refusal.status() : 500;
          LOG.info("event=chaos_request source=eventbus outcome=refused status={} reason=\"{}\"", status,
              result.cause().getMessage());
          message.fail(status, result.cause().getMessage());
        }
      });
    });
  }

  /** Recent actions, newest first, with their status (running, done, failed). */
  public JsonArray recent() {
    JsonArray list = new JsonArray();
    recent.forEach(entry -> list.add(entry.copy()));
    return list;
  }

  /**
   * Actions of an earlier run (the journal's), oldest first, listed as the oldest with status
   * {@code unknown}: whether they finished was not recorded before the monitor stopped. Before any request.
   */
  public void restore(List<JsonObject> actions) {
    actions.forEach(action -> remember(action.copy().put("status", STATUS_UNKNOWN)));
  }

  // ---- running

  private Future<Void> run(ChaosAction action, ChaosPlan plan) {
    HostAndPort node = HostAndPort.parse(plan.node().address());
    try {
      return switch (action.action()) {
        case CRASH -> plan.targets().size() == 1 ? faults.crash(node) : Future.all(plan.targets().stream()
            .map(target -> faults.crash(HostAndPort.parse(target.address()))).toList()).mapEmpty();
        case HANG -> faults.hang(node, action.seconds()).compose(frozen -> vertx.timer(action.seconds() * 1000L, TimeUnit.MILLISECONDS));
        case RESTART -> faults.restart(node);
        case FAILOVER -> failover(node, plan.mode());
        case MIGRATE -> {
          ChaosPlan.MigrationPlan m = plan.migration();
          List<SlotCommands.Node> masters = new java.util.ArrayList<>(m.others());
          masters.add(m.source());
          masters.add(m.target());
          yield migrate(action, SlotMigration.moves(m.source(), m.target(), m.slots()), masters);
        }
        case FIX -> new SlotRepair(new SlotCommands(vertx, redis, faultTimeoutMs()), action.id(), plan.repairs()).run();
        case ADD_SHARD -> faults.addShard().compose(added -> awaitMaster(added.get(0), System.currentTimeMillis()
            + NEW_SHARD_VISIBLE_MS)).compose(newMaster -> {
              List<NodeStatus> masters = ChaosPlanner.liveMasters(topology.get());
              return migrate(action, ShardMoves.toNewShard(masters, newMaster), nodes(masters));
            });
        case REMOVE_SHARD -> {
          List<NodeStatus> masters = ChaosPlanner.liveMasters(topology.get());
          NodeStatus leaving = plan.node();
          List<HostAndPort> shard = new java.util.ArrayList<>(List.of(node));
          topology.get().nodes().stream().filter(n -> leaving.address().equals(n.master()))
              .forEach(replica -> shard.add(HostAndPort.parse(replica.address())));
          yield Future.join(shard.stream().map(this::stayInShard).toList()).<Void>mapEmpty()
              .compose(v -> migrate(action, ShardMoves.fromLeavingShard(masters, leaving), nodes(masters)))
              .compose(v -> faults.removeShard(node));
        }
        case ISOLATE -> ReplicaIsolation.isolate(vertx, node, redis, faultTimeoutMs())
            .compose(restore -> vertx.timer(action.seconds() * 1000L, TimeUnit.MILLISECONDS).compose(v -> restore.run()));
      };
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** CLUSTER FAILOVER [FORCE|TAKEOVER] on the replica, then wait until it says it is master. */
  private Future<Void> failover(HostAndPort replica, FailoverMode mode) {
    NodeLink link = new NodeLink(vertx, replica, redis, false);
    long deadline = System.currentTimeMillis() + FAILOVER_DEADLINE_MS;
    long timeoutMs = faultTimeoutMs();
    Request command = Request.cmd(Command.CLUSTER).arg("FAILOVER");
    if (mode != FailoverMode.DEFAULT) {
      command.arg(mode.name());
    }
    return link.send(command, timeoutMs)
        .compose(ok -> awaitMaster(link, deadline))
        .eventually(link::close);
  }

  private Future<Void> awaitMaster(NodeLink link, long deadline) {
    return link.send(Request.cmd(Command.ROLE), redis.commandTimeoutMs())
        .transform(reply -> {
          if (reply.succeeded() && "master".equals(reply.result().get(0).toString())) {
            return Future.<Void>succeededFuture();
          }
          if (System.currentTimeMillis() > deadline) {
            return Future.<Void>failedFuture("replica " + link.address() + " was not promoted within "
                + FAILOVER_DEADLINE_MS + " ms");
          }
          return vertx.timer(ROLE_POLL_MS, TimeUnit.MILLISECONDS).compose(v -> awaitMaster(link, deadline));
        });
  }

  /**
   * A master that gives its last slot away becomes a replica of the node that took it, and so do its
   * replicas, each by its own cluster-allow-replica-migration (yes by default in Redis 7): a leaving
   * shard must stay a master without slots, with its replicas, to be forgotten whole. Redis 6 has no
   * such setting: its error is let pass, and the removal then names the node that moved.
   */
  private Future<Void> stayInShard(HostAndPort member) {
    NodeLink link = new NodeLink(vertx, member, redis, false);
    return link.send(Request.cmd(Command.CONFIG).arg("SET").arg("cluster-allow-replica-migration").arg("no"),
            faultTimeoutMs())
        .<Void>mapEmpty()
        .recover(error -> {
          LOG.info("event=remove_shard_config_skipped node={} error=\"{}\"", member, error.getMessage());
          return Future.succeededFuture();
        })
        .eventually(link::close);
  }

  /**
   * The new shard's master as the monitor sees it: a live master with its node id, once every node
   * says cluster_state ok. A node that joined a moment ago answers CLUSTERDOWN to the MIGRATE that
   * would bring it keys until it has learnt every slot's owner.
   */
  private Future<NodeStatus> awaitMaster(HostAndPort address, long deadline) {
    TopologySnapshot snapshot = topology.get();
    NodeStatus seen = snapshot == null || !"ok".equals(snapshot.clusterState()) ? null : snapshot.nodes().stream()
        .filter(n -> n.address().equals(address.toString()) && "master".equals(n.role()) && n.reachable())
        .findFirst().orElse(null);
    if (seen != null) {
      return Future.succeededFuture(seen);
    }
    if (System.currentTimeMillis() > deadline) {
      return Future.failedFuture("the new master " + address + " did not show in the monitor's view within "
          + NEW_SHARD_VISIBLE_MS + " ms");
    }
    return vertx.timer(ROLE_POLL_MS, TimeUnit.MILLISECONDS).compose(v -> awaitMaster(address, deadline));
  }

  private static List<SlotCommands.Node> nodes(List<NodeStatus> masters) {
    return masters.stream().map(ChaosPlanner::slotNode).toList();
  }

  /** Runs {@code moves} as the action's migration, its progress published on the event bus. */
  private Future<Void> migrate(ChaosAction action, List<SlotMigration.Move> moves, List<SlotCommands.Node> masters) {
    return new SlotMigration(new SlotCommands(vertx, redis, faultTimeoutMs()), action.id(), moves, masters,
        progress -> vertx.eventBus().publish(Addresses.MIGRATION_PROGRESS, progress.toJson())).run();
  }

  /** A fault's own commands get a longer deadline than a client's (see RedisCommandFaults). */
  private long faultTimeoutMs() {
    return Math.max(redis.commandTimeoutMs(), RedisCommandFaults.FAULT_COMMAND_TIMEOUT_MS);
  }

  private void remember(JsonObject record) {
    recent.addFirst(record);
    while (recent.size() > HISTORY) {
      recent.removeLast();
    }
  }
}
