package io.failoverlab.monitor.chaos;

import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.router.NodeLink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.UUID;

/**
 * Cuts a replica off from its master for a while: the replica keeps running, answering and gossiping,
 * but copies nothing, so its data ages (the state in which Redis refuses to elect it: data older than
 * cluster-node-timeout x cluster-replica-validity-factor + repl-ping-replica-period). Done through
 * Redis alone, so it works on any cluster the monitor reaches: the replica is given a {@code
 * masterauth} nobody has and its link is closed (CLIENT KILL TYPE master); every reconnection then
 * fails at AUTH ("Unable to AUTH to MASTER" in its log). Afterwards the replica's own masterauth is
 * put back and it reconnects by itself. Only the replica is touched: the master and the clients see
 * nothing. Not persisted (CONFIG SET without REWRITE): a replica restarted meanwhile comes back whole.
 *
 * <p>If the monitor dies during an isolation, the replica keeps the wrong masterauth until it is
 * restarted or its masterauth is set again by hand (CONFIG SET masterauth ...).
 */
public final class ReplicaIsolation {

  /** How an isolation is done, the same in every runtime (the kill endpoint's 202 body and log). */
  public static final String METHOD = "CONFIG SET masterauth to a password nobody has and CLIENT KILL TYPE master on the "
      + "replica; its own masterauth put back after";

  private ReplicaIsolation() {
  }

  /**
   * Isolates {@code replica}; the future completes once it is cut off, with the step that ends the
   * isolation (put back the replica's masterauth), which the caller runs when its time is up.
   */
  static Future<Restore> isolate(Vertx vertx, HostAndPort replica, RedisSettings settings, long timeoutMs) {
    NodeLink link = new NodeLink(vertx, replica, settings, false);
    return link.send(Request.cmd(Command.CONFIG).arg("GET").arg("masterauth"), timeoutMs)
        .compose(reply -> {
          // [name, value]; an empty value when the replica has no masterauth. Kept in memory only, never logged.
          String original = reply.size() >= 2 && reply.get(1) != null ? reply.get(1).toString() : "";
          String nobodys = "failoverlab-isolated-" + UUID.randomUUID();
          return link.send(Request.cmd(Command.CONFIG).arg("SET").arg("masterauth").arg(nobodys), timeoutMs)
              .compose(set -> link.send(Request.cmd(Command.CLIENT).arg("KILL").arg("TYPE").arg("master"), timeoutMs))
              .map(killed -> new Restore(vertx, replica, settings, original, timeoutMs));
        })
        .eventually(link::close);
  }

  /** Puts the replica's masterauth back: it reconnects to its master by itself (within a second). */
  record Restore(Vertx vertx, HostAndPort replica, RedisSettings settings, String masterauth, long timeoutMs) {

    Future<Void> run() {
      NodeLink link = new NodeLink(vertx, replica, settings, false);
      return link.send(Request.cmd(Command.CONFIG).arg("SET").arg("masterauth").arg(masterauth), timeoutMs)
          .<Void>mapEmpty()
          .eventually(link::close);
    }

    @Override
    public String toString() {
      return "Restore[" + replica + "]";
    }
  }
}
