package io.failoverlab.monitor.chaos;

import io.failoverlab.common.contract.ChaosRequest.Action;
import io.failoverlab.common.topology.HostAndPort;
import io.vertx.core.Future;
import java.util.List;

/**
 * How faults are caused in this runtime: through Redis commands against any cluster
 * ({@link RedisCommandFaults}), or on the processes themselves in the lab. A graceful failover is
 * always CLUSTER FAILOVER and needs no injector.
 *
 * <p>Each future completes when the fault has taken effect (process gone, node frozen, node back),
 * or fails with the reason; none may block the calling event loop.
 */
public interface FaultInjector {

  /** How {@code action} is carried out here, for the 202 body and the log; null if this runtime cannot. */
  String method(Action action, int seconds);

  /** Why {@code action} is impossible here (the 501 message); only asked when {@link #method} is null. */
  String whyNot(Action action);

  /**
   * Refuses (throws {@link ChaosRefusal}) what this runtime knows cannot work on {@code node} now,
   * before anything is touched, e.g. restarting a node that is running. Must not block.
   */
  default void precheck(Action action, HostAndPort node) {
  }

  Future<Void> crash(HostAndPort node);

  /** Completes when the node is frozen; it answers again by itself after {@code seconds}. */
  Future<Void> hang(HostAndPort node, int seconds);

  Future<Void> restart(HostAndPort node);

  /**
   * Starts a new shard, a master and its replicas, joined to the cluster and owning no slots;
   * completes with their addresses, the master first. Only where this runtime owns the processes.
   */
  default Future<List<HostAndPort>> addShard() {
    return Future.failedFuture(new ChaosRefusal(501, whyNot(Action.ADD_SHARD)));
  }

  /** Has the cluster forget the master at {@code master} (owning no slots) and its replicas, and stops them. */
  default Future<Void> removeShard(HostAndPort master) {
    return Future.failedFuture(new ChaosRefusal(501, whyNot(Action.REMOVE_SHARD)));
  }
}
