package io.failoverlab.monitor;

import io.failoverlab.common.contract.ClientStats;
import io.failoverlab.common.contract.MigrationProgress;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.OutageEvent;
import io.failoverlab.common.contract.TopologyEvent;
import io.failoverlab.common.contract.TopologySnapshot;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Correlates topology events, snapshots, client outages and stats, and injected faults into
 * incidents. Pure logic: every input carries its own timestamp and nothing reads a clock, so tests
 * replay a failover with chosen times.
 *
 * <p>An incident opens on the first sign of trouble: a master or replica unreachable, suspected
 * (PFAIL) or failed, a promotion, a client's outage, or an injected fault. It closes when the latest snapshot is stable (cluster_state ok and a
 * live master for every slot; a crashed node that stays down does not hold it open), no client
 * reports an outage, and nothing changed (topology event, client error) for the quiet period.
 *
 * <p>Not thread-safe: used from the event loop of the verticle that owns it.
 */
final class IncidentTracker {

  /** What happened to an incident, for the listener. */
  enum Change { OPENED, MILESTONE, CLOSED }

  interface Listener {
    void changed(Change change, IncidentReport report);
  }

  /** Ids are {@code inc-1}, {@code inc-2}, ... in the order incidents open. */
  static final String ID_PREFIX = "inc-";

  /** A client that has not published anything for this long is gone: its outages cannot end. */
  static final long STALE_CLIENT_MS = 10_000;

  private static final Set<TopologyEvent.Type> NODE_TROUBLE = Set.of(
      TopologyEvent.Type.NODE_UNREACHABLE, TopologyEvent.Type.NODE_PFAIL, TopologyEvent.Type.NODE_FAIL);

  /** A client instance as its last messages describe it. */
  private static final class Client {
    Map<String, Long> totals;
    /** p99 latency of its last second, before the one being recorded. */
    Double lastP99;
    final Set<String> shardsInOutage = new LinkedHashSet<>();
    long lastSeen;
  }

  private final long pollIntervalMs;
  private final long quietMs;
  private final int history;
  private final Listener listener;
  private final Deque<Incident> incidents = new ArrayDeque<>();
  private final Map<String, IncidentReport> closedReports = new HashMap<>();
  private final Map<String, Client> clients = new HashMap<>();
  private final Map<String, String> lastKnownSlots = new HashMap<>();
  private Incident open;
  private List<Object> lastSignature;
  private TopologySnapshot latest;
  private long opened;
  /** The number of the last id given ({@code inc-<n>}): restored incidents' ids are never given again. */
  private long lastNumber;

  IncidentTracker(long pollIntervalMs, long quietMs, int history, Listener listener) {
    if (history < 1) {
      throw new IllegalArgumentException("history must be at least 1");
    }
    this.pollIntervalMs = pollIntervalMs;
    this.quietMs = quietMs;
    this.history = history;
    this.listener = listener;
  }

  // ---- inputs

  void topologyEvent(TopologyEvent event) {
    if (open == null && opens(event)) {
      open(event.timestamp(), event.type().label());
    }
    if (open != null) {
      open.topologyEvent(event, lastKnownSlots);
      notifyIfMilestone();
    }
  }

  /** Feed after the poll's events; also the moment an incident may close (at the snapshot's time). */
  void snapshot(TopologySnapshot snapshot) {
    latest = snapshot;
    // A failed master keeps its slots in the snapshot until its replica claims them; remembering
    // them past that lets a late NODE_FAIL still name the failed shard.
    Set<String> listed = new HashSet<>();
    for (TopologySnapshot.NodeStatus node : snapshot.nodes()) {
      listed.add(node.address());
      if (TopologyFacts.hasSlots(node)) {
        lastKnownSlots.put(node.address(), node.slots());
      }
    }
    lastKnownSlots.keySet().retainAll(listed);
    if (open != null) {
      open.snapshot(snapshot);
      notifyIfMilestone();
    }
    tick(snapshot.timestamp());
  }

  /** A milestone the probe of a suspected shard stamped; only the open incident takes it. */
  void probeStamp(ShardProbe.Stamp stamp) {
    if (open != null) {
      open.probeStamp(stamp);
      notifyIfMilestone();
    }
  }

  void outage(OutageEvent event) {
    Client client = client(event.service(), event.instance(), event.timestamp());
    if (event.phase() == OutageEvent.Phase.START) {
      client.shardsInOutage.add(event.shard());
      if (open == null) {
        open(event.startedAt(), "client_outage");
      }
    } else {
      client.shardsInOutage.remove(event.shard());
    }
    if (open != null) {
      open.outage(event);
      notifyIfMilestone();
    }
  }

  void clientStats(ClientStats stats) {
    Client client = client(stats.service(), stats.instance(), stats.timestamp());
    // The stats list the shards in outage at their time: they correct any outage event we missed.
    client.shardsInOutage.clear();
    client.shardsInOutage.addAll(stats.shardsInOutage());
    if (open != null && stats.timestamp() > open.openedAt) {
      open.clientStats(key(stats.service(), stats.instance()), stats, client.totals, client.lastP99);
      notifyIfMilestone();
    }
    client.lastP99 = stats.latencyP99Ms();
    if (open == null || stats.timestamp() <= open.openedAt) {
      // Totals as they were before an incident are its baseline for lost / unacknowledged writes.
      client.totals = stats.totals();
    }
  }

