package io.failoverlab.monitor.chaos;

import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.ChaosRequest.Action;
import io.failoverlab.common.contract.ChaosRequest.FailoverMode;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.common.topology.SlotRange;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides whether a chaos request may run, and what it will do ({@link ChaosPlan}): every rule of the
 * kill endpoint, checked against the monitor's latest view of the cluster and the actions running now.
 * A refusal is a {@link ChaosRefusal} with its HTTP status, thrown before anything is touched.
 *
 * <p>Not thread-safe: used from the monitor verticle's event loop, by {@link ChaosService}.
 */
final class ChaosPlanner {

  /** The fewest masters a cluster may be left with: a majority of them agrees a failure. */
  static final int MIN_MASTERS = 3;

  private final FaultInjector faults;
  private final Supplier<TopologySnapshot> topology;
  /** Node address -> id of the action in progress on it (the service's, read here). */
  private final Map<String, String> busy;
  /** Ids of the actions that move slots (the service's, read here). */
  private final Set<String> migrations;

  ChaosPlanner(FaultInjector faults, Supplier<TopologySnapshot> topology, Map<String, String> busy,
               Set<String> migrations) {
    this.faults = faults;
    this.topology = topology;
    this.busy = busy;
    this.migrations = migrations;
  }

  /** The plan of {@code request}, or a {@link ChaosRefusal} naming why it may not run. */
  ChaosPlan plan(ChaosRequest request) {
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
            ? "hangs" : "stays cut off from its master") + " (1-" + ChaosService.MAX_HANG_SECONDS + ")");
      }
      seconds = request.seconds();
      if (seconds < 1 || seconds > ChaosService.MAX_HANG_SECONDS) {
        throw new ChaosRefusal(400, "\"seconds\" must be between 1 and " + ChaosService.MAX_HANG_SECONDS + ", got " + seconds);
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
    ChaosPlan plan = switch (request.action()) {
      case CRASH, HANG -> {
        requireReachable(node, request.action());
        requireIdle(node.address());
        String master = "master".equals(node.role()) ? node.address() : node.master();
        yield new ChaosPlan(node, master, List.of(node.address()), method);
      }
      case RESTART -> {
        if (node.reachable()) {
          throw new ChaosRefusal(409, "node " + node.address() + " is running: only a crashed node can be restarted");
        }
        requireIdle(node.address());
        yield new ChaosPlan(node, null, List.of(node.address()), method);
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
        yield new ChaosPlan(node, node.master(), List.of(node.address()), method + ", after " + seconds + " s");
      }
    };
    faults.precheck(request.action(), HostAndPort.parse(plan.node().address()));
    return plan;
  }

  /**
   * Several nodes crashed at the same moment. Refused, with nothing touched: a list that is empty,
   * longer than {@link #ChaosService.MAX_CRASH_NODES}, names a node twice, names a node outside the cluster (404),
   * names two nodes of one shard (the shard could not fail over: crash them one by one to see that),
   * or takes down so many masters that the rest are no majority and no failover could happen.
   */
  private ChaosPlan crashPlan(List<String> names) {
    if (names.isEmpty() || names.size() > ChaosService.MAX_CRASH_NODES) {
      throw new ChaosRefusal(400, "\"nodes\" must list 1 to " + ChaosService.MAX_CRASH_NODES + " nodes, got " + names.size());
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
    return new ChaosPlan(first, master, targets.stream().map(NodeStatus::address).toList(),
        method + " of each, at the same moment", FailoverMode.DEFAULT, List.copyOf(targets));
  }

  /**
   * A migration: refused, with nothing touched, when another one runs, when slots are open (a fix
   * first), without a target or with a replica or the source itself as target, without exactly one
   * of "slots" and "count", with slots out of range or not all the source's.
   */
  private ChaosPlan migrationPlan(TopologySnapshot snapshot, NodeStatus source, ChaosRequest.Migration migration,
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
      java.util.BitSet set = new java.util.BitSet(io.failoverlab.router.SlotHash.SLOTS);
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
        .map(ChaosPlanner::slotNode).toList();
    ChaosPlan.MigrationPlan migrationPlan = new ChaosPlan.MigrationPlan(slotNode(source), slotNode(target), others, slots);
    return new ChaosPlan(source, source.address(), List.of(source.address(), target.address()), method,
        FailoverMode.DEFAULT, List.of(source), migrationPlan, null);
  }

  /**
   * A fix of every slot the cluster reports open: refused when none is, or when a slot's owner (and
   * the node importing it) are both down, so that no live node could take it.
   */
  private ChaosPlan fixPlan() {
    TopologySnapshot snapshot = topology.get();
    if (snapshot == null) {
      throw new ChaosRefusal(503, "the cluster has not been discovered yet; try again in a moment");
    }
    if (snapshot.openSlots().isEmpty()) {
      throw new ChaosRefusal(409, "no slot is open: nothing to fix");
    }
    requireNoMigrationRunning("fix what it leaves once it ends");
    List<NodeStatus> live = liveMasters(snapshot);
    List<SlotCommands.Node> masters = live.stream().map(ChaosPlanner::slotNode).toList();
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
    return new ChaosPlan(first, null, live.stream().map(NodeStatus::address).toList(), faults.method(Action.FIX, 0),
        FailoverMode.DEFAULT, List.of(first), null, repairs);
  }

  /** A new shard: refused while slots move or are open (the cluster must be settled to take an even share). */
  private ChaosPlan addShardPlan() {
    String method = faults.method(Action.ADD_SHARD, 0);
    if (method == null) {
      throw new ChaosRefusal(501, faults.whyNot(Action.ADD_SHARD));
    }
    TopologySnapshot snapshot = settled(Action.ADD_SHARD);
    List<NodeStatus> masters = liveMasters(snapshot);
    masters.forEach(master -> requireIdle(master.address()));
    NodeStatus first = masters.get(0);
    return new ChaosPlan(first, null, masters.stream().map(NodeStatus::address).toList(), method, FailoverMode.DEFAULT,
        List.of(first), null, null);
  }

  /**
   * A shard removed: its master must own slots or none, live and idle; refused when it is not a
   * master, or when the masters left would be fewer than three (no majority to fail one over).
   */
  private ChaosPlan removeShardPlan(TopologySnapshot snapshot, NodeStatus node, String method) {
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
    return new ChaosPlan(node, node.address(), masters.stream().map(NodeStatus::address).toList(), method,
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

  static List<NodeStatus> liveMasters(TopologySnapshot snapshot) {
    return snapshot.nodes().stream().filter(n -> "master".equals(n.role()) && n.reachable()
        && n.flags().stream().noneMatch(flag -> flag.startsWith("fail"))).sorted(
        java.util.Comparator.comparing(NodeStatus::address)).toList();
  }

  private static String openSlotsText(TopologySnapshot snapshot) {
    return String.join(", ", snapshot.openSlots().stream().limit(5)
        .map(o -> o.slot() + " " + o.state() + " on " + o.node()).toList())
        + (snapshot.openSlots().size() > 5 ? ", ..." : "");
  }

  static SlotCommands.Node slotNode(NodeStatus node) {
    return new SlotCommands.Node(HostAndPort.parse(node.address()), node.id());
  }

  /**
   * The replica to promote. A graceful failover needs it in sync (master link up); FORCE and TAKEOVER
   * exist for when the master is gone or cut off, so they take a reachable replica whatever its link.
   */
  private ChaosPlan failoverPlan(TopologySnapshot snapshot, NodeStatus named, String method, FailoverMode mode) {
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
    return new ChaosPlan(replica, replica.master(), involved, method, mode);
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
}
