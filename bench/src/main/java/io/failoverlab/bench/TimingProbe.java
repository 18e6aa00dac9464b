package io.failoverlab.bench;

import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.topology.ClusterNode;
import io.failoverlab.common.topology.ClusterNodesParser;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.router.ErrorType;
import io.failoverlab.router.NodeLink;
import io.failoverlab.router.RedisFailure;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The timing probe of one crash failover, deployed on an event loop of its own (like the oracle) so
 * nothing else delays its stamps. Each loop has one command in flight on its own connection, with a
 * deadline, and sends the next {@code periodMs} after the reply:
 * <ul>
 *   <li>CLUSTER NODES to every other master: the first reply flagging the victim PFAIL (or already
 *       FAIL) is pfailAt, the first flagging it FAIL is failAt;
 *   <li>ROLE to each of the victim's replicas: the first saying master is roleMasterAt;
 *   <li>SET of a key in the victim's slots to each replica: MOVED while it is a replica, the first
 *       accepted is writableAt.
 * </ul>
 * A replica so gets two loops (ROLE and SET), on two connections: one loop alternating them would
 * halve the resolution of both. A loop stops once it has its milestone.
 */
final class TimingProbe extends VerticleBase {

  /** Deadline of one probe command: short, so a slow reply never delays the next one much. */
  static final long COMMAND_TIMEOUT_MS = 200;

  private final String victimId;
  private final List<HostAndPort> masters;
  private final List<HostAndPort> replicas;
  private final String key;
  private final RedisSettings settings;
  private final long periodMs;
  private final List<NodeLink> links = new ArrayList<>();
  private volatile int loops;
  private final List<Boolean> answered = new ArrayList<>();
  private volatile int answering;
  private volatile String lastError;
  private volatile Long pfailAt;
  private volatile Long failAt;
  private volatile Long roleMasterAt;
  private volatile Long writableAt;
  private volatile HostAndPort promotedByRole;
  private volatile HostAndPort promotedByWrite;
  private boolean stopped;

  /**
   * @param victimId the victim's node id (CLUSTER NODES names it so in every other node's view)
   * @param masters  the masters other than the victim
   * @param replicas the victim's replicas
   * @param key      a key in the victim's slots
   */
  TimingProbe(String victimId, List<HostAndPort> masters, List<HostAndPort> replicas, String key,
              RedisSettings settings, long periodMs) {
    this.victimId = victimId;
    this.masters = List.copyOf(masters);
    this.replicas = List.copyOf(replicas);
    this.key = key;
    this.settings = settings;
    this.periodMs = periodMs;
  }

  @Override
  public Future<?> start() {
    for (HostAndPort master : masters) {
      loop(master, () -> Request.cmd(Command.CLUSTER).arg("NODES"), () -> failAt != null,
          (now, reply) -> onClusterNodes(now, reply.toString()));
    }
    for (HostAndPort replica : replicas) {
      loop(replica, () -> Request.cmd(Command.ROLE), () -> roleMasterAt != null, (now, reply) -> {
        if (roleMasterAt == null && "master".equals(reply.get(0).toString())) {
          promotedByRole = replica;
          roleMasterAt = now;
        }
      });
      loop(replica, () -> Request.cmd(Command.SET).arg(key).arg("1"), () -> writableAt != null, (now, reply) -> {
        if (writableAt == null) {
          promotedByWrite = replica;
          writableAt = now;
        }
      });
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return Future.join(links.stream().map(NodeLink::close).toList());
  }

  /** True once every loop has had a reply of any kind (MOVED counts): the probe is connected and measuring. */
  boolean ready() {
    return answering == loops && loops > 0;
  }

  /** Every milestone seen. */
  boolean complete() {
    return pfailAt != null && failAt != null && roleMasterAt != null && writableAt != null;
  }

  String lastError() {
    return lastError;
  }

  /** What is still missing, for a wait's message. */
  String missing() {
    List<String> missing = new ArrayList<>();
    if (pfailAt == null) {
      missing.add("PFAIL");
    }
    if (failAt == null) {
      missing.add("FAIL");
    }
    if (roleMasterAt == null) {
      missing.add("a replica's ROLE master");
    }
    if (writableAt == null) {
      missing.add("an accepted write");
    }
    return String.join(", ", missing) + (lastError == null ? "" : " (last error " + lastError + ")");
  }

  FailoverTiming timing(int index, HostAndPort victim, long killAt) {
    HostAndPort promoted = promotedByRole;
    if (writableAt != null && (roleMasterAt == null || writableAt < roleMasterAt)) {
      promoted = promotedByWrite;
    }
    return new FailoverTiming(index, victim.toString(), promoted == null ? null : promoted.toString(), killAt, pfailAt,
        failAt, roleMasterAt, writableAt);
  }

  private void onClusterNodes(long now, String reply) {
    for (ClusterNode node : ClusterNodesParser.parse(reply)) {
      if (node.id().equals(victimId)) {
        // A node that already agreed FAIL no longer shows PFAIL: FAIL implies it passed PFAIL.
        if (pfailAt == null && (node.possiblyFailed() || node.failed())) {
          pfailAt = now;
        }
        if (failAt == null && node.failed()) {
          failAt = now;
        }
      }
    }
  }

  private interface ReplyHandler {
    void onReply(long now, Response reply);
  }

  private void loop(HostAndPort node, Supplier<Request> request, BooleanSupplier done, ReplyHandler handler) {
    NodeLink link = new NodeLink(vertx, node, settings, false);
    links.add(link);
    int index = loops++;
    answered.add(false);
    tick(index, link, request, done, handler);
  }

  private void tick(int index, NodeLink link, Supplier<Request> request, BooleanSupplier done, ReplyHandler handler) {
    if (stopped || done.getAsBoolean()) {
      return;
    }
    link.send(request.get(), COMMAND_TIMEOUT_MS).onComplete(result -> {
      long now = System.currentTimeMillis();
      if (result.succeeded()) {
        answered(index);
        handler.onReply(now, result.result());
      } else {
        RedisFailure failure = RedisFailure.of(result.cause(), link.address(), true);
        if (failure.type() != ErrorType.CONNECTION && failure.type() != ErrorType.TIMEOUT) {
          answered(index);
        }
        lastError = link.address() + " " + failure.type().label();
      }
      vertx.setTimer(periodMs, id -> tick(index, link, request, done, handler));
    });
  }

  private void answered(int index) {
    if (!answered.get(index)) {
      answered.set(index, true);
      answering++;
    }
  }
}
