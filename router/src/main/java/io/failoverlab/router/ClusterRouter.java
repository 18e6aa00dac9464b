package io.failoverlab.router;

import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.topology.ClusterNode;
import io.failoverlab.common.topology.ClusterNodesParser;
import io.failoverlab.common.topology.HostAndPort;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each command to the node that serves its key, and rides through failover.
 *
 * <p>Written here rather than using vertx-redis-client's cluster mode, because measured on this
 * project (ENVIRONMENT.md): its cluster connection connects to every master and fails as a whole when
 * one is unreachable, so one dead master fails every key on every shard, and its slot cache (1 s TTL)
 * makes recovery trail the promotion by up to a second. Here each node has its own {@link NodeLink},
 * so a dead node only fails its own slots; while a master is down its slots are sent to its replicas,
 * which answer MOVED until one is promoted and accept the write the moment it is, so recovery follows
 * the promotion within one short backoff.
 *
 * <p>Every attempt has a deadline, every operation an overall deadline; retryable errors (redirects,
 * CLUSTERDOWN, TRYAGAIN, LOADING, READONLY, connection, timeout) are retried with a short, bounded,
 * jittered backoff. Not thread-safe: used from the event loop of the verticle that owns it.
 */
public final class ClusterRouter {

  /** The shard label of a key whose slot no known node serves (before the first topology, say). */
  public static final String UNKNOWN_SHARD = "unknown";

  private static final Logger LOG = LoggerFactory.getLogger(ClusterRouter.class);
  private static final int MAX_REDIRECTS_IN_A_ROW = 5;
  private static final long MIN_REFRESH_GAP_MS = 25;
  /** How long start() keeps asking for a first topology before it lets the service start without one. */
  private static final long START_WINDOW_MS = 2000;

  private final Vertx vertx;
  private final RedisSettings settings;
  private final ReadFrom readFrom;
  private final Map<HostAndPort, NodeLink> links = new HashMap<>();
  private final Set<HostAndPort> known = new LinkedHashSet<>();
  private final Map<HostAndPort, Long> downSince = new HashMap<>();
  private final Set<HostAndPort> probing = new LinkedHashSet<>();
  private SlotMap slots = SlotMap.EMPTY;
  private boolean refreshing;
  private boolean refreshWanted;
  private long lastRefreshEndMillis;
  private long lastContactMillis;
  private long refreshTimer = -1;
  private long probeTimer = -1;
  private long scheduledRefresh = -1;
  private boolean closed;
  private long refreshes;
  private long promotionsSeen;
  private int rotation;

  public ClusterRouter(Vertx vertx, RedisSettings settings, ReadFrom readFrom) {
    this.vertx = vertx;
    this.settings = settings;
    this.readFrom = readFrom;
    known.addAll(settings.seeds());
  }

  /**
   * Starts the topology refresh and node probes. Completes when the first topology is known, or when
   * no node gave a conclusive answer within a short start-up window: a service must start (and report
   * not ready) while Redis is still down. The one failure that stops it is the cluster refusing our
   * credentials: waiting cannot fix that. (A cold JVM's first connection can miss its deadline, so
   * one timed-out attempt is not yet an answer.)
   */
  public Future<Void> start() {
    refreshTimer = vertx.setPeriodic(settings.topologyRefreshMs(), id -> requestRefresh());
    probeTimer = vertx.setPeriodic(settings.nodeProbeMs(), id -> probeDownNodes());
    long deadline = System.currentTimeMillis() + Math.max(START_WINDOW_MS, 4L * settings.commandTimeoutMs());
    return firstTopology(deadline);
  }

