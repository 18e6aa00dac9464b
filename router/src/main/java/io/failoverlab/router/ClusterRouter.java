package io.failoverlab.router;

import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.config.Windows;
import io.failoverlab.common.topology.HostAndPort;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.function.Supplier;

/**
 * Sends each command to the node that serves its key, and rides through failover.
 *
 * <p>Written here rather than using vertx-redis-client's cluster mode, because measured on this
 * project (docs/ARCHITECTURE.md, "Why the services route commands themselves"): its cluster
 * connection connects to every master and fails as a whole when one is unreachable, so one dead
 * master fails every key on every shard, and its slot cache (1 s TTL) makes recovery trail the
 * promotion by up to a second. Here each node has its own {@link NodeLink}, so a dead node only
 * fails its own slots; while a master is down its slots are sent to its replicas, which answer MOVED
 * until one is promoted and accept the write the moment it is, so recovery follows the promotion
 * within one short backoff.
 *
 * <p>Every attempt has a deadline, every operation an overall deadline; retryable errors (redirects,
 * CLUSTERDOWN, TRYAGAIN, LOADING, READONLY, connection, timeout) are retried with a short, bounded,
 * jittered backoff. Not thread-safe: used from the event loop of the verticle that owns it.
 */
public final class ClusterRouter {

  /** The shard label of a key whose slot no known node serves (before the first topology, say). */
  public static final String UNKNOWN_SHARD = "unknown";

  private final Vertx vertx;
  private final RedisSettings settings;
  private final ReadFrom readFrom;
  private final LastContact contact = new LastContact();
  private final NodeLinks links;
  private final NodeHealth health;
  private final Topology topology;
  private final OperationRunner operations;
  private boolean closed;

  public ClusterRouter(Vertx vertx, RedisSettings settings, ReadFrom readFrom) {
    this.vertx = vertx;
    this.settings = settings;
    this.readFrom = readFrom;
    this.links = new NodeLinks(vertx, settings, readFrom == ReadFrom.REPLICA);
    this.health = new NodeHealth(vertx, settings, links, contact);
    this.topology = new Topology(vertx, settings, links, health, contact);
    this.operations = new OperationRunner(vertx, settings, readFrom, links, health, topology, contact);
  }

  /**
   * Starts the topology refresh and node probes. Completes when the first topology is known, or when
   * no node gave a conclusive answer within a short start-up window: a service must start (and report
   * not ready) while Redis is still down. The one failure that stops it is the cluster refusing our
   * credentials: waiting cannot fix that. (A cold JVM's first connection can miss its deadline, so
   * one timed-out attempt is not yet an answer.)
   */
  public Future<Void> start() {
    topology.start();
    health.start(topology);
    long deadline = System.currentTimeMillis() + Windows.startupMs(settings.commandTimeoutMs());
    return firstTopology(deadline);
  }

  private Future<Void> firstTopology(long deadline) {
    return topology.refresh().recover(error -> {
      if (RedisFailure.isAuthenticationFailure(error)) {
        close();
        return Future.failedFuture(RedisFailure.credentialsRefused(error));
      }
      if (closed || System.currentTimeMillis() >= deadline) {
        return Future.succeededFuture();
      }
      Promise<Void> retried = Promise.promise();
      vertx.setTimer(Math.max(1, settings.retryBackoffMaxMs()), id -> {
        // Closed meanwhile: asking again would open connections nothing closes.
        if (closed) {
          retried.complete();
        } else {
          firstTopology(deadline).onComplete(retried);
        }
      });
      return retried.future();
    });
  }

  public Future<Void> close() {
    closed = true;
    topology.close();
    health.close();
    operations.close();
    return links.close();
  }

  /** Runs one command for {@code key}, retrying until it succeeds, fails for good, or its deadline passes. */
  public Future<Response> execute(String key, Supplier<Request> request, AttemptObserver observer) {
    return execute(SlotHash.slot(key), request, observer);
  }

  /** The same for a command whose key's slot the caller already has (it also names the shard with it). */
  public Future<Response> execute(int slot, Supplier<Request> request, AttemptObserver observer) {
    return operations.execute(slot, request, observer);
  }

  /** The label of the shard serving {@code slot} now ("0-5460"), or "unknown" before any topology. */
  public String shardLabel(int slot) {
    String label = topology.slots().labelOf(slot);
    return label == null ? UNKNOWN_SHARD : label;
  }

  public SlotMap slots() {
    return topology.slots();
  }

  public boolean hasTopology() {
    return !topology.slots().isEmpty();
  }

  /** Shards (by slot label) whose master this router currently believes down. */
  public List<String> shardsDown() {
    return health.shardsDown(topology.slots());
  }

  /** Wall-clock millis of the last reply of any kind from any node (0 = never). */
  public long lastContactMillis() {
    return contact.millis();
  }

  /** Sends one command to one node, without routing or retries (for node-level checks). */
  public Future<Response> sendTo(HostAndPort node, Request request) {
    return links.send(node, request).onSuccess(r -> contact.replied());
  }

  /** The router's part of {@code /stats}. */
  public JsonObject describe() {
    return RouterStats.toJson(readFrom, topology, health, contact);
  }
}
