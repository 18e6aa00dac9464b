package io.failoverlab.monitor.chaos;

import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.contract.ChaosRequest.Action;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.router.ErrorType;
import io.failoverlab.router.NodeLink;
import io.failoverlab.router.RedisFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.concurrent.TimeUnit;

/**
 * Faults caused through Redis itself, so they work on any cluster the monitor can reach (compose,
 * staging) without access to processes or the Docker socket: crash = SHUTDOWN NOSAVE NOW FORCE (the
 * process exits without saving, even if it cannot persist), hang = DEBUG SLEEP (the whole server,
 * cluster bus included, stops for the given seconds; needs enable-debug-command). A node that was
 * shut down cannot be started from here: its orchestrator restarts it.
 */
public final class RedisCommandFaults implements FaultInjector {

  /**
   * The deadline of a fault's one command, at least. Not the services' per-command deadline (250 ms by
   * default): that one is short so a client fails fast, while a fault that misses it is a failed
   * experiment. A loaded compose host took longer than 250 ms to connect and send SHUTDOWN once (the
   * e2e test's kill did nothing); still a deadline, so a node that never answers fails the action.
   */
  static final long FAULT_COMMAND_TIMEOUT_MS = 2000;

  private final Vertx vertx;
  private final RedisSettings settings;

  public RedisCommandFaults(Vertx vertx, RedisSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  @Override
  public String method(Action action, int seconds) {
    return switch (action) {
      case CRASH -> "SHUTDOWN NOSAVE NOW FORCE on the node";
      case HANG -> "DEBUG SLEEP " + seconds + " on the node";
      case FAILOVER -> "CLUSTER FAILOVER on the replica";
      case RESTART -> null;
      case ISOLATE -> ReplicaIsolation.METHOD;
      case MIGRATE -> SlotMigration.METHOD;
      case FIX -> SlotRepair.METHOD;
      case ADD_SHARD, REMOVE_SHARD -> null;
    };
  }

  @Override
  public String whyNot(Action action) {
    if (action == Action.ADD_SHARD || action == Action.REMOVE_SHARD) {
      return action.label() + " is only possible in the lab, where the monitor starts and stops the redis-server "
          + "processes; here add or remove the nodes with your orchestrator and move slots with migrate";
    }
    return "restart is only possible in the lab, where the monitor owns the redis-server processes; "
        + "here the node's orchestrator (docker compose, systemd, Kubernetes) starts it again";
  }

  @Override
  public Future<Void> crash(HostAndPort node) {
    // SHUTDOWN answers nothing when it works: the connection closes as the process exits.
    return once(node, Request.cmd(Command.SHUTDOWN).arg("NOSAVE").arg("NOW").arg("FORCE"), faultTimeoutMs())
        .recover(error -> {
          if (error.getMessage() != null && error.getMessage().contains("syntax error")) {
            // Before Redis 7.0 SHUTDOWN takes no NOW/FORCE.
            return once(node, Request.cmd(Command.SHUTDOWN).arg("NOSAVE"), faultTimeoutMs());
          }
          return Future.failedFuture(error);
        });
  }

  @Override
  public Future<Void> hang(HostAndPort node, int seconds) {
    NodeLink link = new NodeLink(vertx, node, settings, false);
    // The reply only comes when the sleep ends; the fault has taken effect once the command is in.
    Future<Void> sleeping = link.send(Request.cmd(Command.DEBUG).arg("SLEEP").arg(seconds), seconds * 1000L + 5000)
        .<Void>mapEmpty()
        .eventually(link::close);
    // An error reply (DEBUG disabled) arrives at once; no reply within a moment means it sleeps.
    return Future.any(sleeping, vertx.timer(300, TimeUnit.MILLISECONDS)).compose(first -> sleeping.failed()
        ? Future.failedFuture(sleeping.cause())
        : Future.<Void>succeededFuture());
  }

  @Override
  public Future<Void> restart(HostAndPort node) {
    return Future.failedFuture(new ChaosRefusal(501, whyNot(Action.RESTART)));
  }

  private long faultTimeoutMs() {
    return Math.max(settings.commandTimeoutMs(), FAULT_COMMAND_TIMEOUT_MS);
  }

  /** One command on a connection of its own; a connection closed by the node counts as done. */
  private Future<Void> once(HostAndPort node, Request request, long timeoutMs) {
    NodeLink link = new NodeLink(vertx, node, settings, false);
    return link.send(request, timeoutMs)
        .<Void>mapEmpty()
        .recover(error -> error instanceof RedisFailure failure && failure.type() == ErrorType.CONNECTION
            && failure.maybeApplied()
            ? Future.succeededFuture()
            : Future.failedFuture(error))
        .eventually(link::close);
  }
}
