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
import io.failoverlab.common.topology.SlotRange;
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
 * Decides whether a chaos request may run and runs it. The same rules whether it came over HTTP or
 * the event bus: only nodes of the currently discovered cluster (an unknown address is refused
 * without ever connecting to it), one action per node at a time, a hang between 1 and
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
  private static final int SLOTS = 16384;
  /** The fewest masters a cluster may be left with: a majority of them agrees a failure. */
  static final int MIN_MASTERS = 3;
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
  private long sequence;

  public ChaosService(Vertx vertx, RedisSettings redis, FaultInjector faults, Supplier<TopologySnapshot> topology,
                      Consumer<ChaosAction> onInjected) {
    this.vertx = vertx;
    this.redis = redis;
    this.faults = faults;
    this.topology = topology;
    this.onInjected = onInjected;
  }

  /**
   * Validates {@code request} and starts it. Succeeds with the accepted action as soon as it has
   * started (the fault takes effect in the background); fails with a {@link ChaosRefusal} when
   * refused, having touched nothing.
   */
  public Future<ChaosAction> submit(ChaosRequest request) {
    Plan plan;
    try {
      plan = plan(request);
    } catch (ChaosRefusal refusal) {
      return Future.failedFuture(refusal);
    }
    String named = request.node() != null ? request.node()
        : request.nodes() != null ? String.join(",", request.nodes()) : null;
    ChaosAction action = new ChaosAction("chaos-" + (++sequence), request.action(), plan.node.address(),
        plan.node.id(), plan.master, named, request.seconds(), plan.method, request.requestedBy(),
        System.currentTimeMillis(), plan.targets.size() > 1 ? plan.targets.stream().map(NodeStatus::address).toList()
        : null, plan.migration == null ? null : plan.migration.target().address().toString(), plan.slots());
    plan.involved.forEach(node -> busy.put(node, action.id()));
    if (plan.migration != null || plan.repairs != null || request.action() == Action.ADD_SHARD
        || request.action() == Action.REMOVE_SHARD) {
      migrations.add(action.id());
    }
    JsonObject record = action.toJson().put("status", "running");
    remember(record);
    onInjected.accept(action);
    run(action, plan).onComplete(done -> {
      plan.involved.forEach(node -> busy.remove(node, action.id()));
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

  // ---- validation

  /** {@code targets}: every node acted on ({@code node} is the first); {@code involved}: every node it keeps busy. */
  private record Plan(NodeStatus node, String master, List<String> involved, String method, FailoverMode mode,
                      List<NodeStatus> targets, MigrationPlan migration, List<SlotRepair.Plan> repairs) {

    Plan(NodeStatus node, String master, List<String> involved, String method) {
      this(node, master, involved, method, FailoverMode.DEFAULT, List.of(node), null, null);
    }

    Plan(NodeStatus node, String master, List<String> involved, String method, FailoverMode mode) {
      this(node, master, involved, method, mode, List.of(node), null, null);
    }

    Plan(NodeStatus node, String master, List<String> involved, String method, FailoverMode mode,
         List<NodeStatus> targets) {
      this(node, master, involved, method, mode, targets, null, null);
    }

    /** The slots a migrate moves, or the open slots a fix closes, as the 202 body lists them; else null. */
    String slots() {
      if (migration != null) {
        return SlotRange.format(ranges(migration.slots()));
      }
      return repairs == null ? null : SlotRange.format(ranges(repairs.stream().map(SlotRepair.Plan::slot).toList()));
    }
  }

  /** What a migrate moves: from the source to the target, every other master told the new owners. */
  private record MigrationPlan(SlotCommands.Node source, SlotCommands.Node target, List<SlotCommands.Node> others,
                               List<Integer> slots) {
  }

  private static List<SlotRange> ranges(List<Integer> slots) {
    java.util.BitSet set = new java.util.BitSet(SLOTS);
    slots.forEach(set::set);
    return SlotRange.of(set);
  }

  private Plan plan(ChaosRequest request) {
    if (request.action() == null) {
      throw new ChaosRefusal(400, "unknown action: expected one of crash, hang, failover, restart, isolate, migrate, fix");
    }
    if (request.migration() != null && request.action() != Action.MIGRATE) {
      throw new ChaosRefusal(400, "\"to\", \"slots\" and \"count\" only apply to migrate, not "
          + request.action().label());
    }
    if (request.action() == Action.FIX || request.action() == Action.ADD_SHARD) {
      if (request.node() != null || request.nodes() != null || request.seconds() != null || request.mode() != null) {
        throw new ChaosRefusal(400, request.action() == Action.FIX
            ? "fix takes no fields: it closes every slot the cluster reports open"
            : "add-shard takes no fields: the new shard starts on the next free ports");
      }
      return request.action() == Action.FIX ? fixPlan() : addShardPlan();
    }
    if (request.nodes() != null && request.action() != Action.CRASH) {
      throw new ChaosRefusal(400, "\"nodes\" only applies to crash, not " + request.action().label());
    }
    if (request.nodes() != null && request.node() != null) {
      throw new ChaosRefusal(400, "give \"node\" or \"nodes\", not both");
    }
    if (request.nodes() == null && (request.node() == null || request.node().isBlank())) {
      throw new ChaosRefusal(400, "missing \"node\": give host:port or a node id of the cluster");
    }
    int seconds = 0;
    if (request.action() == Action.HANG || request.action() == Action.ISOLATE) {
      if (request.seconds() == null) {
        throw new ChaosRefusal(400, "missing \"seconds\": how long the node " + (request.action() == Action.HANG
            ? "hangs" : "stays cut off from its master") + " (1-" + MAX_HANG_SECONDS + ")");
      }
      seconds = request.seconds();
      if (seconds < 1 || seconds > MAX_HANG_SECONDS) {
        throw new ChaosRefusal(400, "\"seconds\" must be between 1 and " + MAX_HANG_SECONDS + ", got " + seconds);
      }
    } else if (request.seconds() != null) {
      throw new ChaosRefusal(400, "\"seconds\" only applies to hang and isolate, not " + request.action().label());
    }
    if (request.mode() != null && request.action() != Action.FAILOVER) {
      throw new ChaosRefusal(400, "\"mode\" only applies to failover, not " + request.action().label());
    }
    FailoverMode mode = request.mode() == null ? FailoverMode.DEFAULT : request.mode();
    if (request.nodes() != null) {
      return crashPlan(request.nodes());
    }
    String method = faults.method(request.action(), seconds);
    if (method != null && mode != FailoverMode.DEFAULT) {
      method = "CLUSTER FAILOVER " + mode.name() + " on the replica";
    }
    if (method == null) {
      throw new ChaosRefusal(501, faults.whyNot(request.action()));
    }
    TopologySnapshot snapshot = topology.get();
    if (snapshot == null) {
      throw new ChaosRefusal(503, "the cluster has not been discovered yet; try again in a moment");
    }
    NodeStatus node = find(snapshot, request.node());
    if (node == null) {
      // Refused by name only: nothing is ever sent to an address outside the discovered cluster.
      throw new ChaosRefusal(404, "node " + request.node() + " is not a node of the discovered cluster");
    }
    Plan plan = switch (request.action()) {
      case CRASH, HANG -> {
        requireReachable(node, request.action());
        requireIdle(node.address());
        String master = "master".equals(node.role()) ? node.address() : node.master();
        yield new Plan(node, master, List.of(node.address()), method);
      }
      case RESTART -> {
        if (node.reachable()) {
          throw new ChaosRefusal(409, "node " + node.address() + " is running: only a crashed node can be restarted");
        }
        requireIdle(node.address());
        yield new Plan(node, null, List.of(node.address()), method);
      }
      case FAILOVER -> failoverPlan(snapshot, node, method, mode);
      case MIGRATE -> migrationPlan(snapshot, node, request.migration(), method);
      case REMOVE_SHARD -> removeShardPlan(snapshot, node, method);
      case FIX, ADD_SHARD -> throw new IllegalStateException(request.action().label() + " is planned above");
      case ISOLATE -> {
        if (!"replica".equals(node.role()) || node.master() == null) {
          throw new ChaosRefusal(409, "node " + node.address() + " is not a replica: only a replica can be cut off "
              + "from its master (to cut a master off, hang it)");
        }
        requireReachable(node, request.action());
        requireIdle(node.address());
        yield new Plan(node, node.master(), List.of(node.address()), method + ", after " + seconds + " s");
      }
    };
    faults.precheck(request.action(), HostAndPort.parse(plan.node.address()));
    return plan;
  }

  /**
   * Several nodes crashed at the same moment. Refused, with nothing touched: a list that is empty,
   * longer than {@link #MAX_CRASH_NODES}, names a node twice, names a node outside the cluster (404),
   * names two nodes of one shard (the shard could not fail over: crash them one by one to see that),
   * or takes down so many masters that the rest are no majority and no failover could happen.
   */
  private Plan crashPlan(List<String> names) {
    if (names.isEmpty() || names.size() > MAX_CRASH_NODES) {
      throw new ChaosRefusal(400, "\"nodes\" must list 1 to " + MAX_CRASH_NODES + " nodes, got " + names.size());
    }
    String method = faults.method(Action.CRASH, 0);
    if (method == null) {
      throw new ChaosRefusal(501, faults.whyNot(Action.CRASH));
    }
    TopologySnapshot snapshot = topology.get();
    if (snapshot == null) {
      throw new ChaosRefusal(503, "the cluster has not been discovered yet; try again in a moment");
    }
    List<NodeStatus> targets = new java.util.ArrayList<>();
    Map<String, String> shardOf = new HashMap<>();
    for (String name : names) {
      NodeStatus node = find(snapshot, name);
      if (node == null) {
        throw new ChaosRefusal(404, "node " + name + " is not a node of the discovered cluster");
      }
      if (targets.contains(node)) {
        throw new ChaosRefusal(400, "node " + node.address() + " is listed twice");
      }
      requireReachable(node, Action.CRASH);
      requireIdle(node.address());
      String master = "master".equals(node.role()) ? node.address() : node.master();
      String other = shardOf.put(master, node.address());
      if (other != null) {
        throw new ChaosRefusal(400, "nodes " + other + " and " + node.address() + " are of the same shard (master "
            + master + "): crashed together it could not fail over; crash them one at a time to see that");
      }
      targets.add(node);
    }
    long masters = snapshot.nodes().stream().filter(n -> "master".equals(n.role()) && n.slots() != null
        && !n.slots().isEmpty()).count();
    long crashedMasters = targets.stream().filter(n -> "master".equals(n.role())).count();
    if (crashedMasters * 2 >= masters) {
      throw new ChaosRefusal(400, "too many masters: " + crashedMasters + " of " + masters + " crashed leaves no "
          + "majority to agree they failed, so no failover could happen; at most " + (masters - 1) / 2);
    }
    for (NodeStatus node : targets) {
      faults.precheck(Action.CRASH, HostAndPort.parse(node.address()));
    }
    NodeStatus first = targets.get(0);
    String master = "master".equals(first.role()) ? first.address() : first.master();
    return new Plan(first, master, targets.stream().map(NodeStatus::address).toList(),
        method + " of each, at the same moment", FailoverMode.DEFAULT, List.copyOf(targets));
  }

  /**
   * A migration: refused, with nothing touched, when another one runs, when slots are open (a fix
   * first), without a target or with a replica or the source itself as target, without exactly one
   * of "slots" and "count", with slots out of range or not all the source's.
   */
  private Plan migrationPlan(TopologySnapshot snapshot, NodeStatus source, ChaosRequest.Migration migration,
                             String method) {
    requireNoMigrationRunning("one migration at a time");
    if (migration == null || migration.to() == null || migration.to().isBlank()) {
      throw new ChaosRefusal(400, "missing \"to\": the master the slots go to (host:port or node id)");
    }
    if ((migration.slots() == null) == (migration.count() == null)) {
      throw new ChaosRefusal(400, "give \"slots\" (e.g. \"100-199,300\") or \"count\" (how many of the source's "
          + "slots), one of the two");
    }
    requireNoOpenSlots(snapshot);
    NodeStatus target = find(snapshot, migration.to());
    if (target == null) {
      throw new ChaosRefusal(404, "node " + migration.to() + " is not a node of the discovered cluster");
    }
    if (!"master".equals(source.role()) || source.slots() == null || source.slots().isBlank()) {
      throw new ChaosRefusal(409, "node " + source.address() + " owns no slots: a migration moves a master's slots");
    }
    if (!"master".equals(target.role())) {
      throw new ChaosRefusal(409, "node " + target.address() + " is a " + target.role() + ": slots go to a master");
    }
    if (target.address().equals(source.address())) {
      throw new ChaosRefusal(400, "\"to\" is the source itself (" + source.address() + ")");
    }
    requireReachable(source, Action.MIGRATE);
    requireReachable(target, Action.MIGRATE);
    requireIdle(source.address());
    requireIdle(target.address());
    List<SlotRange> owned = SlotRange.parseList(source.slots());
    List<Integer> slots = new java.util.ArrayList<>();
    if (migration.count() != null) {
      int total = owned.stream().mapToInt(SlotRange::size).sum();
      if (migration.count() < 1 || migration.count() > total) {
        throw new ChaosRefusal(400, "\"count\" must be between 1 and " + total + " (the slots " + source.address()
            + " owns), got " + migration.count());
      }
      for (SlotRange range : owned) {
        for (int slot = range.from(); slot <= range.to() && slots.size() < migration.count(); slot++) {
          slots.add(slot);
        }
      }
    } else {
      List<SlotRange> asked;
      try {
        asked = SlotRange.parseList(migration.slots());
      } catch (IllegalArgumentException e) {
        throw new ChaosRefusal(400, "\"slots\": " + e.getMessage() + " (slots are 0-16383, e.g. \"100-199,300\")");
      }
      java.util.BitSet set = new java.util.BitSet(SLOTS);
      asked.forEach(range -> set.set(range.from(), range.to() + 1));
      if (set.isEmpty()) {
        throw new ChaosRefusal(400, "\"slots\" names no slot");
      }
      java.util.BitSet foreign = (java.util.BitSet) set.clone();
      owned.forEach(range -> foreign.clear(range.from(), range.to() + 1));
      if (!foreign.isEmpty()) {
        throw new ChaosRefusal(409, "node " + source.address() + " does not own slots "
            + SlotRange.format(SlotRange.of(foreign)) + " (it owns " + source.slots() + ")");
      }
      set.stream().forEach(slots::add);
    }
    List<SlotCommands.Node> others = snapshot.nodes().stream()
        .filter(n -> "master".equals(n.role()) && n.reachable() && !n.address().equals(source.address())
            && !n.address().equals(target.address()))
        .map(ChaosService::slotNode).toList();
    MigrationPlan migrationPlan = new MigrationPlan(slotNode(source), slotNode(target), others, slots);
    return new Plan(source, source.address(), List.of(source.address(), target.address()), method,
        FailoverMode.DEFAULT, List.of(source), migrationPlan, null);
  }

  /**
   * A fix of every slot the cluster reports open: refused when none is, or when a slot's owner (and
   * the node importing it) are both down, so that no live node could take it.
   */
  private Plan fixPlan() {
    TopologySnapshot snapshot = topology.get();
    if (snapshot == null) {
      throw new ChaosRefusal(503, "the cluster has not been discovered yet; try again in a moment");
    }
    if (snapshot.openSlots().isEmpty()) {
      throw new ChaosRefusal(409, "no slot is open: nothing to fix");
    }
    requireNoMigrationRunning("fix what it leaves once it ends");
    List<NodeStatus> live = liveMasters(snapshot);
    List<SlotCommands.Node> masters = live.stream().map(ChaosService::slotNode).toList();
    List<SlotRepair.Plan> repairs = new java.util.ArrayList<>();
    java.util.Set<Integer> seen = new java.util.TreeSet<>();
    for (TopologySnapshot.OpenSlot open : snapshot.openSlots()) {
      if (!seen.add(open.slot())) {
        continue;
      }
      int slot = open.slot();
      NodeStatus owner = live.stream().filter(n -> n.slots() != null && !n.slots().isBlank()
          && SlotRange.contains(SlotRange.parseList(n.slots()), slot)).findFirst().orElse(null);
      NodeStatus importer = snapshot.openSlots().stream()
          .filter(o -> o.slot() == slot && TopologySnapshot.OpenSlot.IMPORTING.equals(o.state()))
          .map(o -> live.stream().filter(n -> n.address().equals(o.node())).findFirst().orElse(null))
          .filter(java.util.Objects::nonNull).findFirst().orElse(null);
      if (owner == null) {
        throw new ChaosRefusal(409, "slot " + slot + " has no live owner (its master is down): bring it back or fail "
            + "it over, then fix");
      }
      NodeStatus finalOwner = importer != null ? importer : owner;
      repairs.add(new SlotRepair.Plan(slot, slotNode(owner), slotNode(finalOwner), masters));
    }
    for (NodeStatus master : live) {
      requireIdle(master.address());
    }
    NodeStatus first = live.stream().filter(n -> n.address().equals(repairs.get(0).finalOwner().address().toString()))
        .findFirst().orElse(live.get(0));
    return new Plan(first, null, live.stream().map(NodeStatus::address).toList(), faults.method(Action.FIX, 0),
        FailoverMode.DEFAULT, List.of(first), null, repairs);
  }

  /** A new shard: refused while slots move or are open (the cluster must be settled to take an even share). */
  private Plan addShardPlan() {
    String method = faults.method(Action.ADD_SHARD, 0);
    if (method == null) {
      throw new ChaosRefusal(501, faults.whyNot(Action.ADD_SHARD));
    }
    TopologySnapshot snapshot = settled(Action.ADD_SHARD);
    List<NodeStatus> masters = liveMasters(snapshot);
    masters.forEach(master -> requireIdle(master.address()));
    NodeStatus first = masters.get(0);
    return new Plan(first, null, masters.stream().map(NodeStatus::address).toList(), method, FailoverMode.DEFAULT,
        List.of(first), null, null);
  }

  /**
   * A shard removed: its master must own slots or none, live and idle; refused when it is not a
   * master, or when the masters left would be fewer than three (no majority to fail one over).
   */
  private Plan removeShardPlan(TopologySnapshot snapshot, NodeStatus node, String method) {
    if (!"master".equals(node.role())) {
      throw new ChaosRefusal(409, "node " + node.address() + " is a " + node.role() + ": remove-shard names the shard's "
          + "master");
    }
    settled(Action.REMOVE_SHARD);
    List<NodeStatus> masters = liveMasters(snapshot);
    if (masters.size() - 1 < MIN_MASTERS) {
      throw new ChaosRefusal(409, "removing " + node.address() + " would leave " + (masters.size() - 1) + " masters: a "
          + "cluster needs " + MIN_MASTERS + " for a majority to fail one over");
    }
    requireReachable(node, Action.REMOVE_SHARD);
    masters.forEach(master -> requireIdle(master.address()));
    return new Plan(node, node.address(), masters.stream().map(NodeStatus::address).toList(), method,
        FailoverMode.DEFAULT, List.of(node), null, null);
  }

  /** The snapshot, when no migration runs and no slot is open; else a refusal naming why. */
  private TopologySnapshot settled(Action action) {
    TopologySnapshot snapshot = topology.get();
    if (snapshot == null) {
      throw new ChaosRefusal(503, "the cluster has not been discovered yet; try again in a moment");
    }
    requireNoMigrationRunning("one " + action.label() + " or migration at a time");
    requireNoOpenSlots(snapshot);
    return snapshot;
  }

  /** Refuses (409) while a migrate, fix or shard change moves slots; {@code advice} ends the message. */
  private void requireNoMigrationRunning(String advice) {
    String running = busy.values().stream().filter(migrations::contains).findFirst().orElse(null);
    if (running != null) {
      throw new ChaosRefusal(409, "migration " + running + " is still running: " + advice);
    }
  }

  private static void requireNoOpenSlots(TopologySnapshot snapshot) {
    if (!snapshot.openSlots().isEmpty()) {
      throw new ChaosRefusal(409, "slots are open from an earlier migration (" + openSlotsText(snapshot)
          + "): POST /api/chaos/fix first");
    }
  }

  private static List<NodeStatus> liveMasters(TopologySnapshot snapshot) {
    return snapshot.nodes().stream().filter(n -> "master".equals(n.role()) && n.reachable()
        && n.flags().stream().noneMatch(flag -> flag.startsWith("fail"))).sorted(
        java.util.Comparator.comparing(NodeStatus::address)).toList();
  }

  private static String openSlotsText(TopologySnapshot snapshot) {
    return String.join(", ", snapshot.openSlots().stream().limit(5)
        .map(o -> o.slot() + " " + o.state() + " on " + o.node()).toList())
        + (snapshot.openSlots().size() > 5 ? ", ..." : "");
  }

  private static SlotCommands.Node slotNode(NodeStatus node) {
    return new SlotCommands.Node(HostAndPort.parse(node.address()), node.id());
  }

  /**
   * The replica to promote. A graceful failover needs it in sync (master link up); FORCE and TAKEOVER
   * exist for when the master is gone or cut off, so they take a reachable replica whatever its link.
   */
  private Plan failoverPlan(TopologySnapshot snapshot, NodeStatus named, String method, FailoverMode mode) {
    boolean needsSync = mode == FailoverMode.DEFAULT;
    NodeStatus replica = named;
    if ("master".equals(named.role())) {
      replica = snapshot.nodes().stream()
          .filter(n -> named.address().equals(n.master()) && n.reachable() && (n.linkUp() || !needsSync)
              && n.flags().stream().noneMatch(flag -> flag.startsWith("fail")))
          .sorted((a, b) -> a.address().compareTo(b.address()))
          .findFirst()
          .orElseThrow(() -> new ChaosRefusal(409, "master " + named.address() + " has no reachable replica"
              + (needsSync ? " in sync" : "") + " to promote"));
    } else if (!"replica".equals(named.role())) {
      throw new ChaosRefusal(409, "node " + named.address() + " is neither a master nor a replica right now");
    }
    requireReachable(replica, Action.FAILOVER);
    if (needsSync && !replica.linkUp()) {
      throw new ChaosRefusal(409, "replica " + replica.address() + " is not in sync with its master (link down): "
          + "a graceful failover would wait for it; mode force or takeover does not");
    }
    requireIdle(replica.address());
    if (replica.master() != null) {
      requireIdle(replica.master());
    }
    List<String> involved = replica.master() == null ? List.of(replica.address())
        : List.of(replica.address(), replica.master());
    return new Plan(replica, replica.master(), involved, method, mode);
  }

  private static NodeStatus find(TopologySnapshot snapshot, String nameOrId) {
    String wanted = nameOrId.strip();
    for (NodeStatus node : snapshot.nodes()) {
      if (wanted.equals(node.address()) || wanted.equals(node.id())) {
        return node;
      }
    }
    return null;
  }

  private static void requireReachable(NodeStatus node, Action action) {
    if (!node.reachable()) {
      throw new ChaosRefusal(409, "node " + node.address() + " is not reachable: cannot " + action.label() + " it");
    }
  }

  private void requireIdle(String address) {
    String running = busy.get(address);
    if (running != null) {
      throw new ChaosRefusal(409, "action " + running + " on node " + address + " is still in progress");
    }
  }

  // ---- running

  private Future<Void> run(ChaosAction action, Plan plan) {
    HostAndPort node = HostAndPort.parse(plan.node.address());
    try {
      return switch (action.action()) {
        case CRASH -> plan.targets.size() == 1 ? faults.crash(node) : Future.all(plan.targets.stream()
            .map(target -> faults.crash(HostAndPort.parse(target.address()))).toList()).mapEmpty();
        case HANG -> faults.hang(node, action.seconds()).compose(frozen -> vertx.timer(action.seconds() * 1000L, TimeUnit.MILLISECONDS));
        case RESTART -> faults.restart(node);
        case FAILOVER -> failover(node, plan.mode);
        case MIGRATE -> {
          MigrationPlan m = plan.migration;
          List<SlotCommands.Node> masters = new java.util.ArrayList<>(m.others());
          masters.add(m.source());
          masters.add(m.target());
          yield migrate(action, SlotMigration.moves(m.source(), m.target(), m.slots()), masters);
        }
        case FIX -> new SlotRepair(new SlotCommands(vertx, redis, faultTimeoutMs()), action.id(), plan.repairs).run();
        case ADD_SHARD -> faults.addShard().compose(added -> awaitMaster(added.get(0), System.currentTimeMillis()
            + NEW_SHARD_VISIBLE_MS)).compose(newMaster -> {
              List<NodeStatus> masters = liveMasters(topology.get());
              return migrate(action, ShardMoves.toNewShard(masters, newMaster), nodes(masters));
            });
        case REMOVE_SHARD -> {
          List<NodeStatus> masters = liveMasters(topology.get());
          NodeStatus leaving = plan.node;
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
    return masters.stream().map(ChaosService::slotNode).toList();
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