  private Future<Void> firstTopology(long deadline) {
    return refresh().recover(error -> {
      if (RedisFailure.isAuthenticationFailure(error)) {
        close();
        return Future.failedFuture(RedisFailure.credentialsRefused(error));
      }
      if (closed || System.currentTimeMillis() >= deadline) {
        return Future.succeededFuture();
      }
      Promise<Void> retried = Promise.promise();
      vertx.setTimer(Math.max(1, settings.retryBackoffMaxMs()), id -> firstTopology(deadline).onComplete(retried));
      return retried.future();
    });
  }

  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(refreshTimer);
    vertx.cancelTimer(probeTimer);
    vertx.cancelTimer(scheduledRefresh);
    List<Future<Void>> closing = new ArrayList<>();
    for (NodeLink link : links.values()) {
      closing.add(link.close());
    }
    links.clear();
    return Future.join(closing).mapEmpty();
  }

  /** Runs one command for {@code key}, retrying until it succeeds, fails for good, or its deadline passes. */
  public Future<Response> execute(String key, Supplier<Request> request, AttemptObserver observer) {
    return execute(SlotHash.slot(key), request, observer);
  }

  /** The same for a command whose key's slot the caller already has (it also names the shard with it). */
  public Future<Response> execute(int slot, Supplier<Request> request, AttemptObserver observer) {
    Operation operation = new Operation(slot, request, observer,
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.operationTimeoutMs()));
    attempt(operation);
    return operation.promise.future();
  }

  /** The label of the shard serving {@code key} now ("0-5460"), or "unknown" before any topology. */
  public String shardLabel(String key) {
    return shardLabel(SlotHash.slot(key));
  }

  /** The label of the shard serving {@code slot} now, or "unknown". */
  public String shardLabel(int slot) {
    String label = slots.labelOf(slot);
    return label == null ? UNKNOWN_SHARD : label;
  }

  public SlotMap slots() {
    return slots;
  }

  public boolean hasTopology() {
    return !slots.isEmpty();
  }

  /** Shards (by slot label) whose master this router currently believes down. */
  public List<String> shardsDown() {
    List<String> down = new ArrayList<>();
    for (SlotMap.Shard shard : slots.shards()) {
      if (isDown(shard.master())) {
        down.add(shard.label());
      }
    }
    return down;
  }

  /** Wall-clock millis of the last reply of any kind from any node (0 = never). */
  public long lastContactMillis() {
    return lastContactMillis;
  }

  /** Sends one command to one node, without routing or retries (for node-level checks). */
  public Future<Response> sendTo(HostAndPort node, Request request) {
    return link(node).send(request, settings.commandTimeoutMs()).onSuccess(r -> contact());
  }

  public JsonObject describe() {
    JsonArray shards = new JsonArray();
    for (SlotMap.Shard shard : slots.shards()) {
      JsonArray replicas = new JsonArray();
      shard.replicas().forEach(replica -> replicas.add(replica.toString()));
      shards.add(new JsonObject()
          .put("slots", shard.label())
          .put("master", shard.master().toString())
          .put("replicas", replicas));
    }
    JsonArray down = new JsonArray();
    downSince.keySet().forEach(node -> down.add(node.toString()));
    return new JsonObject()
        .put("readFrom", readFrom.name().toLowerCase(java.util.Locale.ROOT))
        .put("knownNodes", known.size())
        .put("downNodes", down)
        .put("uncoveredSlots", slots.uncoveredSlots())
        .put("shardsDown", new JsonArray(shardsDown()))
        .put("shards", shards)
        .put("topologyRefreshes", refreshes)
        .put("promotionsSeen", promotionsSeen)
        .put("lastContactMillis", lastContactMillis);
  }

  // ---- one operation ------------------------------------------------------------------------

  private final class Operation {
    final int slot;
    final Supplier<Request> request;
    final AttemptObserver observer;
    final long deadlineNanos;
    final Promise<Response> promise = Promise.promise();
    int attempts;
    int redirectsInARow;
    HostAndPort redirectTo;
    boolean ask;
    RedisFailure lastFailure;

    Operation(int slot, Supplier<Request> request, AttemptObserver observer, long deadlineNanos) {
      this.slot = slot;
      this.request = request;
      this.observer = observer;
      this.deadlineNanos = deadlineNanos;
    }

    long remainingMillis() {
      return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }
  }

  /** Where an attempt goes; {@code probe} marks a write sent to a replica of a master we believe down. */
  private record Target(HostAndPort node, SlotMap.Shard shard, boolean probe) {
  }

  private void attempt(Operation op) {
    if (closed) {
      op.promise.tryFail(new RedisFailure(ErrorType.CONNECTION, false, null, "router closed"));
      return;
    }
    long left = op.remainingMillis();
    if (left <= 0) {
      op.promise.tryFail(op.lastFailure != null ? op.lastFailure
          : new RedisFailure(ErrorType.TIMEOUT, false, null, "operation deadline passed"));
      return;
    }
    Target target = route(op);
    if (target == null) {
      RedisFailure failure = new RedisFailure(ErrorType.CONNECTION, false, null,
          "no reachable node serves slot " + op.slot);
      op.observer.attemptFailed(failure, System.currentTimeMillis());
      op.lastFailure = failure;
      requestRefresh();
      retryLater(op);
      return;
    }
    op.attempts++;
    boolean asking = op.ask;
    op.ask = false;
    op.redirectTo = null;
    NodeLink link = link(target.node());
    long sentAt = System.currentTimeMillis();
    long timeout = Math.min(settings.commandTimeoutMs(), left);
    // A deadline cut short by the operation's own budget proves nothing about the node.
    boolean fullDeadline = timeout >= settings.commandTimeoutMs();
    Future<Response> reply = asking ? link.sendAsking(op.request.get(), timeout) : link.send(op.request.get(), timeout);
    reply.onComplete(result -> {
      if (result.succeeded()) {
        contact();
        if (target.probe()) {
          learnPromotion(target.shard(), target.node());
        }
        op.promise.tryComplete(result.result());
      } else {
        RedisFailure failure = RedisFailure.of(result.cause(), target.node(), true);
        if (failure.type() != ErrorType.CONNECTION && failure.type() != ErrorType.TIMEOUT) {
          contact();
        }
        op.lastFailure = failure;
        op.observer.attemptFailed(failure, sentAt);
        if (failure.type() == ErrorType.TIMEOUT && !fullDeadline) {
          op.promise.tryFail(failure);
          return;
        }
        onFailure(op, target, failure);
      }
    });
  }

  private Target route(Operation op) {
    if (op.redirectTo != null) {
      return new Target(op.redirectTo, null, false);
    }
    SlotMap.Shard shard = slots.shardOf(op.slot);
    if (shard == null) {
      HostAndPort any = anyReachableNode();
      return any == null ? null : new Target(any, null, false);
    }
    boolean masterDown = isDown(shard.master());
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
      if (!isDown(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private HostAndPort anyReachableNode() {
    List<HostAndPort> candidates = new ArrayList<>();
    for (HostAndPort node : known) {
      if (!isDown(node)) {
        candidates.add(node);
      }
    }
    return candidates.isEmpty() ? null : candidates.get(Math.floorMod(rotation++, candidates.size()));
  }

  private void onFailure(Operation op, Target target, RedisFailure failure) {
    switch (failure.type()) {
      case MOVED, ASK -> {
        Redirect redirect = Redirect.parse(failure.getMessage());
        if (redirect == null || isDown(redirect.target())) {
          // The replica still names its dead master: not promoted yet. Wait a little and ask again.
          retryLater(op);
        } else if (redirect.ask()) {
          op.ask = true;
          op.redirectTo = redirect.target();
          attempt(op);
        } else {
          slots = slots.withMovedSlot(redirect.slot(), redirect.target());
          requestRefresh();
          if (++op.redirectsInARow <= MAX_REDIRECTS_IN_A_ROW) {
            op.redirectTo = redirect.target();
            attempt(op);
          } else {
            op.redirectsInARow = 0;
            retryLater(op);
          }
        }
      }
      case CONNECTION, TIMEOUT -> {
        markDown(target.node(), failure);
        requestRefresh();
        retryLater(op);
      }
      case CLUSTERDOWN, READONLY -> {
        requestRefresh();
        retryLater(op);
      }
      case TRYAGAIN, LOADING -> retryLater(op);
      default -> op.promise.tryFail(failure);
    }
  }

  private void retryLater(Operation op) {
    long cap = Math.min(settings.retryBackoffMaxMs(),
        (long) settings.retryBackoffMinMs() << Math.min(op.attempts, 20));
    long delay = cap <= 1 ? cap : ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
    if (op.remainingMillis() <= delay) {
      op.promise.tryFail(op.lastFailure);
      return;
    }
    if (delay <= 0) {
      vertx.runOnContext(v -> attempt(op));
    } else {
      vertx.setTimer(delay, id -> attempt(op));
    }
  }

  // ---- node health --------------------------------------------------------------------------

  private boolean isDown(HostAndPort node) {
    return downSince.containsKey(node);
  }

  private void markDown(HostAndPort node, RedisFailure failure) {
    if (downSince.putIfAbsent(node, System.currentTimeMillis()) == null) {
      LOG.info("event=node_unreachable node={} error_type={} error=\"{}\"", node, failure.type().label(), failure.getMessage());
    }
  }

  private void probeDownNodes() {
    for (HostAndPort node : List.copyOf(downSince.keySet())) {
      if (!probing.add(node)) {
        continue;
      }
      link(node).send(Request.cmd(Command.PING), settings.commandTimeoutMs()).onComplete(result -> {
        probing.remove(node);
        if (result.succeeded() && downSince.remove(node) != null) {
          contact();
          LOG.info("event=node_reachable node={}", node);
          requestRefresh();
        }
      });
    }
  }

  private void learnPromotion(SlotMap.Shard shard, HostAndPort newMaster) {
    if (slots.shardOf(shard.ranges().get(0).from()) == shard) {
      slots = slots.withPromotion(shard, newMaster);
      promotionsSeen++;
      LOG.info("event=promotion_seen slots={} new_master={} old_master={}", shard.label(), newMaster, shard.master());
    }
    requestRefresh();
  }

  // ---- topology refresh ---------------------------------------------------------------------

  private void requestRefresh() {
    if (closed) {
      return;
    }
    if (refreshing) {
      refreshWanted = true;
      return;
    }
    long gap = System.currentTimeMillis() - lastRefreshEndMillis;
    if (gap >= MIN_REFRESH_GAP_MS) {
      refresh();
    } else if (scheduledRefresh < 0) {
      scheduledRefresh = vertx.setTimer(MIN_REFRESH_GAP_MS - gap, id -> {
        scheduledRefresh = -1;
        requestRefresh();
      });
    }
  }

  /** Asks every reachable node for its CLUSTER NODES view and merges them by config epoch. */
  private Future<Void> refresh() {
    refreshing = true;
    List<HostAndPort> targets = new ArrayList<>();
    for (HostAndPort node : known) {
      if (!isDown(node)) {
        targets.add(node);
      }
    }
    if (targets.isEmpty()) {
      // Everything looks down: ask everyone anyway, so we notice the first node that comes back.
      targets.addAll(known);
    }
    List<Future<List<ClusterNode>>> views = new ArrayList<>();
    for (HostAndPort node : targets) {
      views.add(link(node).send(Request.cmd(Command.CLUSTER).arg("NODES"), settings.commandTimeoutMs())
          .map(reply -> ClusterNodesParser.parse(reply.toString())));
    }
    return Future.join(views).transform(ignored -> {
      List<List<ClusterNode>> answered = new ArrayList<>();
      for (Future<List<ClusterNode>> view : views) {
        if (view.succeeded()) {
          answered.add(view.result());
        }
      }
      refreshing = false;
      lastRefreshEndMillis = System.currentTimeMillis();
      if (!answered.isEmpty()) {
        contact();
        applyViews(answered);
      }
      if (refreshWanted) {
        refreshWanted = false;
        requestRefresh();
      }
      if (answered.isEmpty()) {
        // Keep the first reason a node gave: "refused our password" must not become "no answer".
        Throwable first = views.stream().filter(Future::failed).map(Future::cause).findFirst().orElse(null);
        return Future.failedFuture(first != null && RedisFailure.isAuthenticationFailure(first) ? first
            : new RedisFailure(ErrorType.CONNECTION, false, null, "no node answered CLUSTER NODES"));
      }
      return Future.<Void>succeededFuture();
    });
  }

  private void applyViews(List<List<ClusterNode>> views) {
    refreshes++;
    SlotMap merged = SlotMap.fromViews(views);
    if (!merged.isEmpty()) {
      slots = merged;
    }
    Set<HostAndPort> seen = new LinkedHashSet<>(settings.seeds());
    for (List<ClusterNode> view : views) {
      for (ClusterNode node : view) {
        if (node.address() != null) {
          seen.add(node.address());
        }
      }
    }
    // Forget nodes the cluster no longer lists, and close their connections.
    for (HostAndPort gone : new ArrayList<>(known)) {
      if (!seen.contains(gone)) {
        known.remove(gone);
        downSince.remove(gone);
        NodeLink link = links.remove(gone);
        if (link != null) {
          link.close();
        }
      }
    }
    known.addAll(seen);
  }

  private NodeLink link(HostAndPort node) {
    return links.computeIfAbsent(node, address -> new NodeLink(vertx, address, settings, readFrom == ReadFrom.REPLICA));
  }

  private void contact() {
    lastContactMillis = System.currentTimeMillis();
  }
}
