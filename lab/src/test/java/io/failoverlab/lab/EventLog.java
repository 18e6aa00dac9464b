package io.failoverlab.lab;

import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ClientStats;
import io.failoverlab.common.contract.OutageEvent;
import io.failoverlab.common.contract.TopologyEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Everything the services publish on the event bus, kept for a test to look at from its own thread. */
final class EventLog {

  final List<TopologyEvent> topology = new CopyOnWriteArrayList<>();
  final List<OutageEvent> outages = new CopyOnWriteArrayList<>();
  final List<ClientStats> stats = new CopyOnWriteArrayList<>();
  final List<JsonObject> incidents = new CopyOnWriteArrayList<>();

  static EventLog listen(Vertx vertx) throws Exception {
    EventLog log = new EventLog();
    var bus = vertx.eventBus();
    bus.<JsonObject>consumer(Addresses.TOPOLOGY_EVENT, m -> log.topology.add(TopologyEvent.fromJson(m.body())))
        .completion().await(10, TimeUnit.SECONDS);
    bus.<JsonObject>consumer(Addresses.CLIENT_OUTAGE, m -> log.outages.add(OutageEvent.fromJson(m.body())))
        .completion().await(10, TimeUnit.SECONDS);
    bus.<JsonObject>consumer(Addresses.CLIENT_STATS, m -> log.stats.add(ClientStats.fromJson(m.body())))
        .completion().await(10, TimeUnit.SECONDS);
    bus.<JsonObject>consumer(Addresses.INCIDENT, m -> log.incidents.add(m.body()))
        .completion().await(10, TimeUnit.SECONDS);
    return log;
  }

  Optional<TopologyEvent> firstTopology(long since, TopologyEvent.Type type, String node) {
    return topology.stream()
        .filter(e -> e.timestamp() >= since && e.type() == type && (node == null || node.equals(e.node())))
        .findFirst();
  }

  List<OutageEvent> outages(long since, String service, Predicate<OutageEvent> filter) {
    return outages.stream()
        .filter(e -> e.startedAt() >= since && e.service().equals(service) && filter.test(e))
        .toList();
  }

  /** Failed commands per shard label, summed over the stats windows that ended after {@code since}. */
  java.util.Map<String, Long> errorsByShard(long since, String service) {
    java.util.Map<String, Long> sums = new java.util.TreeMap<>();
    for (ClientStats s : stats) {
      if (s.timestamp() >= since && s.service().equals(service)) {
        s.commandErrorsByShard().forEach((shard, count) -> sums.merge(shard, count, Long::sum));
      }
    }
    return sums;
  }
}
