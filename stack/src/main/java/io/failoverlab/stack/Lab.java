package io.failoverlab.stack;

import io.failoverlab.clients.ClientHarness;
import io.failoverlab.common.config.ConfigException;
import io.failoverlab.common.config.Env;
import io.failoverlab.common.config.LogSettings;
import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.metrics.MetricsSetup;
import io.failoverlab.localcluster.LocalRedisCluster;
import io.failoverlab.monitor.MonitorSettings;
import io.failoverlab.monitor.MonitorVerticle;
import io.failoverlab.reader.ReaderVerticle;
import io.failoverlab.writer.WriterVerticle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local Redis Cluster and the three services in one JVM, on one Vert.x instance (so one local
 * event bus). Each service gets its own view of the configuration: the process environment with
 * REDIS_NODES pointed at the local cluster and its own HTTP_PORT.
 *
 * <p>One Prometheus registry serves the whole JVM: every service's {@code /metrics} shows the same
 * meters (service-labelled), so a scraper needs only one of them.
 */
public final class Lab {

  private static final Logger LOG = LoggerFactory.getLogger(Lab.class);

  private final LabOptions options;
  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final LocalRedisCluster cluster;
  private MonitorVerticle monitor;
  private WriterVerticle writer;
  private ReaderVerticle reader;
  private final Thread shutdownHook;
  private Future<Void> stopping;
  private final Promise<Void> stopped = Promise.promise();
  private String chaosToken;
  private final Map<VerticleBase, String> deployments = new java.util.concurrent.ConcurrentHashMap<>();
  private final LabClients clientsAsked;
  private ClientHarness clients;
  private Env base;
  /** The lab's own temporary directory (the monitor's journal by default); null when none was needed. */
  private Path tempDir;

  private Lab(LabOptions options, Vertx vertx, PrometheusMeterRegistry registry, LocalRedisCluster cluster,
              LabClients clientsAsked) {
    this.options = options;
    this.clientsAsked = clientsAsked;
    this.vertx = vertx;
    this.registry = registry;
    this.cluster = cluster;
    // Ctrl-C / SIGTERM: the same ordered stop as stop(); the cluster's own hook would race it.
    this.shutdownHook = new Thread(() -> {
      LOG.info("event=lab_stopping reason=jvm_shutdown");
      try {
        stop().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("event=lab_stop_incomplete error=\"{}\"", e.toString());
        if (cluster != null) {
          cluster.close();
        }
      }
    }, "failover-lab-shutdown");
  }

  /**
   * Starts the local cluster, then the monitor, writer and reader. Configuration errors (a bad
   * variable in {@code env}) fail before anything starts; any later failure stops what was started.
   */
  public static Future<Lab> start(LabOptions options, Env env) {
    return start(options, env, LabClients.none());
  }

  /** As {@link #start(LabOptions, Env)}, with clients under test beside the services once they are up. */
  public static Future<Lab> start(LabOptions options, Env env, LabClients clients) {
    PrometheusMeterRegistry registry = MetricsSetup.newRegistry();
    Vertx vertx = newVertx(registry);
    LocalRedisCluster cluster = LocalRedisCluster.create(vertx, options.clusterConfig());
    cluster.leaveShutdownToOwner();
    Lab lab = new Lab(options, vertx, registry, cluster, clients);
    return lab.launch(env, String.join(",", cluster.seedAddresses()));
  }

  /**
   * The three services against an existing cluster (REDIS_NODES, required), with faults caused
   * through Redis commands: for drills against staging. {@link #cluster()} is null here.
   */
  public static Future<Lab> startExternal(LabOptions options, Env env) {
    return startExternal(options, env, LabClients.none());
  }

  /** As {@link #startExternal(LabOptions, Env)}, with clients under test. */
  public static Future<Lab> startExternal(LabOptions options, Env env, LabClients clients) {
    if (env.optional("REDIS_NODES").isEmpty()) {
      return Future.failedFuture(new ConfigException("REDIS_NODES", "required to work against an existing cluster"));
    }
    PrometheusMeterRegistry registry = MetricsSetup.newRegistry();
    Vertx vertx = newVertx(registry);
    Lab lab = new Lab(options, vertx, registry, null, clients);
    return lab.launch(env, env.optional("REDIS_NODES").get());
  }

  /** A blocked event loop is reported with its stack as soon as it is reported at all (2 s). */
  private static Vertx newVertx(PrometheusMeterRegistry registry) {
    return MetricsSetup.newVertx(registry, new VertxOptions().setWarningExceptionTime(2).setWarningExceptionTimeUnit(TimeUnit.SECONDS));
  }

