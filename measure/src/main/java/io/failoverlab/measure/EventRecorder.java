package io.failoverlab.measure;

import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.ClientStats;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.OutageEvent;
import io.failoverlab.common.contract.TopologyEvent;
import io.failoverlab.common.contract.TopologySnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the lab publishes on the event bus during a measurement, kept for the measuring thread: the
 * clients' outage events (the first success on a shard after errors is an END event's timestamp) and
 * per-second stats, the monitor's snapshots (poll times) and incidents. A {@link Listener} sees each
 * message as it arrives (the drill's timeline is drawn from them).
 *
 * <p>Consumers run on event loops and only decode and store; the measuring thread reads through the
 * synchronized queries. Bounded: the newest {@value #MAX_INCIDENTS} incidents and
 * {@value #MAX_EVENTS} events of each kind; {@link #forgetBefore} keeps a long run's memory flat.
 */
public final class EventRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  static final int MAX_INCIDENTS = 100;
  static final int MAX_EVENTS = 100_000;

  /** Sees every message as it is recorded, on an event loop: must be quick and must not block. */
  public interface Listener {
    default void clientStats(ClientStats stats) {
    }

    default void topologyEvent(TopologyEvent event) {
    }

    default void chaosAction(ChaosAction action) {
    }
  }

  private final Listener listener;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private final Deque<OutageEvent> outages = new ArrayDeque<>();
  private final Deque<ClientStats> stats = new ArrayDeque<>();
  private final Deque<Long> snapshotTimes = new ArrayDeque<>();
  private final Map<String, ClientStats> latestStats = new HashMap<>();
  private final Map<String, IncidentReport> incidents = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, IncidentReport> eldest) {
      return size() > MAX_INCIDENTS;
    }
  };

  private EventRecorder(Listener listener) {
    this.listener = listener;
  }

  /** Registers the consumers; completes once every one is registered. */
  public static Future<EventRecorder> attach(Vertx vertx, Listener listener) {
    EventRecorder recorder = new EventRecorder(listener);
    recorder.listen(vertx, Addresses.CLIENT_OUTAGE, OutageEvent::fromJson, recorder::outage);
    recorder.listen(vertx, Addresses.CLIENT_STATS, ClientStats::fromJson, recorder::stats);
    recorder.listen(vertx, Addresses.TOPOLOGY_SNAPSHOT, TopologySnapshot::fromJson, recorder::snapshot);
    recorder.listen(vertx, Addresses.TOPOLOGY_EVENT, TopologyEvent::fromJson, listener::topologyEvent);
    recorder.listen(vertx, Addresses.CHAOS_ACTION, ChaosAction::fromJson, listener::chaosAction);
    recorder.listen(vertx, Addresses.INCIDENT, IncidentReport::fromJson, recorder::incident);
    return Future.all(recorder.consumers.stream().map(MessageConsumer::completion).toList()).map(done -> recorder);
  }

  public static Future<EventRecorder> attach(Vertx vertx) {
    return attach(vertx, new Listener() {
    });
  }

  public Future<Void> detach() {
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  private <T> void listen(Vertx vertx, String address, Function<JsonObject, T> decoder, Consumer<T> sink) {
    consumers.add(vertx.eventBus().<JsonObject>consumer(address, message -> {
      T decoded;
      try {
        decoded = decoder.apply(message.body());
      } catch (RuntimeException e) {
        LOG.warn("event=recorder_bad_message address={} error=\"{}\"", address, e.toString());
        return;
      }
      sink.accept(decoded);
    }));
  }

  // ---- sinks (event loops)

  private synchronized void outage(OutageEvent event) {
    bounded(outages, event);
  }

  private void stats(ClientStats event) {
    synchronized (this) {
      bounded(stats, event);
      latestStats.put(event.service(), event);
    }
    listener.clientStats(event);
  }

  private synchronized void snapshot(TopologySnapshot snapshot) {
    bounded(snapshotTimes, snapshot.timestamp());
  }

  private synchronized void incident(IncidentReport report) {
    incidents.put(report.id(), report);
  }

  private static <T> void bounded(Deque<T> queue, T item) {
    queue.addLast(item);
    if (queue.size() > MAX_EVENTS) {
      queue.removeFirst();
    }
  }

  // ---- queries (any thread)

  /** Forgets events older than {@code millis}: each failover only looks at its own window. */
  public synchronized void forgetBefore(long millis) {
    outages.removeIf(event -> event.timestamp() < millis);
    stats.removeIf(event -> event.timestamp() < millis);
  }

  /** The latest stats window of {@code client}, or null. */
  public synchronized ClientStats latest(String client) {
    return latestStats.get(client);
  }

  /** When {@code client} first succeeded on {@code shard} after errors, after {@code after}; null if not yet. */
  public synchronized Long recoveredAt(String client, String shard, long after) {
    for (OutageEvent event : outages) {
      if (event.phase() == OutageEvent.Phase.END && event.service().equals(client) && event.shard().equals(shard)
          && event.timestamp() > after) {
        return event.timestamp();
      }
    }
    return null;
  }

  /** Shards where {@code client} has an outage open now (started, not ended). */
  public synchronized Set<String> openOutages(String client) {
    Map<String, Boolean> open = new HashMap<>();
    for (OutageEvent event : outages) {
      if (event.service().equals(client)) {
        open.put(event.shard(), event.phase() == OutageEvent.Phase.START);
      }
    }
    open.values().removeIf(active -> !active);
    return Set.copyOf(open.keySet());
  }

  /** The longest outage of {@code client} on a shard other than {@code failedShard} that ended in [from, to]. */
  public synchronized long longestOtherOutage(String client, String failedShard, long from, long to) {
    long longest = 0;
    for (OutageEvent event : otherShardOutagesEnded(client, failedShard, from, to)) {
      longest = Math.max(longest, event.durationMs());
    }
    return longest;
  }

  /** Error types (and counts) of the outages {@code client} had on shards other than {@code failedShard} in [from, to]. */
  public synchronized Map<String, Long> otherOutageErrors(String client, String failedShard, long from, long to) {
    Map<String, Long> errors = new TreeMap<>();
    for (OutageEvent event : otherShardOutagesEnded(client, failedShard, from, to)) {
      event.errorsByType().forEach((type, count) -> errors.merge(type, count, Long::sum));
    }
    return errors;
  }

  private List<OutageEvent> otherShardOutagesEnded(String client, String failedShard, long from, long to) {
    return outages.stream().filter(event -> event.phase() == OutageEvent.Phase.END && event.service().equals(client)
        && !event.shard().equals(failedShard) && event.timestamp() >= from && event.timestamp() <= to).toList();
  }

  /** Command errors of {@code client} on shards other than {@code failedShard}, in stats windows overlapping [from, to]. */
  public synchronized long healthyShardErrors(String client, String failedShard, long from, long to) {
    long errors = 0;
    for (ClientStats window : stats) {
      if (!window.service().equals(client) || window.timestamp() < from || window.timestamp() - window.intervalMs() > to) {
        continue;
      }
      for (Map.Entry<String, Long> entry : window.commandErrorsByShard().entrySet()) {
        if (!entry.getKey().equals(failedShard)) {
          errors += entry.getValue();
        }
      }
    }
    return errors;
  }

  /** Timestamps of the monitor's polls in [from, to], in order. */
  public synchronized List<Long> pollTimes(long from, long to) {
    return snapshotTimes.stream().filter(t -> t >= from && t <= to).toList();
  }

  /** The latest incident naming {@code node} as failed, opened at {@code since} - 1 s or later; null if none. */
  public synchronized IncidentReport incidentFor(String node, long since) {
    IncidentReport found = null;
    for (IncidentReport report : incidents.values()) {
      if (report.openedAt() >= since - 1000 && node.equals(report.failedNode())) {
        found = report;
      }
    }
    return found;
  }

  /**
   * The incident that recorded this fault: the monitor stamps its faultInjectedAt with the action's
   * time; failing an exact match, the nearest within {@code slackMs}.
   */
  public synchronized IncidentReport incidentOf(ChaosAction action, long slackMs) {
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

  /** The latest incident the monitor published (its clock note and poll interval describe the run), or null. */
  public synchronized IncidentReport latestIncident() {
    IncidentReport latest = null;
    for (IncidentReport report : incidents.values()) {
      latest = report;
    }
    return latest;
  }
}
