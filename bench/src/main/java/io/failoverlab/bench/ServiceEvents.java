package io.failoverlab.bench;

import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ClientStats;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.OutageEvent;
import io.failoverlab.common.contract.TopologySnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the lab's services publish, as the bench needs it: the writer's and reader's outage events
 * (their first success on a shard after errors is the END event's timestamp), their per-second
 * stats (errors per shard), the monitor's snapshots (poll timestamps) and incidents. Consumers run on
 * event loops and only store; the bench thread reads through the synchronized accessors.
 */
final class ServiceEvents {

  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private final List<OutageEvent> outages = new ArrayList<>();
  private final List<ClientStats> stats = new ArrayList<>();
  private final List<Long> snapshotTimes = new ArrayList<>();
  private final Map<String, IncidentReport> incidents = new LinkedHashMap<>();
  private final Map<String, ClientStats> latestStats = new HashMap<>();

  static Future<ServiceEvents> attach(Vertx vertx) {
    ServiceEvents events = new ServiceEvents();
    events.listen(vertx, Addresses.CLIENT_OUTAGE, OutageEvent::fromJson, events::outage);
    events.listen(vertx, Addresses.CLIENT_STATS, ClientStats::fromJson, events::stats);
    events.listen(vertx, Addresses.TOPOLOGY_SNAPSHOT, TopologySnapshot::fromJson, events::snapshot);
    events.listen(vertx, Addresses.INCIDENT, IncidentReport::fromJson, events::incident);
    return Future.all(events.consumers.stream().map(MessageConsumer::completion).toList()).map(done -> events);
  }

  Future<Void> detach() {
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  private <T> void listen(Vertx vertx, String address, Function<JsonObject, T> decoder, Consumer<T> sink) {
    consumers.add(vertx.eventBus().<JsonObject>consumer(address, message -> sink.accept(decoder.apply(message.body()))));
  }

  private synchronized void outage(OutageEvent event) {
    outages.add(event);
  }

  private synchronized void stats(ClientStats event) {
    stats.add(event);
    latestStats.put(event.service(), event);
  }

  private synchronized void snapshot(TopologySnapshot snapshot) {
    snapshotTimes.add(snapshot.timestamp());
  }

  private synchronized void incident(IncidentReport report) {
    incidents.put(report.id(), report);
  }

  /** Forgets events older than {@code millis} (keeps memory flat over long runs). */
  synchronized void forgetBefore(long millis) {
    outages.removeIf(event -> event.timestamp() < millis);
    stats.removeIf(event -> event.timestamp() < millis);
  }

  /** When {@code service} first succeeded on {@code shard} after errors, after {@code after}; null if not yet. */
  synchronized Long recoveredAt(String service, String shard, long after) {
    for (OutageEvent event : outages) {
      if (event.phase() == OutageEvent.Phase.END && event.service().equals(service) && event.shard().equals(shard)
          && event.timestamp() > after) {
        return event.timestamp();
      }
    }
    return null;
  }

  /** Shards where {@code service} has an outage open now (started, not ended). */
  synchronized Set<String> openOutages(String service) {
    Map<String, Boolean> open = new HashMap<>();
    for (OutageEvent event : outages) {
      if (event.service().equals(service)) {
        open.put(event.shard(), event.phase() == OutageEvent.Phase.START);
      }
    }
    open.values().removeIf(active -> !active);
    return Set.copyOf(open.keySet());
  }

  /** The longest outage of {@code service} on a shard other than {@code failedShard} that ended in [from, to]. */
  synchronized long longestOtherOutage(String service, String failedShard, long from, long to) {
    long longest = 0;
    for (OutageEvent event : outages) {
      if (event.phase() == OutageEvent.Phase.END && event.service().equals(service)
          && !event.shard().equals(failedShard) && event.timestamp() >= from && event.timestamp() <= to) {
        longest = Math.max(longest, event.durationMs());
      }
    }
    return longest;
  }

  /** Error types (and counts) of the outages {@code service} had on shards other than {@code failedShard} in [from, to]. */
  synchronized Map<String, Long> otherOutageErrors(String service, String failedShard, long from, long to) {
    Map<String, Long> errors = new java.util.TreeMap<>();
    for (OutageEvent event : outages) {
      if (event.phase() == OutageEvent.Phase.END && event.service().equals(service)
          && !event.shard().equals(failedShard) && event.timestamp() >= from && event.timestamp() <= to) {
        event.errorsByType().forEach((type, count) -> errors.merge(type, count, Long::sum));
      }
    }
    return errors;
  }

  /** Command errors of {@code service} on shards other than {@code failedShard}, in stats windows overlapping [from, to]. */
  synchronized long healthyShardErrors(String service, String failedShard, long from, long to) {
    long errors = 0;
    for (ClientStats window : stats) {
      if (!window.service().equals(service) || window.timestamp() < from || window.timestamp() - window.intervalMs() > to) {
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

  /** The latest stats window of {@code service}, or null. */
  synchronized ClientStats latest(String service) {
    return latestStats.get(service);
  }

  /** Timestamps of the monitor's polls in [from, to], in order. */
  synchronized List<Long> pollTimes(long from, long to) {
    return snapshotTimes.stream().filter(t -> t >= from && t <= to).toList();
  }

  /** The incident the monitor recorded for a crash of {@code node} at {@code killAt}, or null. */
  synchronized IncidentReport incidentFor(String node, long killAt) {
    IncidentReport found = null;
    for (IncidentReport report : incidents.values()) {
      if (report.openedAt() >= killAt - 1000 && node.equals(report.failedNode())) {
        found = report;
      }
    }
    return found;
  }
}