  /**
   * A fault was injected on purpose (chaos endpoint). Starts a new incident, closing an open one
   * that already had its own injected fault: a drill's next failover is a new incident.
   */
  void faultInjected(JsonObject action, long at) {
    if (open != null && open.hasInjectedFault()) {
      close(at);
    }
    if (open == null) {
      open(at, "fault_injected");
    }
    open.faultInjected(action, at);
    notifyIfMilestone();
  }

  /** A migrate action moved a slot, ended or stopped (the open incident, if it is that migration's, keeps it). */
  void migrationProgress(MigrationProgress progress) {
    if (open != null) {
      open.migrationProgress(progress);
    }
  }

  /** Closes the open incident if everything has been stable and quiet long enough at {@code now}. */
  void tick(long now) {
    // Also bounds the map: client instances come and go (restarts get new ids).
    clients.values().removeIf(client -> now - client.lastSeen > STALE_CLIENT_MS);
    if (open == null) {
      return;
    }
    boolean outageActive = clients.values().stream().anyMatch(client -> !client.shardsInOutage.isEmpty());
    if (TopologyFacts.stable(latest) && !outageActive && now - open.lastChangeAt() >= quietMs
        && open.migrationFinished(now)) {
      close(now);
    }
  }

  /**
   * Incidents of an earlier run (the journal's), closed, oldest first: kept as the history's oldest,
   * served as they are; the next incident's number follows the highest restored one. Before any input.
   */
  void restore(List<IncidentReport> closed) {
    for (IncidentReport report : closed) {
      if (report.open()) {
        throw new IllegalArgumentException("restored incident " + report.id() + " is open");
      }
      Incident incident = new Incident(report.id(), report.openedAt(), report.openedBy(), pollIntervalMs);
      closedReports.put(report.id(), report);
      keep(incident);
      lastNumber = Math.max(lastNumber, number(report.id()));
    }
  }

  // ---- views

  Optional<IncidentReport> active() {
    return open == null ? Optional.empty() : Optional.of(open.report());
  }

  /** Newest first, at most INCIDENT_HISTORY. */
  List<IncidentReport> incidents() {
    List<IncidentReport> reports = new ArrayList<>();
    for (Incident incident : incidents) {
      reports.add(report(incident));
    }
    return reports;
  }

  /** Ids of the kept incidents, newest first, without building their reports. */
  List<String> incidentIds() {
    List<String> ids = new ArrayList<>();
    incidents.forEach(incident -> ids.add(incident.id));
    return ids;
  }

  /** The open incident's id, or null. */
  String activeId() {
    return open == null ? null : open.id;
  }

  Optional<IncidentReport> incident(String id) {
    for (Incident incident : incidents) {
      if (incident.id.equals(id)) {
        return Optional.of(report(incident));
      }
    }
    return Optional.empty();
  }

  /** How many incidents were opened since start (not counting restored ones). */
  long opened() {
    return opened;
  }

  // ---- internals

  private void keep(Incident incident) {
    incidents.addFirst(incident);
    while (incidents.size() > history) {
      Incident dropped = incidents.removeLast();
      closedReports.remove(dropped.id);
    }
  }

  /** The n of {@code inc-<n>}, or -1 for an id of another shape. */
  static long number(String id) {
    if (id == null || !id.startsWith(ID_PREFIX)) {
      return -1;
    }
    try {
      return Long.parseLong(id.substring(ID_PREFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private boolean opens(TopologyEvent event) {
    if (NODE_TROUBLE.contains(event.type())) {
      return TopologyFacts.dataNode(event.data().getString("role"));
    }
    // A promotion nobody injected (an operator's CLUSTER FAILOVER) moves slots under the clients too.
    // Cluster state and slot coverage alone do not open one: a cluster still forming has neither.
    return event.type() == TopologyEvent.Type.PROMOTED;
  }

  private void open(long at, String openedBy) {
    opened++;
    lastNumber++;
    open = new Incident(ID_PREFIX + lastNumber, at, openedBy, pollIntervalMs);
    keep(open);
    IncidentReport report = open.report();
    lastSignature = open.signature();
    listener.changed(Change.OPENED, report);
  }

  private void close(long at) {
    Incident closing = open;
    closing.close(at);
    open = null;
    IncidentReport report = closing.report();
    closedReports.put(closing.id, report);
    lastSignature = null;
    listener.changed(Change.CLOSED, report);
  }

  private void notifyIfMilestone() {
    List<Object> signature = open.signature();
    if (!signature.equals(lastSignature)) {
      lastSignature = signature;
      listener.changed(Change.MILESTONE, open.report());
    }
  }

  private IncidentReport report(Incident incident) {
    IncidentReport closed = closedReports.get(incident.id);
    return closed != null ? closed : incident.report();
  }

  private Client client(String service, String instance, long at) {
    Client client = clients.computeIfAbsent(key(service, instance), k -> new Client());
    client.lastSeen = Math.max(client.lastSeen, at);
    return client;
  }

  private static String key(String service, String instance) {
    return service + "/" + instance;
  }
}
