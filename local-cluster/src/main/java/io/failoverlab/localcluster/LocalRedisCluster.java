package io.failoverlab.localcluster;

import io.failoverlab.common.async.Waits;
import io.failoverlab.common.topology.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis Cluster of local redis-server processes on 127.0.0.1, with the failures drills need: crash (SIGKILL),
 * hang (SIGSTOP for a while) and restart. It can grow and shrink by whole shards while it runs ({@link #addShard()},
 * {@link #removeShard(int)}); moving slots between shards is left to the caller.
 *
 * <p>Every method returning a Future may be called from an event loop: blocking work (processes, files, kill) runs
 * through {@code executeBlocking}, waiting is done with Vert.x timers. Whatever it started — processes, the temp
 * directory, an extracted binary, the nodes of added shards — is removed by {@link #stop()}, {@link #close()}, a failed {@link #start()} or,
 * as a last resort, a JVM shutdown hook.
 */
public final class LocalRedisCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalRedisCluster.class);

  static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration RESTART_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration SIGNAL_EFFECT_TIMEOUT = Duration.ofSeconds(5);
  /** How long the views of a shard about to be removed may disagree about its (moved) slots. */
  static final Duration GOSSIP_AGREEMENT = Duration.ofSeconds(10);
  static final Duration SHARD_CHANGE_TIMEOUT = Duration.ofSeconds(60);

  private enum Lifecycle { NEW, STARTING, STARTED, STOPPED }

  private final Vertx vertx;
  private final LocalClusterConfig config;
  private final Map<String, String> env;
  private final Duration startTimeout;
  /** The cluster's nodes, ordered by port (added shards take higher ports than any node). */
  private final List<NodeProcess> nodes = new CopyOnWriteArrayList<>();
  /** Started by a running {@link #addShard()}, not members yet; kept apart so stop() still kills them. */
  private final List<NodeProcess> joining = new CopyOnWriteArrayList<>();
  private final NodeClients clients;
  private final ClusterHealthCheck healthCheck;
  private final ClusterShards shardOps;

  private final Object lock = new Object();
  private final Object stopLock = new Object();
  private Lifecycle lifecycle = Lifecycle.NEW;
  private boolean cleanedUp;
  private RedisBinary binary;
  private Path workDir;
  private Thread shutdownHook;
  private boolean ownShutdownHook = true;
  /** Masters the cluster has now: config.masters(), plus added shards, minus removed ones. */
  private int shards;
  private boolean shardChangeRunning;

  private LocalRedisCluster(Vertx vertx, LocalClusterConfig config, Map<String, String> env, Duration startTimeout) {
    this.vertx = vertx;
    this.config = config;
    this.env = Map.copyOf(env);
    this.startTimeout = startTimeout;
    config.ports().forEach(port -> nodes.add(new NodeProcess(port)));
    this.shards = config.masters();
    this.clients = new NodeClients(vertx, config.password());
    this.healthCheck = new ClusterHealthCheck(clients, () -> nodes, this::shardCount);
    this.shardOps = new ClusterShards(vertx, clients);
  }

  public static LocalRedisCluster create(Vertx vertx, LocalClusterConfig config) {
    return create(vertx, config, System.getenv(), DEFAULT_START_TIMEOUT);
  }

  /** Test hook: a chosen environment (to force binary resolution paths) and start timeout. */
  static LocalRedisCluster create(Vertx vertx, LocalClusterConfig config, Map<String, String> env, Duration startTimeout) {
    if (vertx == null || config == null || env == null || startTimeout == null) {
      throw new IllegalArgumentException("vertx, config, env and startTimeout must not be null");
    }
    return new LocalRedisCluster(vertx, config, env, startTimeout);
  }

  /** The shape the cluster was started with; {@link #nodes()} tells the shape it has now. */
  public LocalClusterConfig config() {
    return config;
  }

  /**
   * Checks the ports, resolves the binary, starts the processes, forms the cluster and waits until it is healthy
   * (see {@link #awaitHealthy}). May be called once. On failure everything started so far is removed again.
   */
  public Future<Void> start() {
    synchronized (lock) {
      if (lifecycle != Lifecycle.NEW) {
        return Future.failedFuture(new IllegalStateException("start() can be called once; this cluster is " + lifecycle));
      }
      lifecycle = Lifecycle.STARTING;
    }
    long startedAt = System.nanoTime();
    long deadline = startedAt + startTimeout.toNanos();
    return blocking(() -> {
      launchAllBlocking();
      return null;
    })
        .compose(v -> Waits.untilSucceeds(vertx, "all nodes answering PING", remaining(deadline), this::allAnswerPing))
        .compose(v -> new ClusterFormation(vertx, clients, config).form(remaining(deadline)))
        .compose(v -> awaitHealthy(remaining(deadline)))
        .compose(v -> {
          synchronized (lock) {
            if (lifecycle != Lifecycle.STARTING) {
              return Future.<Void>failedFuture(new IllegalStateException("stopped while starting"));
            }
            lifecycle = Lifecycle.STARTED;
          }
          LOG.info("event=cluster-ready ports={} masters={} replicasPerMaster={} startMs={}",
              portRange(), config.masters(), config.replicasPerMaster(), (System.nanoTime() - startedAt) / 1_000_000);
          return Future.<Void>succeededFuture();
        })
        .recover(cause -> {
          LOG.warn("event=start-failed ports={} reason=\"{}\"", portRange(), cause.getMessage());
          IllegalStateException failure = new IllegalStateException(
              "local Redis Cluster on ports " + portRange() + " failed to start: " + cause.getMessage(), cause);
          return stop().transform(ignored -> Future.<Void>failedFuture(failure));
        });
  }

  /**
   * For an owner whose own shutdown hook stops this cluster, in order (its clients first): without
   * this, the JVM runs both hooks at once and the clients watch the nodes die. Call before start().
   */
  public void leaveShutdownToOwner() {
    synchronized (lock) {
      if (lifecycle != Lifecycle.NEW) {
        throw new IllegalStateException("leaveShutdownToOwner() must be called before start()");
      }
      ownShutdownHook = false;
    }
  }

  /** The binary the cluster runs; known once start() got that far. */
  public RedisBinary binary() {
    synchronized (lock) {
      if (binary == null) {
        throw new IllegalStateException("binary() is known only after start()");
      }
      return binary;
    }
  }

  /** Current state of every node (added shards included, removed ones not), ordered by port. */
  public List<LocalNode> nodes() {
    return nodes.stream().map(NodeProcess::snapshot).toList();
  }

  /** "127.0.0.1:port" of every node: seeds for cluster clients. */
  public List<String> seedAddresses() {
    return nodes.stream().map(NodeProcess::address).toList();
  }

  /**
   * Polls (every 50 ms) until the cluster is healthy as defined in {@link ClusterHealthCheck}: all nodes running and
   * agreeing on the topology, all 16384 slots covered, no failure flags, every replica synced, and as many masters as
   * the cluster has shards now (configured masters, plus added shards, minus removed ones; an added shard's master
   * may own no slots). Fails with a {@link java.util.concurrent.TimeoutException} carrying the last reason it was not.
   */
  public Future<Void> awaitHealthy(Duration timeout) {
    synchronized (lock) {
      if (lifecycle != Lifecycle.STARTING && lifecycle != Lifecycle.STARTED) {
        return Future.failedFuture(new IllegalStateException("cluster is " + lifecycle));
      }
    }
    return Waits.untilSucceeds(vertx, "healthy cluster", timeout, healthCheck::checkOnce);
  }

  /** SIGKILL; completes once the process has exited. The node can come back with {@link #restart(int)}. */
  public Future<Void> crash(int port) {
    NodeProcess node;
    try {
      node = startedNode(port);
      NodeState state = node.state();
      if (state != NodeState.RUNNING && state != NodeState.HUNG) {
        throw new IllegalStateException("node " + port + " is " + state + ", only a RUNNING or HUNG node can be crashed");
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    cancelHangTimer(node);
    long pid = node.pid();
    return blocking(() -> {
      node.killBlocking(NodeState.CRASHED);
      return null;
    }).<Void>mapEmpty().onSuccess(v -> LOG.info("event=crash port={} pid={}", port, pid));
  }

  /**
   * SIGSTOP now (the process keeps its sockets but answers nothing, like a GC pause or a frozen VM); completes once
   * the kernel shows it stopped. SIGCONT follows automatically after {@code duration}, or earlier via {@link #resume}.
   */
  public Future<Void> hang(int port, Duration duration) {
    NodeProcess node;
    try {
      if (duration == null || duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("hang duration must be positive but was " + duration);
      }
      node = startedNode(port);
      if (node.state() != NodeState.RUNNING) {
        throw new IllegalStateException("node " + port + " is " + node.state() + ", only a RUNNING node can be hung");
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    long pid = node.pid();
    return blocking(() -> {
      ProcessSignals.send("STOP", pid);
      return null;
    }).compose(v -> {
      long timer = vertx.setTimer(duration.toMillis(), id -> autoResume(node));
      node.markHung(timer);
      LOG.info("event=hang port={} pid={} durationMs={}", port, pid, duration.toMillis());
      return Waits.untilSucceeds(vertx, "node " + port + " stopped", SIGNAL_EFFECT_TIMEOUT, () -> stoppedIs(pid, true));
    });
  }

  /** SIGCONT before the hang's duration is over (cancels the scheduled resume). */
  public Future<Void> resume(int port) {
    NodeProcess node;
    try {
      node = startedNode(port);
      if (node.state() != NodeState.HUNG) {
        throw new IllegalStateException("node " + port + " is " + node.state() + ", only a HUNG node can be resumed");
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    cancelHangTimer(node);
    return sendContinue(node, "request");
  }

  /**
   * Starts a CRASHED node again in its own directory. Its nodes.conf is kept, so it rejoins with its old identity:
   * if its slots moved to a promoted replica meanwhile, the cluster turns it into that replica's replica.
   * Completes when it answers PING (not when it has resynced: use {@link #awaitHealthy} for that).
   */
  public Future<Void> restart(int port) {
    NodeProcess node;
    try {
      node = startedNode(port);
      if (node.state() != NodeState.CRASHED) {
        throw new IllegalStateException("node " + port + " is " + node.state() + ", only a CRASHED node can be restarted");
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return blocking(() -> {
      synchronized (lock) {
        if (lifecycle != Lifecycle.STARTED) {
          throw new IllegalStateException("cluster is " + lifecycle);
        }
        return node.launchBlocking(binary.path(), "restart");
      }
    }).compose(pid -> Waits.untilSucceeds(vertx, "node " + port + " answering PING after restart", RESTART_TIMEOUT, () -> ping(node)));
  }

  /**
   * Grows the cluster by one shard: 1 + replicasPerMaster new nodes on the ports right after the highest port the
   * cluster uses now, configured like the others. They are MEET into the cluster, the first becomes the master of the
   * others, and this completes (with the new nodes, master first) once every node lists them as connected and the
   * new replicas follow the new master, in sync. The new master owns no slots: moving some to it is the caller's
   * business. From then on the new nodes are nodes like the others (crash, hang, restart, stop, health).
   *
   * <p>Refused while another shard change runs or a node is not running. Fails without changing anything when a new
   * data or bus port is taken (naming it); a failure after the processes started removes them again.
   */
  public Future<List<LocalNode>> addShard() {
    List<NodeProcess> added;
    try {
      beginShardChange("add a shard");
      try {
        requireAllRunning("add a shard");
        added = nextShardPorts().stream().map(NodeProcess::new).toList();
      } catch (RuntimeException e) {
        endShardChange();
        throw e;
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    String ports = describePorts(added);
    long startedAt = System.nanoTime();
    long deadline = startedAt + SHARD_CHANGE_TIMEOUT.toNanos();
    List<Integer> members = portsOf(nodes);
    AtomicReference<Map<Integer, String>> ids = new AtomicReference<>();
    return blocking(() -> {
      launchShardBlocking(added);
      return null;
    })
        .compose(v -> Waits.untilSucceeds(vertx, "new nodes " + ports + " answering PING", remaining(deadline), () -> allAnswerPing(added)))
        .compose(v -> shardOps.ids(portsOf(added)))
        .compose(newIds -> {
          ids.set(newIds);
          return shardOps.join(newIds, members, remaining(deadline));
        })
        .compose(v -> publishShard(added))
        .onSuccess(v -> LOG.info("event=shard-added ports={} masterPort={} masterId={} shards={} addMs={}",
            ports, added.get(0).port(), ids.get().get(added.get(0).port()), shardCount(), (System.nanoTime() - startedAt) / 1_000_000))
        .recover(cause -> undoAddShard(added, ids.get(), members).transform(ignored -> {
          LOG.warn("event=shard-add-failed ports={} reason=\"{}\"", ports, cause.getMessage());
          return Future.<List<LocalNode>>failedFuture(
              new IllegalStateException("cannot add a shard on ports " + ports + ": " + cause.getMessage(), cause));
        }))
        .eventually(this::endShardChangeLater);
  }

  /**
   * Shrinks the cluster by the shard of the master on {@code masterPort}: every other node is told to CLUSTER FORGET
   * the master and its replicas, then their processes are stopped and their directories deleted. Completes once no
   * remaining node lists them.
   *
   * <p>Refused, with an {@link IllegalStateException} and without changing anything, when the port is not a master
   * of this cluster, when the master still owns slots (or has slots half moved) in any node's view, when another
   * shard change runs, or when a node outside the shard is not running: a node that missed the FORGET would keep the
   * removed nodes in its nodes.conf and gossip them back.
   */
  public Future<Void> removeShard(int masterPort) {
    try {
      beginShardChange("remove the shard of " + masterPort);
      if (nodes.stream().noneMatch(node -> node.port() == masterPort)) {
        endShardChange();
        throw new IllegalStateException("port " + masterPort + " is not a node of this cluster (ports " + portRange() + ")");
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    long startedAt = System.nanoTime();
    long deadline = startedAt + SHARD_CHANGE_TIMEOUT.toNanos();
    List<Integer> ports = portsOf(nodes);
    return removableWhenViewsAgree(masterPort, ports, System.nanoTime() + GOSSIP_AGREEMENT.toNanos())
        .compose(shard -> {
          List<Integer> remainingPorts = ports.stream().filter(port -> !shard.ids().containsKey(port)).toList();
          Collection<String> ids = shard.ids().values();
          return shardOps.forget(ids, remainingPorts)
              .compose(v -> blocking(() -> {
                stopShardBlocking(shard.ids().keySet());
                return null;
              }))
              .compose(v -> Waits.untilSucceeds(vertx, "no node listing the shard of " + masterPort, remaining(deadline),
                  () -> shardOps.noneLists(ids, remainingPorts)))
              .onSuccess(v -> LOG.info("event=shard-removed ports={} masterPort={} masterId={} shards={} removeMs={}",
                  describePortList(shard.ids().keySet()), masterPort, shard.masterId(), shardCount(), (System.nanoTime() - startedAt) / 1_000_000));
        })
        .onFailure(e -> LOG.warn("event=shard-remove-failed masterPort={} reason=\"{}\"", masterPort, e.getMessage()))
        .eventually(this::endShardChangeLater);
  }

  /** Kills every process, waits for their exit, deletes the temp directory and any extracted binary. Idempotent. */
  public Future<Void> stop() {
    return blocking(() -> {
      stopBlocking();
      return null;
    }).eventually(clients::close).mapEmpty();
  }

  /** Blocking {@link #stop()} for shutdown paths (try-with-resources, shutdown hooks); idempotent. */
  @Override
  public void close() {
    stopBlocking();
    try {
      clients.close();
    } catch (RuntimeException e) {
      // Vert.x may already be closed during JVM shutdown; the processes are what mattered.
      LOG.debug("event=close-clients-failed reason=\"{}\"", e.getMessage());
    }
  }

  /** Temp directory holding the nodes' directories; null before start() got that far. For tests. */
  Path workDir() {
    synchronized (lock) {
      return workDir;
    }
  }

  // ---- starting

  private void launchAllBlocking() throws IOException {
    PortCheck.requireFree(config.ports());
    RedisBinary resolved = RedisBinary.resolve(env, config.redisServerOverride());
    synchronized (lock) {
      binary = resolved;
      requireStillStarting();
    }
    LOG.info("event=binary {}", resolved.describe());
    Path dir = Files.createTempDirectory("local-redis-cluster-" + config.portBase() + "-");
    synchronized (lock) {
      workDir = dir;
      requireStillStarting();
      // Registered before the first process exists, so an interrupted JVM never leaves one behind.
      if (ownShutdownHook) {
        shutdownHook = new Thread(this::stopBlocking, "local-redis-cluster-" + config.portBase() + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
      }
    }
    for (NodeProcess node : nodes) {
      node.writeConfigBlocking(dir.resolve(Integer.toString(node.port())), NodeConfigFile.render(node.port(),
          dir.resolve(Integer.toString(node.port())), config, resolved));
    }
    for (NodeProcess node : nodes) {
      synchronized (lock) {
        // Under the lock: stopBlocking() flips the lifecycle first, so no process can start after it looked.
        requireStillStarting();
        node.launchBlocking(resolved.path(), "start");
      }
    }
  }

  private void requireStillStarting() {
    if (lifecycle != Lifecycle.STARTING) {
      throw new IllegalStateException("cluster was stopped while starting");
    }
  }

  private Future<Void> allAnswerPing() {
    return allAnswerPing(nodes);
  }

  private Future<Void> allAnswerPing(List<NodeProcess> which) {
    List<Future<?>> pings = new ArrayList<>();
    for (NodeProcess node : which) {
      pings.add(ping(node));
    }
    return Future.all(pings).mapEmpty();
  }

  private Future<Void> ping(NodeProcess node) {
    if (!node.isAlive()) {
      return Future.failedFuture(new Waits.GiveUp(node.exitReport()));
    }
    return clients.send(node.port(), "PING", Request.cmd(Command.PING)).mapEmpty();
  }

  // ---- hang / resume

  private void autoResume(NodeProcess node) {
    if (node.takeHangTimer() < 0) {
      return; // resumed or crashed meanwhile
    }
    sendContinue(node, "timer").onFailure(e -> LOG.warn("event=resume-failed port={} reason=\"{}\"", node.port(), e.getMessage()));
  }

  private void cancelHangTimer(NodeProcess node) {
    long timer = node.takeHangTimer();
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private Future<Void> sendContinue(NodeProcess node, String reason) {
    long pid = node.pid();
    return blocking(() -> {
      ProcessSignals.send("CONT", pid);
      return null;
    }).compose(v -> {
      node.markRunning();
      LOG.info("event=resume port={} pid={} reason={}", node.port(), pid, reason);
      return Waits.untilSucceeds(vertx, "node " + node.port() + " running again", SIGNAL_EFFECT_TIMEOUT, () -> stoppedIs(pid, false));
    });
  }

  private Future<Void> stoppedIs(long pid, boolean expected) {
    return vertx.executeBlocking(() -> ProcessSignals.isStopped(pid), false).compose(stopped ->
        stopped.orElse(expected) == expected
            ? Future.<Void>succeededFuture()
            : Future.<Void>failedFuture("pid " + pid + (expected ? " not stopped yet" : " still stopped")));
  }

  // ---- adding and removing shards

  private void beginShardChange(String action) {
    synchronized (lock) {
      if (lifecycle != Lifecycle.STARTED) {
        throw new IllegalStateException("cannot " + action + ": cluster is " + lifecycle);
      }
      if (shardChangeRunning) {
        throw new IllegalStateException("cannot " + action + ": another shard is being added or removed");
      }
      shardChangeRunning = true;
    }
  }

  private void endShardChange() {
    synchronized (lock) {
      shardChangeRunning = false;
    }
  }

  private Future<Void> endShardChangeLater() {
    endShardChange();
    return Future.succeededFuture();
  }

  private void requireAllRunning(String action) {
    for (NodeProcess node : nodes) {
      if (node.state() != NodeState.RUNNING) {
        throw new IllegalStateException("cannot " + action + ": node " + node.port() + " is " + node.state());
      }
    }
  }

  /** The ports right after the highest one in use: master first, then its replicas. */
  private List<Integer> nextShardPorts() {
    int highest = nodes.stream().mapToInt(NodeProcess::port).max().orElseThrow();
    int count = 1 + config.replicasPerMaster();
    int lastBusPort = highest + count + LocalClusterConfig.BUS_PORT_OFFSET;
    if (lastBusPort > 65535) {
      throw new IllegalStateException("cannot add a shard after port " + highest + ": the last new node's cluster bus port would be "
          + lastBusPort + ", above 65535");
    }
    List<Integer> ports = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      ports.add(highest + i);
    }
    return ports;
  }

  /** Port check first: a taken port fails before anything exists. Then each node as at start(), in the same work dir. */
  private void launchShardBlocking(List<NodeProcess> added) throws IOException {
    PortCheck.requireFree(portsOf(added));
    Path dir;
    RedisBinary resolved;
    synchronized (lock) {
      dir = workDir;
      resolved = binary;
      // Listed before any process exists, so stop() and the shutdown hook find every one of them.
      joining.addAll(added);
    }
    for (NodeProcess node : added) {
      Path nodeDir = dir.resolve(Integer.toString(node.port()));
      node.writeConfigBlocking(nodeDir, NodeConfigFile.render(node.port(), nodeDir, config, resolved));
    }
    for (NodeProcess node : added) {
      synchronized (lock) {
        if (lifecycle != Lifecycle.STARTED) {
          throw new IllegalStateException("cluster was stopped while adding a shard");
        }
        node.launchBlocking(resolved.path(), "start");
      }
    }
  }

  /** Under the lock, together with stopBlocking()'s look at both lists: a node is always in one of them. */
  private Future<List<LocalNode>> publishShard(List<NodeProcess> added) {
    synchronized (lock) {
      if (lifecycle != Lifecycle.STARTED) {
        return Future.failedFuture(new IllegalStateException("cluster is " + lifecycle));
      }
      joining.removeAll(added);
      nodes.addAll(added);
      shards++;
    }
    return Future.succeededFuture(added.stream().map(NodeProcess::snapshot).toList());
  }

  /**
   * Takes a failed addShard back: the members forget the new nodes (if they got as far as having ids; best effort),
   * then the processes and directories go. Never fails: the caller reports the original cause.
   */
  private Future<Void> undoAddShard(List<NodeProcess> added, Map<Integer, String> ids, List<Integer> members) {
    Future<Void> forgotten = ids == null ? Future.succeededFuture() : shardOps.forget(ids.values(), members)
        .onFailure(e -> LOG.warn("event=shard-add-undo-forget-failed reason=\"{}\"", e.getMessage()));
    return forgotten.transform(ignored -> blocking(() -> {
      for (NodeProcess node : added) {
        if (joining.contains(node)) {
          removeNodeBlocking(node);
          joining.remove(node);
        }
      }
      return null;
    })).transform(result -> {
      if (result.failed()) {
        LOG.warn("event=shard-add-undo-failed reason=\"{}\"", result.cause().getMessage());
      }
      return Future.<Void>succeededFuture();
    });
  }

  /** {@link ClusterShards#emptyShard}, plus: every node outside the shard runs and answered. */
  /**
   * The shard, once no node's view gives its master slots. Just after its last slot moved away, the
   * masters know (they were told) but a replica may still show a few of them until gossip reaches it:
   * while the master's own view has no slots, a view that still does is waited for, up to
   * {@link #GOSSIP_AGREEMENT}; any other reason to refuse fails at once.
   */
  private Future<ClusterShards.Shard> removableWhenViewsAgree(int masterPort, List<Integer> ports, long deadline) {
    return shardOps.viewsOfThoseAnswering(ports).compose(views -> {
      try {
        return Future.succeededFuture(removableShard(masterPort, ports, views));
      } catch (IllegalStateException e) {
        boolean gossipLag = e.getMessage().contains("still owns slots") && ownsNoSlotsInItsOwnView(masterPort, views);
        if (!gossipLag || System.nanoTime() > deadline) {
          return Future.failedFuture(e);
        }
        return vertx.timer(50).compose(v -> removableWhenViewsAgree(masterPort, ports, deadline));
      }
    });
  }

  private static boolean ownsNoSlotsInItsOwnView(int masterPort, Map<Integer, List<ClusterNode>> views) {
    List<ClusterNode> own = views.get(masterPort);
    return own != null && own.stream().anyMatch(line -> line.myself() && line.slots().isEmpty()
        && line.openSlots().isEmpty());
  }

  private ClusterShards.Shard removableShard(int masterPort, List<Integer> ports, Map<Integer, List<ClusterNode>> views) {
    ClusterShards.Shard shard = ClusterShards.emptyShard(masterPort, ports, views);
    for (NodeProcess node : nodes) {
      if (!shard.ids().containsKey(node.port())) {
        if (node.state() != NodeState.RUNNING || !views.containsKey(node.port())) {
          throw new IllegalStateException("cannot remove the shard of " + masterPort + ": node " + node.port() + " is "
              + node.state() + (views.containsKey(node.port()) ? "" : " and did not answer")
              + "; every other node must run to forget the shard");
        }
      }
    }
    return shard;
  }

  private void stopShardBlocking(Collection<Integer> ports) {
    for (NodeProcess node : nodes) {
      if (ports.contains(node.port())) {
        cancelHangTimer(node);
        removeNodeBlocking(node);
        synchronized (lock) {
          nodes.remove(node);
        }
      }
    }
    synchronized (lock) {
      shards--;
    }
  }

  /** SIGKILL, wait for the exit, delete the node's directory. */
  private void removeNodeBlocking(NodeProcess node) {
    long pid = node.pid();
    node.killBlocking(NodeState.STOPPED);
    Path dir = node.dir();
    if (dir != null) {
      deleteRecursively(dir);
    }
    LOG.info("event=node-removed port={} pid={}", node.port(), pid);
  }

  private int shardCount() {
    synchronized (lock) {
      return shards;
    }
  }

  // ---- stopping

  private void stopBlocking() {
    synchronized (stopLock) {
      List<NodeProcess> all = new ArrayList<>();
      synchronized (lock) {
        lifecycle = Lifecycle.STOPPED;
        if (cleanedUp) {
          return;
        }
        cleanedUp = true;
        // After the flip no node can start or join, so this covers every process: members and joining ones.
        all.addAll(nodes);
        all.addAll(joining);
      }
      for (NodeProcess node : all) {
        long timer = node.takeHangTimer();
        if (timer >= 0) {
          try {
            vertx.cancelTimer(timer);
          } catch (RuntimeException ignored) {
            // Vert.x may be closed already (shutdown hook); the process gets SIGKILL anyway, stopped or not.
          }
        }
        long pid = node.pid();
        boolean wasAlive = node.isAlive();
        try {
          node.killBlocking(NodeState.STOPPED);
          if (wasAlive) {
            LOG.info("event=stop port={} pid={}", node.port(), pid);
          }
        } catch (RuntimeException e) {
          LOG.error("event=stop-failed port={} pid={} reason=\"{}\"", node.port(), pid, e.getMessage());
        }
      }
      Path dir;
      RedisBinary usedBinary;
      Thread hook;
      synchronized (lock) {
        dir = workDir;
        usedBinary = binary;
        hook = shutdownHook;
      }
      if (dir != null) {
        deleteRecursively(dir);
      }
      if (usedBinary != null) {
        usedBinary.deleteIfExtracted();
      }
      if (hook != null && Thread.currentThread() != hook) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
          // JVM shutdown in progress: the hook runs (and finds nothing left to do).
        }
      }
      LOG.info("event=cluster-stopped ports={}", portRange());
    }
  }

  /** Removes {@code dir} and everything in it; what cannot be removed is logged, not thrown (the lab's temp dirs). */
  public static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(RedisBinary::deleteQuietly);
    } catch (IOException e) {
      LOG.warn("event=cleanup-failed dir={} reason=\"{}\"", dir, e.getMessage());
    }
  }

  // ---- helpers

  private NodeProcess startedNode(int port) {
    NodeProcess node = nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow(() ->
        new IllegalArgumentException("port " + port + " is not a node of this cluster (ports " + portRange() + ")"));
    synchronized (lock) {
      if (lifecycle != Lifecycle.STARTED) {
        throw new IllegalStateException("cannot act on node " + port + ": cluster is " + lifecycle);
      }
    }
    return node;
  }

  private <T> Future<T> blocking(Callable<T> work) {
    // Unordered: a slow process exit must not queue behind (or hold up) other blocking work of the caller's context.
    return vertx.executeBlocking(work, false);
  }

  private static Duration remaining(long deadlineNanos) {
    return Duration.ofNanos(Math.max(1_000_000L, deadlineNanos - System.nanoTime()));
  }

  /** The ports in use now, as ranges: "7000-7005", or "7000-7005,7008-7009" after a shard in between was removed. */
  private String portRange() {
    return describePorts(nodes);
  }

  private static String describePorts(List<NodeProcess> which) {
    return describePortList(portsOf(which));
  }

  private static String describePortList(Collection<Integer> unsorted) {
    List<String> ranges = new ArrayList<>();
    List<Integer> ports = unsorted.stream().sorted().toList();
    int i = 0;
    while (i < ports.size()) {
      int j = i;
      while (j + 1 < ports.size() && ports.get(j + 1) == ports.get(j) + 1) {
        j++;
      }
      ranges.add(i == j ? Integer.toString(ports.get(i)) : ports.get(i) + "-" + ports.get(j));
      i = j + 1;
    }
    return String.join(",", ranges);
  }

  private static List<Integer> portsOf(List<NodeProcess> which) {
    return which.stream().map(NodeProcess::port).toList();
  }
}