  private Future<Lab> launch(Env env, String seeds) {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      createServices(env, seeds);
    } catch (RuntimeException e) {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
      return vertx.close().transform(ignored -> Future.failedFuture(e));
    }
    Future<Void> clusterStarted = cluster == null ? Future.succeededFuture() : cluster.start();
    // A promise of our own, bound to no context: its listeners must still run after vertx.close().
    Promise<Lab> started = Promise.promise();
    clusterStarted
        .compose(v -> deploy(monitor))
        .compose(v -> Future.join(deploy(writer), deploy(reader)))
        .compose(v -> startClients())
        .onSuccess(v -> started.complete(this))
        .onFailure(error -> {
          LOG.error("event=lab_start_failed error=\"{}\"", error.toString(), error);
          stop().onComplete(ignored -> started.fail(error));
        });
    return started.future();
  }

  /** The clients under test, if any were asked for: each on the same event bus, registry and cluster. */
  private Future<Void> startClients() {
    if (!clientsAsked.any()) {
      return Future.succeededFuture();
    }
    return ClientHarness.start(vertx, registry, clientsAsked.catalog(), clientsAsked.specs(), RedisSettings.fromEnv(base),
        clientsAsked.settings()).onSuccess(harness -> clients = harness).mapEmpty();
  }

  private Future<String> deploy(VerticleBase service) {
    return vertx.deployVerticle(service).onSuccess(id -> deployments.put(service, id));
  }

  /** Stops one service of the lab (the others keep running): for tests of a service going away. */
  public Future<Void> undeploy(VerticleBase service) {
    String id = deployments.remove(service);
    return id == null ? Future.failedFuture(new IllegalArgumentException("not a running service of this lab"))
        : vertx.undeploy(id);
  }

  private static boolean gone(Throwable error) {
    String message = String.valueOf(error.getMessage());
    return error instanceof IllegalStateException
        && (message.contains("Already undeployed") || message.contains("Unknown deployment"));
  }

  private void createServices(Env env, String seeds) {
    // LOG_LEVEL is read by logback itself; checked here so a typo fails the lab's start like any variable.
    LogSettings.level(env);
    // The kill endpoint needs a token; a lab without one gets a fresh random one (printed at start).
    chaosToken = env.optional("CHAOS_TOKEN").orElseGet(Lab::randomToken);
    base = env.with(Map.of("REDIS_NODES", seeds, "HTTP_HOST", options.httpHost(), "CHAOS_TOKEN", chaosToken));
    MonitorSettings monitorSettings = MonitorSettings.fromEnv(portEnv(base, options.monitorPort()));
    writer = new WriterVerticle(WriterVerticle.settings(portEnv(base, options.writerPort())), registry);
    Env readerEnv = portEnv(base, options.readerPort());
    reader = new ReaderVerticle(ReaderVerticle.settings(readerEnv), ReaderVerticle.readFrom(readerEnv), registry);
    if (monitorSettings.dataDir().isEmpty()) {
      // Last, once every setting passed: the monitor's journal in a directory of the lab's own, gone at stop.
      monitorSettings = monitorSettings.withDataDir(createTempDir().resolve("monitor"));
    }
    monitor = cluster == null
        ? new MonitorVerticle(monitorSettings, registry)
        : new MonitorVerticle(monitorSettings, registry, vertx -> new LocalClusterFaults(cluster));
  }

  private Path createTempDir() {
    try {
      tempDir = Files.createTempDirectory("failover-lab-");
      return tempDir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the lab's temporary directory", e);
    }
  }

  /** Where the monitor journals (MONITOR_DATA_DIR, --data-dir, else under the lab's temporary directory). */
  public Path monitorDataDir() {
    return monitor.dataDir();
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static Env portEnv(Env base, int port) {
    return base.with(Map.of("HTTP_PORT", Integer.toString(port)));
  }

  /**
   * Undeploys the services, then stops the cluster (no process, no temp dir left), removes the lab's
   * temporary directory (the monitor's journal unless it was given one), then closes
   * Vert.x. Idempotent; also what Ctrl-C does.
   */
  public synchronized Future<Void> stop() {
    if (stopping != null) {
      return stopping;
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // The hook is running or about to: it will find this stop in progress.
      }
    }
    List<Future<Void>> undeploying = new ArrayList<>();
    for (String id : vertx.deploymentIDs()) {
      // A verticle deployed by another (the monitor's probe) goes with its parent, which may be
      // undeploying it, or be done, when its own turn comes: Vert.x then says "Already undeployed" or
      // "Unknown deployment". Either way it is gone, which is what was asked.
      undeploying.add(vertx.undeploy(id).recover(error -> gone(error)
          ? Future.succeededFuture() : Future.failedFuture(error)));
    }
    stopping = Future.join(undeploying)
        .eventually(() -> cluster == null ? Future.succeededFuture() : cluster.stop())
        .eventually(() -> tempDir == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
          LocalRedisCluster.deleteRecursively(tempDir);
          return null;
        }))
        .eventually(vertx::close)
        .<Void>mapEmpty()
        .onSuccess(v -> LOG.info("event=lab_stopped"))
        .onFailure(error -> LOG.warn("event=lab_stop_incomplete error=\"{}\"", error.toString()))
        .onComplete(done -> stopped.tryComplete());
    return stopping;
  }

  /** Completes when the lab has stopped, by {@link #stop()} or Ctrl-C. */
  public Future<Void> stopped() {
    return stopped.future();
  }

  /** The kill endpoint's token: CHAOS_TOKEN, or the one generated for this lab. */
  public String chaosToken() {
    return chaosToken;
  }

  /** The clients under test; null when none were asked for (or before they started). */
  public ClientHarness clients() {
    return clients;
  }

  /** The local cluster; null when the lab runs against an existing cluster. */
  public LocalRedisCluster cluster() {
    return cluster;
  }

  public MonitorVerticle monitor() {
    return monitor;
  }

  public WriterVerticle writer() {
    return writer;
  }

  public ReaderVerticle reader() {
    return reader;
  }

  public Vertx vertx() {
    return vertx;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public LabOptions options() {
    return options;
  }
}
