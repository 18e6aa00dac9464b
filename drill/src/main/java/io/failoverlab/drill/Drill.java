package io.failoverlab.drill;

import io.failoverlab.common.async.Waits;
import io.failoverlab.clients.ClientRun;
import io.failoverlab.common.config.ConfigException;
import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.MigrationSummary;
import io.failoverlab.common.contract.ServiceName;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.measure.Await;
import io.failoverlab.measure.ChaosSender;
import io.failoverlab.measure.ClientOutcome;
import io.failoverlab.measure.ClusterHealth;
import io.failoverlab.measure.EventRecorder;
import io.failoverlab.measure.FailoverRecord;
import io.failoverlab.measure.HealthGate;
import io.failoverlab.measure.MeasurementFailure;
import io.failoverlab.stack.Lab;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a drill: starts the lab (its own local cluster, or the services against REDIS_NODES), waits
 * until the cluster is healthy and the clients serve every shard, then for each failover picks the
 * target, asks the monitor to inject the fault ({@link Addresses#CHAOS}), waits for the monitor's
 * incident to close, records its row, restarts a crashed node and waits until the cluster is healthy
 * and in sync again. Stops the lab at the end, whatever happened.
 *
 * <p>The calling thread blocks on {@link Future#await}; it must not be a Vert.x thread. All waiting on
 * conditions happens in timers on the lab's event loops ({@link Await}, {@link Waits}).
 */
public final class Drill {

  private static final Logger LOG = LoggerFactory.getLogger(Drill.class);
  static final long INCIDENT_MATCH_SLACK_MS = ChaosSender.INCIDENT_MATCH_SLACK_MS;
  static final Duration LAB_START_TIMEOUT = Duration.ofSeconds(180);
  static final Duration LAB_STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> CLIENT_SERVICES = ServiceName.clientLabels();
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  /** The lab could not start: nothing was drilled, nothing is left running. */
  public static final class StartFailure extends Exception {
    StartFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final DrillOptions options;
  private final Env env;
  private final PrintWriter out;
  private final Listener listener;
  private final Timeline timeline = new Timeline(Timeline.DEFAULT_MAX_POINTS, Timeline.DEFAULT_MAX_MARKERS);
  /** The server the drilled cluster runs ("redis 7.0.15"), once known; for the report. */
  private volatile String server;

  /**
   * What a caller may look at along a drill (tests; the soak measures the lab's JVM between
   * failovers). Called on the drill's own thread; a listener that throws ends the drill as a failure.
   */
  public interface Listener {
    /** The lab is up, before the first failover (tests listen to its event bus here). */
    default void labStarted(Lab lab) {
    }

    /** The cluster is healthy again after failover {@code row.index()}. */
    default void failoverDone(Lab lab, FailoverRecord row) {
    }

    /** Every failover is done and the cluster healthy, the lab not stopped yet. */
    default void drillDone(Lab lab) {
    }

    static Listener onLabStarted(Consumer<Lab> action) {
      Objects.requireNonNull(action);
      return new Listener() {
        @Override
        public void labStarted(Lab lab) {
          action.accept(lab);
        }
      };
    }
  }

  public Drill(DrillOptions options, Env env, PrintWriter out) {
    this(options, env, out, lab -> { });
  }

  /** {@code onLabStarted}: called once the lab is up, before the first failover (tests listen to its event bus). */
  public Drill(DrillOptions options, Env env, PrintWriter out, Consumer<Lab> onLabStarted) {
    this(options, env, out, Listener.onLabStarted(onLabStarted));
  }

  public Drill(DrillOptions options, Env env, PrintWriter out, Listener listener) {
    this.options = Objects.requireNonNull(options);
    this.env = Objects.requireNonNull(env);
    this.out = Objects.requireNonNull(out);
    this.listener = Objects.requireNonNull(listener);
  }

  /**
   * Runs the drill to the end or to its first failure (then {@link DrillReport#error()} says why).
   *
   * @throws ConfigException a bad variable in the environment: nothing was started
   * @throws StartFailure    the lab did not start: nothing was drilled
   */
  public DrillReport run() throws StartFailure {
    long startedAt = System.currentTimeMillis();
    Lab lab = startLab();
    List<FailoverRecord> rows = new ArrayList<>();
    Map<String, List<ClientOutcome>> clientOutcomes = new LinkedHashMap<>();
    Map<String, JsonObject> configurations = Map.of();
    String error = null;
    // The oracle gets an event loop of its own: nothing else of the lab delays its writes.
    Vertx oracleVertx = options.clients().any()
        ? Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)) : null;
    long[] pollIntervalMs = {-1};
    EventRecorder recorder = null;
    try {
      listener.labStarted(lab);
      recorder = Await.result(EventRecorder.attach(lab.vertx(), timeline.feed()), Duration.ofSeconds(10),
          "listening on the event bus");
      new Session(lab, recorder, rows, clientOutcomes, oracleVertx, pollIntervalMs).run();
    } catch (MeasurementFailure e) {
      error = e.getMessage();
    } catch (RuntimeException e) {
      LOG.warn("event=drill_failed error=\"{}\"", e.toString(), e);
      error = e.toString();
    } finally {
      if (recorder != null) {
        try {
          recorder.detach().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          LOG.debug("event=drill_detach_failed error=\"{}\"", e.toString());
        }
      }
      configurations = clientConfigurations(lab);
      stopLab(lab);
      if (oracleVertx != null) {
        try {
          oracleVertx.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          LOG.debug("event=drill_oracle_close_failed error=\"{}\"", e.toString());
        }
      }
    }
    if (error != null) {
      out.println("drill: FAILED: " + error);
      out.flush();
    }
    IncidentReport latest = recorder == null ? null : recorder.latestIncident();
    String clock = latest != null ? latest.clock() : DrillReport.DEFAULT_CLOCK;
    Long poll = latest != null ? Long.valueOf(latest.pollIntervalMs()) : pollIntervalMs[0] > 0 ? pollIntervalMs[0] : null;
    JsonObject settings = options.toJson();
    if (server != null) {
      settings.put("server", server);
    }
    return new DrillReport(settings, startedAt, System.currentTimeMillis(), error, clock, poll, rows,
        ThresholdCheck.evaluate(options, rows), timeline.data(),
        new DrillReport.Clients(clientOutcomes, configurations));
  }

  /** Each client's version and settings as it reported them, and why it failed if it did. */
  private static Map<String, JsonObject> clientConfigurations(Lab lab) {
    Map<String, JsonObject> configurations = new LinkedHashMap<>();
    if (lab.clients() != null) {
      for (ClientRun run : lab.clients().runs()) {
        configurations.put(run.label(), new JsonObject().put("version", run.version()).put("settings", run.settings())
            .put("failure", run.failure()));
      }
    }
    return configurations;
  }

  private Lab startLab() throws StartFailure {
    Future<Lab> starting;
    if (options.external()) {
      starting = Lab.startExternal(options.lab(), env.with(Map.of("REDIS_NODES", options.redisNodes())),
          options.clients().asked());
    } else {
      starting = Lab.start(options.lab(), env, options.clients().asked());
    }
    try {
      Lab lab = starting.await(LAB_START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      out.println("drill: lab started (" + (options.external() ? "cluster " + options.redisNodes()
          : "local cluster " + options.toJson().getString("cluster")) + "), monitor on http://"
          + options.lab().httpHost() + ":" + lab.monitor().httpPort() + "/api/incidents");
      out.flush();
      return lab;
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      throw new StartFailure("the lab did not start: " + MeasurementFailure.messageOf(e), e);
    }
  }

  private void stopLab(Lab lab) {
    try {
      lab.stop().await(LAB_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("event=drill_lab_stop_failed error=\"{}\"", e.toString());
    }
  }

  /** One run against a started lab. */
  private final class Session {
    private final Lab lab;
    private final EventRecorder recorder;
    private final List<FailoverRecord> rows;
    private final Map<String, List<ClientOutcome>> clientOutcomes;
    private final Vertx oracleVertx;
    private final long[] pollIntervalMs;
    private final ChaosSender sender;

    Session(Lab lab, EventRecorder recorder, List<FailoverRecord> rows, Map<String, List<ClientOutcome>> clientOutcomes,
            Vertx oracleVertx, long[] pollIntervalMs) {
      this.clientOutcomes = clientOutcomes;
      this.oracleVertx = oracleVertx;
      this.lab = lab;
      this.recorder = recorder;
      this.rows = rows;
      this.pollIntervalMs = pollIntervalMs;
      this.sender = new ChaosSender(lab, options.phaseTimeout(), this::print);
    }

    void run() {
      print("drill: waiting until the cluster is healthy and both clients serve every shard");
      TopologySnapshot initial = awaitHealthy(0, "before failover 1");
      pollIntervalMs[0] = initial.pollIntervalMs();
      int masters = ClusterHealth.masters(initial).size();
      List<String> shards = ShardTargets.shards(initial);
      String namedShard = null;
      if (!options.target().roundRobinMode()) {
        try {
          namedShard = ShardTargets.shardOf(initial, options.target().node().toString());
        } catch (IllegalArgumentException e) {
          throw new MeasurementFailure("--target " + options.target() + ": " + e.getMessage());
        }
      }
      server = ScenarioRound.serverOf(lab.vertx(), lab.monitor().seeds().get(0), redisSettings());
      print("drill: healthy: " + masters + " masters (shards " + String.join(" | ", shards) + ")"
          + (server == null ? "" : ", " + server) + "; " + options.failovers() + " x " + options.actionLabel()
          + ", target " + options.target());
      for (int index = 1; index <= options.failovers(); index++) {
        String shard = namedShard != null ? namedShard : ShardTargets.roundRobin(shards, index);
        if (options.scenario() != null) {
          scenario(index, shard, shards, masters);
        } else {
          failover(index, shard, masters);
        }
      }
      print("drill: " + rows.size() + " failovers completed");
      listener.drillDone(lab);
    }

    private void failover(int index, String shard, int masters) {
      String step = "failover " + index + "/" + options.failovers();
      ShardTargets.Choice choice;
      try {
        choice = ShardTargets.current(lab.monitor().latestSnapshot(), shard);
      } catch (IllegalStateException e) {
        throw new MeasurementFailure(step + ": " + e.getMessage());
      }
      ChaosRequest.Action kind = options.actionOf(index);
      Integer seconds = kind == ChaosRequest.Action.HANG ? options.hangSeconds() : null;
      ClientsDuringFailover clients = lab.clients() == null ? null : ClientsDuringFailover.before(lab, oracleVertx,
          redisSettings(), lab.monitor().latestSnapshot(), choice.master(), step);
      ChaosRequest.FailoverMode mode = kind == ChaosRequest.Action.FAILOVER ? options.failoverMode() : null;
      ChaosAction action = chaos(new ChaosRequest(kind, choice.master(), seconds, mode, "drill"), step);
      if (clients != null) {
        clients.faultSent(action.at(), kind, step);
      }
      print(step + ": " + action.action().label() + " " + choice.master() + " (slots " + shard + ") at "
          + TIME.format(Instant.ofEpochMilli(action.at())) + " UTC [" + action.id() + ", " + action.method() + "]");

      IncidentReport incident = Await.result(Waits.untilReady(lab.vertx(), step + ": the monitor's incident for "
          + action.id() + " closed", options.phaseTimeout(), () -> incidentClosed(action)),
          options.phaseTimeout().plusSeconds(5), step + ": incident closed");
      FailoverRecord.Fault fault = new FailoverRecord.Fault(action.action().label(), choice.master(), action.node(),
          action.id(), action.method(), action.at());
      FailoverRecord.Builder builder = FailoverRecord.builder(index, fault, choice.shard())
          .promoted(incident.promotedNode()).incident(incident);
      if (clients != null) {
        clients.finish(index, kind.label(), options.clients().deadline(), options.phaseTimeout(), builder, step)
            .forEach((client, outcome) -> clientOutcomes.computeIfAbsent(client, c -> new ArrayList<>()).add(outcome));
      }
      FailoverRecord row = record(index, action.action().label(), choice.master(), incident, builder.build(), step);
      Long restoredAt = null;
      if (action.action() == ChaosRequest.Action.CRASH) {
        restoredAt = restart(action.node(), step);
      }
      awaitHealthy(masters, "after " + step);
      long healthyAt = System.currentTimeMillis();
      rows.set(rows.size() - 1, row.toBuilder().restored(restoredAt, healthyAt).build());
      listener.failoverDone(lab, rows.get(rows.size() - 1));
    }

    /**
     * One round of a failure that does not end in one clean promotion ({@link ScenarioRound}): its
     * row is its incident's (a promotion, two, or none), and every node it crashed is started again.
     */
    private void scenario(int index, String shard, List<String> shards, int masters) {
      String step = "failover " + index + "/" + options.failovers() + " (" + options.scenario().label() + ")";
      ShardTargets.Choice choice;
      try {
        choice = ShardTargets.current(lab.monitor().latestSnapshot(), shard);
      } catch (IllegalStateException e) {
        throw new MeasurementFailure(step + ": " + e.getMessage());
      }
      ScenarioRound round = new ScenarioRound(lab, options.phaseTimeout(), sender, recorder, redisSettings(),
          this::print);
      ScenarioRound.Outcome outcome = options.scenario() == Scenario.MIGRATE
          ? round.migrate(index, options.migrateSlots(), step)
          : round.run(options.scenario(), choice, shards, step);
      ChaosAction action = outcome.fault();
      IncidentReport incident = outcome.incident();
      // A migration's target is the master whose slots it moved; a failure's, the shard's master.
      String target = options.scenario() == Scenario.MIGRATE || options.scenario().labOnly() ? action.node()
          : choice.master();
      FailoverRecord.Fault fault = new FailoverRecord.Fault(options.scenario().label(), target, action.node(),
          action.id(), action.method(), action.at());
      FailoverRecord row = record(index, options.scenario().label(), target, incident,
          FailoverRecord.builder(index, fault, choice.shard()).promoted(incident.promotedNode()).incident(incident)
              .build(), step);
      Long restoredAt = outcome.restoredAt();
      for (String node : outcome.toRestart()) {
        Long at = restart(node, step);
        restoredAt = restoredAt == null ? at : restoredAt;
      }
      awaitHealthy(masters + index * options.scenario().mastersChange(), "after " + step);
      rows.set(rows.size() - 1, row.toBuilder().restored(restoredAt, System.currentTimeMillis()).build());
      listener.failoverDone(lab, rows.get(rows.size() - 1));
    }

    /** Adds the round's row, logs it and prints its line. */
    private FailoverRecord record(int index, String action, String target, IncidentReport incident, FailoverRecord row,
                                  String step) {
      rows.add(row);
      IncidentReport.Durations d = incident.durations();
      LOG.info("event=drill_failover index={} action={} target={} incident={} failed_node={} promoted_node={} "
              + "detection_ms={} election_ms={} client_recovery_ms={} write_unavailability_ms={} lost_writes={} "
              + "healthy_shard_errors={}", index, action, target, incident.id(),
          incident.failedNode(), incident.promotedNode(), d.detection(), d.election(), d.clientRecoveryAfterPromotion(),
          d.writeUnavailability(), incident.lostWrites(), row.incidentHealthyShardErrors());
      if (incident.migration() != null) {
        MigrationSummary m = incident.migration();
        print(step + ": " + incident.id() + " closed: migration " + m.state() + ", " + m.slotsDone() + "/"
            + m.slotsTotal() + " slots, " + m.keysMoved() + " keys; lost writes " + incident.lostWrites()
            + ", errors that reached the application " + m.clients().values().stream()
            .mapToLong(MigrationSummary.ClientEffect::applicationErrors).sum());
        return row;
      }
      print(step + ": " + incident.id() + " closed: failed " + orDash(incident.failedNode()) + ", promoted "
          + orDash(incident.promotedNode()) + "; detection " + ms(d.detection()) + ", election " + ms(d.election())
          + ", client recovery " + ms(d.clientRecoveryAfterPromotion()) + ", write unavailability "
          + ms(d.writeUnavailability()) + "; lost writes " + incident.lostWrites() + ", healthy-shard errors "
          + row.incidentHealthyShardErrors());
      return row;
    }

    private Waits.Probe<IncidentReport> incidentClosed(ChaosAction action) {
      IncidentReport report = recorder.incidentOf(action, INCIDENT_MATCH_SLACK_MS);
      if (report == null) {
        return Waits.Probe.notYet("no incident recorded the fault yet");
      }
      if (report.open()) {
        return Waits.Probe.notYet("incident " + report.id() + " is still open (milestones "
            + report.milestones().toJson().encode() + ")");
      }
      return Waits.Probe.ready(report);
    }

    /** The cluster and both clients ready for the next failover (see {@link HealthGate}). */
    private TopologySnapshot awaitHealthy(int masters, String when) {
      return HealthGate.await(lab, recorder, CLIENT_SERVICES, masters, options.phaseTimeout(), when, () -> null);
    }

    private ChaosAction chaos(ChaosRequest request, String step) {
      return sender.send(request, step);
    }

    /** The cluster's settings as the services were given them, seeded with the nodes the monitor polls. */
    private RedisSettings redisSettings() {
      return RedisSettings.fromEnv(env.with(Map.of("REDIS_NODES", String.join(",", lab.monitor().seeds()))));
    }

    private Long restart(String node, String step) {
      return sender.restart(node, step);
    }

    private void print(String line) {
      out.println(line);
      out.flush();
    }
  }

  private static String ms(Long value) {
    return value == null ? "-" : value + " ms";
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }
}
