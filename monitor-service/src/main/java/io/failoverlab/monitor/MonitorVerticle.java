package io.failoverlab.monitor;

import io.failoverlab.common.config.ConfigException;
import io.failoverlab.common.config.Env;
import io.failoverlab.common.config.Windows;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.MigrationProgress;
import io.failoverlab.common.contract.ClientStats;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.OutageEvent;
import io.failoverlab.common.contract.ServiceName;
import io.failoverlab.common.contract.TopologyEvent;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.http.HttpErrors;
import io.failoverlab.common.http.Readiness;
import io.failoverlab.common.http.ServiceHttpServer;
import io.failoverlab.monitor.chaos.ChaosHandler;
import io.failoverlab.monitor.chaos.ChaosService;
import io.failoverlab.monitor.chaos.ChaosToken;
import io.failoverlab.monitor.chaos.FaultInjector;
import io.failoverlab.monitor.chaos.RedisCommandFaults;
import io.failoverlab.monitor.journal.Journal;
import io.failoverlab.monitor.journal.JournalBounds;
import io.failoverlab.monitor.journal.JournalLoad;
import io.failoverlab.monitor.journal.JournalRecord;
import io.failoverlab.monitor.web.LivePage;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor service: polls the cluster ({@link TopologyPoller}), narrates what changed
 * ({@link TopologyDiff}, published on {@link Addresses#TOPOLOGY_EVENT}), correlates it with the
 * clients' outages and stats into incidents ({@link IncidentTracker}, published on
 * {@link Addresses#INCIDENT}) and serves them: {@code GET /api/topology}, {@code GET /api/incidents},
 * {@code GET /api/incidents/:id}, plus the common health, metrics and stats endpoints.
 *
 * <p>Losing the monitor never disturbs the clients: it only listens to what they publish.
 */
public final class MonitorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MonitorVerticle.class);
  /** Recent topology events kept for {@code /api/topology}. */
  static final int RECENT_EVENTS = 200;
  /** The largest page of {@code GET /api/incidents?limit=}. */
  static final int MAX_PAGE = 1000;
  /**
   * The changes that make a node suspect, so worth the probe's finer clock: the cluster's own flags.
   * Not the monitor's failing to reach a node: on a starved host that is the monitor's own slowness,
   * and probing every few ms then would only starve it more. (An injected fault starts the probe at once.)
   */
  private static final java.util.Set<TopologyEvent.Type> SUSPICIONS = java.util.EnumSet.of(
      TopologyEvent.Type.NODE_PFAIL, TopologyEvent.Type.NODE_FAIL);

  private final MonitorSettings settings;
  private final PrometheusMeterRegistry registry;
  private final Function<Vertx, FaultInjector> faultsFactory;
  private ChaosService chaos;
  private MessageConsumer<JsonObject> chaosConsumer;
  private final String instance = UUID.randomUUID().toString().substring(0, 8);
  private final long startedAt = System.currentTimeMillis();
  private final Deque<TopologyEvent> recentEvents = new ArrayDeque<>();
  private MonitorMetrics metrics;
  /** Null without MONITOR_DATA_DIR: history in memory only. */
  private Journal journal;
  private IncidentTracker tracker;
  private TopologyPoller poller;
  private ShardProbe probe;
  private Readiness readiness;
  private ServiceHttpServer http;
  private MessageConsumer<JsonObject> outageConsumer;
  private MessageConsumer<JsonObject> progressConsumer;
  private MessageConsumer<JsonObject> statsConsumer;
  private volatile TopologySnapshot latestSnapshot;
  private long topologyEvents;
  private long clientMessages;
  private long badClientMessages;

  /** Faults through Redis commands: works against any cluster (compose, staging). */
  public MonitorVerticle(MonitorSettings settings, PrometheusMeterRegistry registry) {
    this(settings, registry, vertx -> new RedisCommandFaults(vertx, settings.redis()));
  }

  /** With the runtime's own way of causing faults (the lab acts on its processes). */
  public MonitorVerticle(MonitorSettings settings, PrometheusMeterRegistry registry,
                         Function<Vertx, FaultInjector> faultsFactory) {
    this.settings = settings;
    this.registry = registry;
    this.faultsFactory = faultsFactory;
  }

  public static MonitorSettings settings(Env env) {
    return MonitorSettings.fromEnv(env);
  }

  @Override
  public Future<?> start() {
    metrics = new MonitorMetrics(registry);
    tracker = new IncidentTracker(settings.pollIntervalMs(), settings.incidentQuietMs(), settings.incidentHistory(),
        this::onIncident);
    poller = new TopologyPoller(vertx, settings, this::onPoll, metrics::pollCompleted);
    // The stamps come from the probe's own event loop: the tracker takes them on the monitor's.
    probe = new ShardProbe(settings, stamp -> context.runOnContext(v -> tracker.probeStamp(stamp)), metrics::probed);
    readiness = new Readiness(vertx, instance, this::redisStatus);
    http = new ServiceHttpServer(vertx, settings.http(), registry, readiness.checks(), this::stats);
    chaos = new ChaosService(vertx, settings.redis(), faultsFactory.apply(vertx), () -> latestSnapshot,
        this::onFaultInjected);
    setupRouter(http.router());
    new ChaosHandler(chaos, new ChaosToken(settings.chaosToken())).mount(http.router());
    readiness.checks().register("journal", 2000, promise -> promise.complete(Status.OK(journalStatus())));
    // The history first: every input after it lands on the restored incidents and takes the next id.
    return openJournal().compose(restored -> {
      registerConsumers();
      return Future.join(List.of(outageConsumer.completion(), statsConsumer.completion(), chaosConsumer.completion(),
          progressConsumer.completion(), readiness.ready(), http.listen(), vertx.deployVerticle(probe), poller.start()));
    }).onSuccess(started -> LOG.info(
            "event=service_started service=monitor instance={} http_port={} poll_ms={} quiet_ms={} seeds={}",
            instance, http.port(), settings.pollIntervalMs(), settings.incidentQuietMs(), settings.redis().seeds()));
  }

  @Override
  public Future<?> stop() {
    // The probe, deployed by this verticle, is undeployed with it. The journal last: it writes what is queued.
    return Future.join(List.of(poller.stop(), http.close(), readiness.close(), outageConsumer.unregister(),
            statsConsumer.unregister(), chaosConsumer.unregister(), progressConsumer.unregister()))
        .eventually(() -> journal == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
          journal.close();
          return null;
        }));
  }

  /**
   * Opens the journal off the event loop (it reads and may rewrite the file) and restores its history:
   * incidents into the tracker, topology events into the recent ones. Without MONITOR_DATA_DIR, nothing.
   * Fails only when another monitor holds the directory (a {@link ConfigException} naming MONITOR_DATA_DIR).
   */
  private Future<Void> openJournal() {
    if (settings.dataDir().isEmpty()) {
      return Future.succeededFuture();
    }
    JournalBounds bounds = new JournalBounds(settings.incidentHistory(), RECENT_EVENTS, ChaosService.HISTORY,
        settings.journalMaxBytes());
    return vertx.executeBlocking(() -> Journal.open(settings.dataDir().get(), bounds)).recover(error ->
        // A directory another monitor uses is this one's configuration mistake: exit 2, naming the variable.
        Future.failedFuture(error instanceof Journal.Locked ? new ConfigException("MONITOR_DATA_DIR", error.getMessage())
            : error)).map(opened -> {
      journal = opened;
      JournalLoad loaded = opened.loaded();
      tracker.restore(loaded.incidents());
      loaded.topologyEvents().forEach(this::remember);
      chaos.restore(loaded.chaosActions());
      metrics.journal(opened);
      return null;
    });
  }

  private JsonObject journalStatus() {
    // Up even when failing: the monitor still polls and serves from memory; the detail says what is wrong.
    return journal == null ? new JsonObject().put("ok", true).put("enabled", false)
        : journal.status().put("enabled", true);
  }

  private void journal(JournalRecord record) {
    if (journal != null) {
      journal.append(record);
    }
  }

  // ---- accessors (tests, the launcher, the chaos endpoint)

  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  public String instance() {
    return instance;
  }

  /** The journal's directory, or null without one. */
  public java.nio.file.Path dataDir() {
    return settings.dataDir().orElse(null);
  }

  /** The configured seed nodes. */
  public List<String> seeds() {
    return settings.redis().seeds().stream().map(Object::toString).toList();
  }

  /** The last merged snapshot, or null before the first poll; safe from any thread. */
  public TopologySnapshot latestSnapshot() {
    return latestSnapshot;
  }

  /**
   * A fault is being injected on purpose by someone other than this monitor's kill endpoint (which
   * records its own actions through {@code onFaultInjected}): the incident gets its faultInjectedAt,
   * measured now, so detection time starts at the real cause. Tests that cause faults themselves call it.
   */
  public void faultInjected(JsonObject action) {
    long at = System.currentTimeMillis();
    context.runOnContext(v -> {
      tracker.faultInjected(action, at);
      probe.watch(action == null ? null : action.getString("node"), latestSnapshot);
    });
  }

  /** Announces an accepted chaos action: on the event bus, and as the open incident's cause. */
  private void onFaultInjected(ChaosAction action) {
    journal(JournalRecord.chaosAction(action, System.currentTimeMillis()));
    vertx.eventBus().publish(Addresses.CHAOS_ACTION, action.toJson());
    if (action.action() == ChaosRequest.Action.RESTART || action.action() == ChaosRequest.Action.FIX) {
      // Bringing a node back, closing open slots: repairs, not faults; they must not open an incident.
      return;
    }
    // A graceful failover replaces the master: that master is the node the incident is about.
    String node = action.action() == ChaosRequest.Action.FAILOVER && action.master() != null
        ? action.master() : action.node();
    tracker.faultInjected(action.toJson().put("node", node), action.at());
    if (action.action() == ChaosRequest.Action.ISOLATE || action.action() == ChaosRequest.Action.MIGRATE
        || action.action() == ChaosRequest.Action.ADD_SHARD || action.action() == ChaosRequest.Action.REMOVE_SHARD) {
      // Nothing becomes unreachable: the shard has no suspect for the probe to watch.
      return;
    }
    if (action.nodes() != null) {
      action.nodes().forEach(each -> probe.watch(each, latestSnapshot));
    } else {
      probe.watch(node, latestSnapshot);
    }
  }

  // ---- wiring

  private void registerConsumers() {
    chaosConsumer = chaos.listen(vertx.eventBus());
    progressConsumer = vertx.eventBus().localConsumer(Addresses.MIGRATION_PROGRESS, message -> {
      MigrationProgress progress = decode(message.body(), MigrationProgress::fromJson);
      if (progress != null) {
        tracker.migrationProgress(progress);
      }
    });
    outageConsumer = vertx.eventBus().consumer(Addresses.CLIENT_OUTAGE, message -> {
      OutageEvent event = decode(message.body(), OutageEvent::fromJson);
      if (event != null) {
        tracker.outage(event);
      }
    });
    statsConsumer = vertx.eventBus().consumer(Addresses.CLIENT_STATS, message -> {
      ClientStats stats = decode(message.body(), ClientStats::fromJson);
      if (stats != null) {
        tracker.clientStats(stats);
      }
    });
  }

  private <T> T decode(JsonObject body, java.util.function.Function<JsonObject, T> parser) {
    clientMessages++;
    try {
      return parser.apply(body);
    } catch (RuntimeException e) {
      // A client of another version must not break the monitor: count it, say it once per message.
      badClientMessages++;
      LOG.warn("event=bad_client_message error=\"{}\" body={}", e, body == null ? null : body.encode());
      return null;
    }
  }

  private void onPoll(MergedTopology merged) {
    TopologySnapshot previous = latestSnapshot;
    TopologySnapshot snapshot = merged.snapshot();
    List<TopologyEvent> events = TopologyDiff.diff(previous, snapshot, merged.clusterStateByNode(),
        snapshot.timestamp());
    latestSnapshot = snapshot;
    metrics.snapshot(snapshot);
    for (TopologyEvent event : events) {
      publish(event);
      tracker.topologyEvent(event);
      if (SUSPICIONS.contains(event.type()) && tracker.activeId() != null) {
        // A node the cluster just flagged gets the probe's finer clock (a real crash, a fault injected elsewhere).
        probe.watch(event.node(), snapshot);
      }
    }
    tracker.snapshot(snapshot);
  }

  private void publish(TopologyEvent event) {
    topologyEvents++;
    LOG.info("event=topology_change type={} node={} node_id={} data={} description=\"{}\"", event.type().label(),
        event.node() == null ? "-" : event.node(), event.nodeId() == null ? "-" : event.nodeId(),
        event.data().encode(), event.description());
    metrics.topologyEvent(event);
    remember(event);
    journal(JournalRecord.topologyEvent(event, System.currentTimeMillis()));
    vertx.eventBus().publish(Addresses.TOPOLOGY_EVENT, event.toJson());
  }

  private void remember(TopologyEvent event) {
    recentEvents.addFirst(event);
    while (recentEvents.size() > RECENT_EVENTS) {
      recentEvents.removeLast();
    }
  }

  private void onIncident(IncidentTracker.Change change, IncidentReport report) {
    IncidentReport.Milestones m = report.milestones();
    IncidentReport.Durations d = report.durations();
    metrics.milestones(report);
    switch (change) {
      case OPENED -> {
        metrics.incidentOpened();
        LOG.info("event=incident_opened id={} opened_by={} at={}", report.id(), report.openedBy(), report.openedAt());
      }
      case MILESTONE -> LOG.info("event=incident_milestone id={} failed_node={} promoted_node={} milestones={}",
          report.id(), report.failedNode(), report.promotedNode(), m.toJson().encode());
      case CLOSED -> {
        metrics.incidentClosed(report);
        probe.stopAll();
        LOG.info("event=incident_closed id={} duration_ms={} failed_node={} promoted_node={} detection_ms={} "
                + "election_ms={} client_recovery_ms={} write_unavailability_ms={} lost_writes={} "
                + "unknown_outcome_writes={} healthy_shard_errors={}",
            report.id(), report.closedAt() - report.openedAt(), report.failedNode(), report.promotedNode(),
            d.detection(), d.election(), d.clientRecoveryAfterPromotion(), d.writeUnavailability(),
            report.lostWrites(), report.unknownOutcomeWrites(), report.healthyShardErrors());
      }
      default -> throw new IllegalStateException("unknown change " + change);
    }
    JsonObject json = report.toJson();
    journal(new JournalRecord(JournalRecord.Kind.INCIDENT, System.currentTimeMillis(), json));
    vertx.eventBus().publish(Addresses.INCIDENT, json);
  }

  // ---- HTTP

  private void setupRouter(Router router) {
    router.get("/api/topology").handler(this::topology);
    router.get("/api/incidents").handler(this::incidents);
    router.get("/api/incidents/:id").handler(rc -> {
      String id = rc.pathParam("id");
      tracker.incident(id).ifPresentOrElse(
          report -> HttpErrors.sendJson(rc, report.toJson()),
          () -> HttpErrors.send(rc, 404, "no incident " + id));
    });
    LivePage.mount(vertx, router);
  }

  /**
   * Newest first; {@code before=<id>} starts after that incident (by number, so a cursor whose incident
   * left the history still works), {@code limit} (1-1000) caps the page, and {@code next} is the cursor
   * of the page after it (null at the end).
   */
  private void incidents(RoutingContext rc) {
    long before = Long.MAX_VALUE;
    int limit = Integer.MAX_VALUE;
    try {
      String rawBefore = single(rc, "before");
      if (rawBefore != null) {
        before = IncidentTracker.number(rawBefore);
        if (before < 0) {
          throw new IllegalArgumentException("before: expected an incident id such as inc-12, got '" + rawBefore + "'");
        }
      }
      String rawLimit = single(rc, "limit");
      if (rawLimit != null) {
        limit = pageLimit(rawLimit);
      }
    } catch (IllegalArgumentException e) {
      HttpErrors.send(rc, 400, e.getMessage());
      return;
    }
    JsonArray list = new JsonArray();
    String next = null;
    for (IncidentReport report : tracker.incidents()) {
      if (IncidentTracker.number(report.id()) >= before) {
        continue;
      }
      if (list.size() == limit) {
        next = list.getJsonObject(list.size() - 1).getString("id");
        break;
      }
      list.add(report.toJson());
    }
    HttpErrors.sendJson(rc, new JsonObject().put("incidents", list).put("next", next));
  }

  private static String single(RoutingContext rc, String name) {
    List<String> values = rc.queryParam(name);
    if (values.size() > 1) {
      throw new IllegalArgumentException(name + ": given " + values.size() + " times");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  private static int pageLimit(String raw) {
    try {
      int limit = Integer.parseInt(raw.trim());
      if (limit >= 1 && limit <= MAX_PAGE) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // Said below, with the value.
    }
    throw new IllegalArgumentException("limit: expected an integer between 1 and " + MAX_PAGE + ", got '" + raw + "'");
  }

  private void topology(RoutingContext rc) {
    TopologySnapshot snapshot = latestSnapshot;
    JsonArray events = new JsonArray();
    recentEvents.forEach(event -> events.add(event.toJson()));
    HttpErrors.sendJson(rc, new JsonObject()
        .put("snapshot", snapshot == null ? null : snapshot.toJson())
        .put("uncoveredRanges", snapshot == null ? null : TopologyFacts.uncoveredRanges(snapshot))
        .put("recentEvents", events));
  }

  private JsonObject redisStatus() {
    long lastAnswer = poller.lastAnsweredAt();
    long since = System.currentTimeMillis() - lastAnswer;
    long window = Windows.readinessMs(settings.pollIntervalMs());
    return new JsonObject()
        .put("ok", lastAnswer > 0 && since <= window)
        .put("msSinceLastAnswer", lastAnswer == 0 ? null : since);
  }

  private JsonObject stats() {
    TopologySnapshot snapshot = latestSnapshot;
    return new JsonObject()
        .put("service", ServiceName.MONITOR.label())
        .put("instance", instance)
        .put("uptimeMs", System.currentTimeMillis() - startedAt)
        .put("config", new JsonObject()
            .put("pollIntervalMs", settings.pollIntervalMs())
            .put("probeIntervalMs", settings.probeIntervalMs())
            .put("incidentQuietMs", settings.incidentQuietMs())
            .put("incidentHistory", settings.incidentHistory())
            .put("dataDir", settings.dataDir().map(Object::toString).orElse(null))
            .put("journalMaxBytes", settings.journalMaxBytes())
            .put("commandTimeoutMs", settings.redis().commandTimeoutMs()))
        .put("poller", poller.describe())
        .put("probe", probe.describe())
        .put("journal", journalStatus())
        .put("cluster", snapshot == null ? null : new JsonObject()
            .put("state", snapshot.clusterState())
            .put("masters", snapshot.masters())
            .put("uncoveredSlots", snapshot.uncoveredSlots())
            .put("nodes", snapshot.nodes().size())
            .put("reachableNodes", snapshot.nodes().stream().filter(TopologySnapshot.NodeStatus::reachable).count()))
        .put("topologyEvents", topologyEvents)
        .put("clientMessages", clientMessages)
        .put("badClientMessages", badClientMessages)
        .put("incidents", new JsonObject()
            .put("opened", tracker.opened())
            .put("kept", new JsonArray(tracker.incidentIds()))
            .put("active", tracker.activeId()));
  }
}
