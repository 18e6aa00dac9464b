package io.failoverlab.measure;

import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.router.ErrorType;
import io.failoverlab.router.NodeLink;
import io.failoverlab.router.RedisFailure;
import io.failoverlab.router.SlotHash;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The oracle probe: every {@code intervalMs} it writes INCR for a key of the failing shard straight
 * to each of that master's replicas, with no routing and no topology: a replica answers MOVED (or
 * CLUSTERDOWN) until it is promoted and takes the write the moment it is. Its first success is the
 * moment the cluster could take that shard's writes again; every client is measured against it.
 */
public final class Oracle extends VerticleBase {

  /** The deadline of one oracle write: short, so a slow reply never delays the next one much. */
  private static final long COMMAND_TIMEOUT_MS = 200;

  private final List<HostAndPort> replicas;
  private final String key;
  private final RedisSettings settings;
  private final long intervalMs;
  private final List<NodeLink> links = new ArrayList<>();
  private volatile long answers;
  private volatile long attempts;
  private volatile String lastError;
  private volatile HostAndPort promoted;
  private volatile Long firstSuccessAt;
  private boolean stopped;
  private volatile long startedAt;

  public Oracle(List<HostAndPort> replicas, String key, RedisSettings settings, long intervalMs) {
    this.replicas = List.copyOf(replicas);
    this.key = key;
    this.settings = settings;
    this.intervalMs = intervalMs;
  }

  @Override
  public Future<?> start() {
    startedAt = System.currentTimeMillis();
    for (HostAndPort replica : replicas) {
      NodeLink link = new NodeLink(vertx, replica, settings, false);
      links.add(link);
      tick(link);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return Future.join(links.stream().map(NodeLink::close).toList());
  }

  /** The oracle's own key in {@code slots} (the failing shard's), apart from every client's keys. */
  public static String keyIn(BitSet slots) {
    return SlotHash.keyIn("bench:oracle", slots);
  }

  /** Wall-clock ms of the first write a replica accepted, or null while none has. */
  public Long firstSuccessAt() {
    return firstSuccessAt;
  }

  /** Replies of any kind so far (MOVED counts): > 0 means the oracle is connected and measuring. */
  public long answers() {
    return answers;
  }

  public long attempts() {
    return attempts;
  }

  public String lastError() {
    return lastError;
  }

  /**
   * The oracle's resolution: mean time between two writes to one replica (interval + round trip +
   * scheduling), so far.
   */
  public double meanPeriodMs() {
    long end = firstSuccessAt != null ? firstSuccessAt : System.currentTimeMillis();
    long perReplica = Math.max(1, attempts / Math.max(1, replicas.size()));
    return (double) (end - startedAt) / perReplica;
  }

  /** The replica whose write succeeded first, or null. */
  public HostAndPort promoted() {
    return promoted;
  }

  private void tick(NodeLink link) {
    if (stopped || firstSuccessAt != null) {
      return;
    }
    attempts++;
    link.send(Request.cmd(Command.INCR).arg(key), COMMAND_TIMEOUT_MS).onComplete(result -> {
      long now = System.currentTimeMillis();
      if (result.succeeded()) {
        answers++;
        if (firstSuccessAt == null) {
          promoted = link.address();
          firstSuccessAt = now;
        }
        return;
      }
      RedisFailure failure = RedisFailure.of(result.cause(), link.address(), true);
      if (failure.type() != ErrorType.CONNECTION && failure.type() != ErrorType.TIMEOUT) {
        answers++;
      }
      lastError = failure.type().label();
      vertx.setTimer(intervalMs, id -> tick(link));
    });
  }
}
