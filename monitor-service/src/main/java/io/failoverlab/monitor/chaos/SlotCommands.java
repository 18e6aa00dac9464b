package io.failoverlab.monitor.chaos;

import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.router.NodeLink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The commands that move a slot, each on a connection of its own per node and with its deadline, a
 * failure naming the step and the node: what {@link SlotMigration} and {@link SlotRepair} are made of.
 * Not thread-safe: one user, on one event loop. {@link #close()} when done.
 */
final class SlotCommands {

  /** Keys per MIGRATE, as redis-cli's default pipeline. */
  static final int BATCH = 10;
  /** MIGRATE's own timeout (ms) for the transfer between the two nodes. */
  static final long MIGRATE_TIMEOUT_MS = 5000;

  /** A master taking part: its address (as the cluster announces it) and its node id. */
  record Node(HostAndPort address, String id) {
  }

  private final Vertx vertx;
  private final RedisSettings redis;
  private final long timeoutMs;
  private final Map<HostAndPort, NodeLink> links = new LinkedHashMap<>();

  SlotCommands(Vertx vertx, RedisSettings redis, long timeoutMs) {
    this.vertx = vertx;
    this.redis = redis;
    this.timeoutMs = timeoutMs;
  }

  /** CLUSTER SETSLOT {@code slot} IMPORTING|MIGRATING|NODE {@code nodeId} on {@code node}. */
  Future<Void> setslot(Node node, int slot, String subcommand, String nodeId) {
    return send(node, Request.cmd(Command.CLUSTER).arg("SETSLOT").arg(slot).arg(subcommand).arg(nodeId), timeoutMs,
        "CLUSTER SETSLOT " + slot + " " + subcommand).mapEmpty();
  }

  /** CLUSTER SETSLOT {@code slot} STABLE on {@code node}: no longer migrating nor importing it. */
  Future<Void> stable(Node node, int slot) {
    return send(node, Request.cmd(Command.CLUSTER).arg("SETSLOT").arg(slot).arg("STABLE"), timeoutMs,
        "CLUSTER SETSLOT " + slot + " STABLE").mapEmpty();
  }

  /** CLUSTER COUNTKEYSINSLOT on {@code node}. */
  Future<Long> countKeys(Node node, int slot) {
    return send(node, Request.cmd(Command.CLUSTER).arg("COUNTKEYSINSLOT").arg(slot), timeoutMs,
        "CLUSTER COUNTKEYSINSLOT " + slot).map(Response::toLong);
  }

  /**
   * GETKEYSINSLOT and MIGRATE from {@code from} to {@code to} until {@code from} has none left in the
   * slot; {@code moved} hears each batch's size. Without {@code replace} a key on both sides stops it
   * (BUSYKEY): a conflict to report, not to settle by overwriting one of them.
   */
  Future<Void> moveKeys(Node from, Node to, int slot, LongConsumer moved) {
    return moveKeys(from, to, slot, false, moved);
  }

  /** As {@link #moveKeys(Node, Node, int, LongConsumer)}; with {@code replace}, {@code from}'s copy wins. */
  Future<Void> moveKeys(Node from, Node to, int slot, boolean replace, LongConsumer moved) {
    Request keys = Request.cmd(Command.CLUSTER).arg("GETKEYSINSLOT").arg(slot).arg(BATCH);
    return send(from, keys, timeoutMs, "CLUSTER GETKEYSINSLOT " + slot).compose(reply -> {
      if (reply == null || reply.size() == 0) {
        return Future.succeededFuture();
      }
      List<String> batch = new ArrayList<>();
      reply.forEach(key -> batch.add(key.toString()));
      return send(from, migrate(to, batch, replace), MIGRATE_TIMEOUT_MS + timeoutMs, "MIGRATE of " + batch.size()
          + " keys of slot " + slot + " to " + to.address())
          .compose(done -> {
            moved.accept(batch.size());
            return moveKeys(from, to, slot, replace, moved);
          });
    });
  }

  private Request migrate(Node to, List<String> keys, boolean replace) {
    Request request = Request.cmd(Command.MIGRATE).arg(to.address().host()).arg(to.address().port()).arg("")
        .arg(0).arg(MIGRATE_TIMEOUT_MS);
    if (replace) {
      request.arg("REPLACE");
    }
    if (redis.password() != null) {
      if (redis.user() != null) {
        request.arg("AUTH2").arg(redis.user()).arg(redis.password());
      } else {
        request.arg("AUTH").arg(redis.password());
      }
    }
    request.arg("KEYS");
    keys.forEach(request::arg);
    return request;
  }

  private Future<Response> send(Node node, Request request, long deadlineMs, String what) {
    NodeLink link = links.computeIfAbsent(node.address(), address -> new NodeLink(vertx, address, redis, false));
    return link.send(request, deadlineMs).recover(error -> Future.failedFuture(new IllegalStateException(
        what + " on " + node.address() + ": " + error.getMessage(), error)));
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    links.values().forEach(link -> closing.add(link.close()));
    links.clear();
    return Future.join(closing).mapEmpty();
  }
}
