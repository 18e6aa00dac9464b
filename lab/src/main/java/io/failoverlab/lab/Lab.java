package io.failoverlab.lab;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.metrics.MetricsSetup;
import io.failoverlab.localcluster.LocalRedisCluster;
import io.failoverlab.monitor.MonitorSettings;
import io.failoverlab.monitor.MonitorVerticle;
import io.failoverlab.reader.ReaderVerticle;
import io.failoverlab.writer.WriterVerticle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
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

  private Lab(LabOptions options, Vertx vertx, PrometheusMeterRegistry registry, LocalRedisCluster cluster) {
    this.options = options;
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
        cluster.close();
      }
    }, "failover-lab-shutdown");
  }

  /**
   * Starts the cluster, then the monitor, writer and reader. Configuration errors (a bad variable in
   * {@code env}) fail before anything starts; any later failure stops what was started.
   */
  public static Future<Lab> start(LabOptions options, Env env) {
    PrometheusMeterRegistry registry = MetricsSetup.newRegistry();
    Vertx vertx = MetricsSetup.newVertx(registry);
    Lab lab = new Lab(options, vertx, registry, LocalRedisCluster.create(vertx, options.clusterConfig()));
    lab.cluster.leaveShutdownToOwner();
    Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
    try {
      lab.createServices(env);
    } catch (RuntimeException e) {
      return vertx.close().transform(ignored -> Future.failedFuture(e));
    }
    return lab.cluster.start()
        .compose(v -> vertx.deployVerticle(lab.monitor))
        .compose(v -> Future.join(vertx.deployVerticle(lab.writer), vertx.deployVerticle(lab.reader)))
        .map(v -> lab)
        .recover(error -> lab.stop().transform(ignored -> Future.failedFuture(error)));
  }

  private void createServices(Env env) {
    String seeds = String.join(",", cluster.seedAddresses());
    Env base = env.with(Map.of("REDIS_NODES", seeds, "HTTP_HOST", options.httpHost()));
    monitor = new MonitorVerticle(MonitorSettings.fromEnv(portEnv(base, options.monitorPort())), registry);
    writer = new WriterVerticle(WriterVerticle.settings(portEnv(base, options.writerPort())), registry);
    Env readerEnv = portEnv(base, options.readerPort());
    reader = new ReaderVerticle(ReaderVerticle.settings(readerEnv), ReaderVerticle.readFrom(readerEnv), registry);
  }

  private static Env portEnv(Env base, int port) {
    return base.with(Map.of("HTTP_PORT", Integer.toString(port)));
  }

  /**
   * Undeploys the services, then stops the cluster (no process, no temp dir left), then closes
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
      undeploying.add(vertx.undeploy(id));
    }
    stopping = Future.join(undeploying)
        .eventually(cluster::stop)
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
