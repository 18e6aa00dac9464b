package io.failoverlab.drill;

import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.ClientStats;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.TopologyEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to what the services publish during a drill: client stats and topology events and chaos
 * actions for the timeline, incidents for the rows, and each client's latest stats for the health gate.
 *
 * <p>Consumers run on event loops and only decode and store; the drill's thread reads through the
 * synchronized accessors. Incidents are kept in a bounded map (newest {@value #MAX_INCIDENTS}).
 */
final class DrillRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(DrillRecorder.class);
  static final int MAX_INCIDENTS = 100;

  private final Timeline timeline;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private final Map<String, IncidentReport> incidents = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, IncidentReport> eldest) {
      return size() > MAX_INCIDENTS;
    }
  };
  private final Map<String, ClientStats> latestStats = new HashMap<>();

  private DrillRecorder(Timeline timeline) {
    this.timeline = timeline;
  }

  /** Registers the consumers; completes once every one is registered. */
  static Future<DrillRecorder> attach(Vertx vertx, Timeline timeline) {
    DrillRecorder recorder = new DrillRecorder(timeline);
    recorder.listen(vertx, Addresses.CLIENT_STATS, ClientStats::fromJson, recorder::clientStats);
    recorder.listen(vertx, Addresses.TOPOLOGY_EVENT, TopologyEvent::fromJson, recorder::topologyEvent);
    recorder.listen(vertx, Addresses.CHAOS_ACTION, ChaosAction::fromJson, recorder::chaosAction);
    recorder.listen(vertx, Addresses.INCIDENT, IncidentReport::fromJson, recorder::incident);
    List<Future<Void>> registered = recorder.consumers.stream().map(MessageConsumer::completion).toList();
    return Future.all(registered).map(done -> recorder);
  }

  Future<Void> detach() {
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  private <T> void listen(Vertx vertx, String address, Function<JsonObject, T> decoder, Consumer<T> sink) {
    consumers.add(vertx.eventBus().<JsonObject>consumer(address, message -> {
      T decoded;
      try {
        decoded = decoder.apply(message.body());
      } catch (RuntimeException e) {
        LOG.warn("event=drill_bad_message address={} error=\"{}\"", address, e.toString());
        return;
      }
      sink.accept(decoded);
    }));
  }

  // ---- sinks (event loops)

  private void clientStats(ClientStats stats) {
    long commandErrors = stats.commandErrors().values().stream().mapToLong(Long::longValue).sum();
    timeline.add(new Timeline.Point(stats.service(), stats.timestamp(), stats.intervalMs(), stats.succeeded(),
        stats.failed(), commandErrors));
    synchronized (this) {
      latestStats.put(stats.service(), stats);
    }
  }

  private void topologyEvent(TopologyEvent event) {
    Timeline.MarkerKind kind = switch (event.type()) {
      case NODE_FAIL -> Timeline.MarkerKind.NODE_FAIL;
      case PROMOTED -> Timeline.MarkerKind.PROMOTED;
      case CLUSTER_STATE_OK, SLOTS_COVERED -> Timeline.MarkerKind.CLUSTER_OK;
      default -> null;
    };
    if (kind != null) {
      timeline.add(new Timeline.Marker(kind, event.timestamp(), event.node(), event.description()));
    }
  }

  private void chaosAction(ChaosAction action) {
    boolean restart = action.action() == ChaosRequest.Action.RESTART;
    timeline.add(new Timeline.Marker(restart ? Timeline.MarkerKind.RESTART : Timeline.MarkerKind.FAULT, action.at(),
        action.node(), action.action().label() + " " + action.node() + " (" + action.method() + ", " + action.id() + ")"));
  }

  private synchronized void incident(IncidentReport report) {
    incidents.put(report.id(), report);
  }

  // ---- views (any thread)

  /** The latest stats of each service ("writer", "reader"). */
  synchronized Map<String, ClientStats> latestStats() {
    return Map.copyOf(latestStats);
  }

  /**
   * The incident that recorded this fault: the monitor stamps its faultInjectedAt with the action's
   * time; failing an exact match, the nearest within {@code slackMs}.
   */
  synchronized IncidentReport incidentOf(ChaosAction action, long slackMs) {
    for (IncidentReport report : incidents.values()) {
      if (Long.valueOf(action.at()).equals(report.milestones().faultInjectedAt())) {
        return report;
      }
    }
    IncidentReport best = null;
    for (IncidentReport report : incidents.values()) {
      Long at = report.milestones().faultInjectedAt();
      if (at == null || Math.abs(at - action.at()) > slackMs) {
        continue;
      }
      if (best == null || Math.abs(at - action.at()) < Math.abs(best.milestones().faultInjectedAt() - action.at())) {
        best = report;
      }
    }
    return best;
  }

  /** The clock note and poll interval of the latest incident the monitor published, or null. */
  synchronized IncidentReport latestIncident() {
    IncidentReport latest = null;
    for (IncidentReport report : incidents.values()) {
      latest = report;
    }
    return latest;
  }
}
