package io.failoverlab.router;

import io.failoverlab.common.topology.HostAndPort;
import java.util.List;

/**
 * Where each attempt goes: a redirect's target; else the slot's master, or one of its replicas in
 * turn when reading from replicas or while the master is down; else, with no shard known, any node.
 */
final class Routing {

  /** Where an attempt goes; {@code probe} marks a write sent to a replica of a master we believe down. */
  record Target(HostAndPort node, SlotMap.Shard shard, boolean probe) {
  }

  private final ReadFrom readFrom;
  private final Topology topology;
  private final NodeHealth health;
  // Shared by replicas and "any node" alike, so successive attempts spread over the candidates.
  private int rotation;

  Routing(ReadFrom readFrom, Topology topology, NodeHealth health) {
    this.readFrom = readFrom;
    this.topology = topology;
    this.health = health;
  }

  /** The target for the next attempt on {@code slot}, or null when no reachable node serves it. */
  Target target(int slot, HostAndPort redirectTo) {
    if (redirectTo != null) {
      return new Target(redirectTo, null, false);
    }
    SlotMap.Shard shard = topology.slots().shardOf(slot);
    if (shard == null) {
      HostAndPort any = anyReachableNode();
      return any == null ? null : new Target(any, null, false);
    }
    boolean masterDown = health.isDown(shard.master());
    if ((readFrom == ReadFrom.REPLICA || masterDown) && !shard.replicas().isEmpty()) {
      HostAndPort replica = pickReplica(shard);
      if (replica != null) {
        return new Target(replica, shard, masterDown && readFrom == ReadFrom.MASTER);
      }
    }
    if (masterDown) {
      // Master and replicas all unreachable: don't hammer a dead port; the probes notice the first to return.
      return null;
    }
    return new Target(shard.master(), shard, false);
  }

  private HostAndPort pickReplica(SlotMap.Shard shard) {
    List<HostAndPort> replicas = shard.replicas();
    for (int i = 0; i < replicas.size(); i++) {
      HostAndPort candidate = replicas.get(Math.floorMod(rotation++, replicas.size()));
      if (!health.isDown(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private HostAndPort anyReachableNode() {
    List<HostAndPort> candidates = topology.reachableNodes();
    return candidates.isEmpty() ? null : candidates.get(Math.floorMod(rotation++, candidates.size()));
  }
}
