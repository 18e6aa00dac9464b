package io.failoverlab.stack;

import io.failoverlab.common.contract.ChaosRequest.Action;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.localcluster.LocalNode;
import io.failoverlab.localcluster.LocalRedisCluster;
import io.failoverlab.localcluster.NodeState;
import io.failoverlab.monitor.chaos.ChaosRefusal;
import io.failoverlab.monitor.chaos.FaultInjector;
import io.failoverlab.monitor.chaos.ReplicaIsolation;
import io.failoverlab.monitor.chaos.SlotMigration;
import io.failoverlab.monitor.chaos.SlotRepair;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * Faults in the lab, done to the redis-server processes themselves, as a real outage would: a crash is
 * SIGKILL (no goodbye on the cluster bus), a hang is SIGSTOP then SIGCONT, and a crashed node can be
 * started again with its nodes.conf, so it rejoins.
 */
public final class LocalClusterFaults implements FaultInjector {

  private final LocalRedisCluster cluster;

  public LocalClusterFaults(LocalRedisCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public String method(Action action, int seconds) {
    return switch (action) {
      case CRASH -> "SIGKILL of the redis-server process";
      case HANG -> "SIGSTOP of the redis-server process, SIGCONT after " + seconds + " s";
      case FAILOVER -> "CLUSTER FAILOVER on the replica";
      case RESTART -> "start the redis-server process again with its nodes.conf";
      case ISOLATE -> ReplicaIsolation.METHOD;
      case MIGRATE -> SlotMigration.METHOD;
      case FIX -> SlotRepair.METHOD;
      case ADD_SHARD -> "start a master and its replicas on the next free ports (CLUSTER MEET, REPLICATE), then "
          + "migrate an even share of every master's slots to it";
      case REMOVE_SHARD -> "migrate its slots to the other masters evenly, then CLUSTER FORGET it and its replicas "
          + "on every node and stop them";
    };
  }

  @Override
  public String whyNot(Action action) {
    return action.label() + " is always possible in the lab";
  }

  @Override
  public void precheck(Action action, HostAndPort node) {
    LocalNode local = cluster.nodes().stream().filter(n -> n.address().equals(node.toString())).findFirst()
        .orElseThrow(() -> new ChaosRefusal(404, "node " + node + " is not a process of this lab"));
    NodeState state = local.state();
    boolean possible = switch (action) {
      case CRASH -> state == NodeState.RUNNING || state == NodeState.HUNG;
      case HANG, FAILOVER, ISOLATE, MIGRATE, FIX, ADD_SHARD, REMOVE_SHARD -> state == NodeState.RUNNING;
      case RESTART -> state == NodeState.CRASHED;
    };
    if (!possible) {
      throw new ChaosRefusal(409, "node " + node + " is " + state.name().toLowerCase(java.util.Locale.ROOT)
          + ": cannot " + action.label() + " it now");
    }
  }

  @Override
  public Future<Void> crash(HostAndPort node) {
    return cluster.crash(node.port());
  }

  @Override
  public Future<Void> hang(HostAndPort node, int seconds) {
    return cluster.hang(node.port(), Duration.ofSeconds(seconds));
  }

  @Override
  public Future<Void> restart(HostAndPort node) {
    return cluster.restart(node.port());
  }

  @Override
  public Future<List<HostAndPort>> addShard() {
    return cluster.addShard().map(nodes -> nodes.stream().map(node -> HostAndPort.parse(node.address())).toList());
  }

  @Override
  public Future<Void> removeShard(HostAndPort master) {
    return cluster.removeShard(master.port());
  }
}
