package io.failoverlab.monitor;

import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.MetricNames;
import io.failoverlab.common.contract.TopologyEvent;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.monitor.journal.Journal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The monitor's Prometheus meters (names in {@link MetricNames}). Per-node gauges follow the node
 * tables: a node that is down but still listed (crashed, flagged fail) keeps its gauges, showing
 * role -1 and reachable 0, which is what a dashboard must show; a node that left every node table
 * (forgotten, replaced under a new address) has its gauges removed, so dead series do not pile up.
 */
final class MonitorMetrics {

  /** The last closed incident's phases, in the order of {@link MetricNames}' PHASE_ constants. */
  static final List<String> PHASES = List.of(MetricNames.PHASE_DETECTION, MetricNames.PHASE_ELECTION,
      MetricNames.PHASE_CLIENT_RECOVERY, MetricNames.PHASE_WRITE_UNAVAILABILITY, MetricNames.PHASE_TOTAL);

  /** One node's gauges and the values they read. */
  private static final class NodeGauges {
    final AtomicInteger role = new AtomicInteger();
    final AtomicInteger reachable = new AtomicInteger();
    final AtomicInteger linkUp = new AtomicInteger();
    List<Meter> meters;
  }

  private final MeterRegistry registry;
  private final Map<String, NodeGauges> nodes = new LinkedHashMap<>();
  private final AtomicInteger stateOk = new AtomicInteger();
  private final AtomicInteger masters = new AtomicInteger();
  private final AtomicInteger uncoveredSlots = new AtomicInteger();
  private final AtomicInteger incidentActive = new AtomicInteger();
  private final Map<String, AtomicLong> phaseBits = new LinkedHashMap<>();
  private final Map<String, AtomicLong> milestoneMs = new LinkedHashMap<>();
  private final Counter failovers;
  private final Counter incidents;
  private final Map<TopologyEvent.Type, Counter> events = new EnumMap<>(TopologyEvent.Type.class);
  private final Timer pollDuration;
  /** Written from the probe's event loop. */
  private final Map<String, Counter> probeCommands = new java.util.concurrent.ConcurrentHashMap<>();

  MonitorMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(MetricNames.CLUSTER_STATE_OK, stateOk, AtomicInteger::get)
        .description("1 when every reachable node says cluster_state:ok").strongReference(true).register(registry);
    Gauge.builder(MetricNames.CLUSTER_MASTERS, masters, AtomicInteger::get)
        .description("Masters serving slots, reachable and not failed").strongReference(true).register(registry);
    Gauge.builder(MetricNames.CLUSTER_UNCOVERED_SLOTS, uncoveredSlots, AtomicInteger::get)
        .description("Slots with no live master").strongReference(true).register(registry);
    Gauge.builder(MetricNames.INCIDENT_ACTIVE, incidentActive, AtomicInteger::get)
        .description("1 while an incident is open").strongReference(true).register(registry);
    for (String phase : PHASES) {
      AtomicLong bits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
      phaseBits.put(phase, bits);
      Gauge.builder(MetricNames.LAST_INCIDENT_PHASE, bits, value -> Double.longBitsToDouble(value.get()))
          .description("Phase durations of the last closed incident (NaN: not reached)")
          .baseUnit("seconds").tag(MetricNames.TAG_PHASE, phase).strongReference(true).register(registry);
    }
    failovers = Counter.builder(MetricNames.FAILOVERS).description("Promotions the monitor saw").register(registry);
    incidents = Counter.builder(MetricNames.INCIDENTS).description("Incidents opened").register(registry);
    for (TopologyEvent.Type type : TopologyEvent.Type.values()) {
      events.put(type, Counter.builder(MetricNames.TOPOLOGY_EVENTS).description("Topology changes by type")
          .tag(MetricNames.TAG_TYPE, type.label()).register(registry));
    }
    pollDuration = Timer.builder(MetricNames.TOPOLOGY_POLL_DURATION)
        .description("One poll of every node, all answers or deadlines included")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
  }

  /** One command of the probe of a suspected shard ({@link ShardProbe}); a few label pairs, registered once. */
  void probed(String command, String outcome) {
    probeCommands.computeIfAbsent(command + "/" + outcome, key -> Counter.builder(MetricNames.MONITOR_PROBE_COMMANDS)
        .description("The monitor's probe of a suspected shard, apart from every client's commands")
        .tag(MetricNames.TAG_COMMAND, command).tag(MetricNames.TAG_OUTCOME, outcome).register(registry)).increment();
  }

  void pollCompleted(long nanos) {
    pollDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  void snapshot(TopologySnapshot snapshot) {
    stateOk.set(TopologyFacts.STATE_OK.equals(snapshot.clusterState()) ? 1 : 0);
    masters.set(snapshot.masters());
    uncoveredSlots.set(snapshot.uncoveredSlots());
    Set<String> present = new HashSet<>();
    for (NodeStatus node : snapshot.nodes()) {
      present.add(node.address());
      NodeGauges gauges = nodes.computeIfAbsent(node.address(), this::register);
      boolean down = !node.reachable() || node.flags().contains(TopologyFacts.FLAG_FAIL);
      gauges.role.set(down ? -1 : TopologyFacts.MASTER.equals(node.role()) ? 1 : 0);
      gauges.reachable.set(node.reachable() ? 1 : 0);
      gauges.linkUp.set(node.linkUp() ? 1 : 0);
    }
    nodes.entrySet().removeIf(entry -> {
      if (present.contains(entry.getKey())) {
        return false;
      }
      entry.getValue().meters.forEach(registry::remove);
      return true;
    });
  }

  void topologyEvent(TopologyEvent event) {
    events.get(event.type()).increment();
    if (event.type() == TopologyEvent.Type.PROMOTED) {
      failovers.increment();
    }
  }

  /**
   * The incident's milestones as epoch seconds, for the dashboard's annotations. Registered at the
   * first value, so no series exists (and no annotation is drawn) before a milestone was reached.
   */
  void milestones(IncidentReport report) {
    IncidentReport.Milestones m = report.milestones();
    setMilestone(MetricNames.MILESTONE_FAULT_INJECTED, m.faultInjectedAt());
    setMilestone(MetricNames.MILESTONE_FAIL_AGREED, m.failAgreedAt());
    setMilestone(MetricNames.MILESTONE_PROMOTED, m.promotedAt());
  }

  private void setMilestone(String milestone, Long epochMs) {
    if (epochMs == null) {
      return;
    }
    milestoneMs.computeIfAbsent(milestone, name -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder(MetricNames.INCIDENT_MILESTONE_TIMESTAMP, value, v -> v.get() / 1000.0)
          .description("When the latest incident reached a milestone (epoch seconds)").baseUnit("seconds")
          .tag(MetricNames.TAG_MILESTONE, name).strongReference(true).register(registry);
      return value;
    }).set(epochMs);
  }

  /** The journal's state, read at each scrape (it changes on its writer thread). */
  void journal(Journal journal) {
    Gauge.builder(MetricNames.MONITOR_JOURNAL_FAILING, journal, j -> j.failing() ? 1 : 0)
        .description("1 while the incident journal cannot write; the monitor serves from memory meanwhile")
        .strongReference(true).register(registry);
    Gauge.builder(MetricNames.MONITOR_JOURNAL_BYTES, journal, Journal::bytes).baseUnit("bytes")
        .description("Size of the incident journal").strongReference(true).register(registry);
    FunctionCounter.builder(MetricNames.MONITOR_JOURNAL_DROPPED, journal, Journal::droppedRecords)
        .description("Records the journal could not write (queue full, write failed)").register(registry);
    Counter.builder(MetricNames.MONITOR_JOURNAL_SKIPPED)
        .description("Records unreadable at load (torn, corrupted), moved aside with their file").register(registry)
        .increment(journal.loaded().skipped().size());
  }

  void incidentOpened() {
    incidents.increment();
    incidentActive.set(1);
  }

  void incidentClosed(IncidentReport report) {
    incidentActive.set(0);
    IncidentReport.Durations durations = report.durations();
    setPhase(MetricNames.PHASE_DETECTION, durations.detection());
    setPhase(MetricNames.PHASE_ELECTION, durations.election());
    setPhase(MetricNames.PHASE_CLIENT_RECOVERY, durations.clientRecoveryAfterPromotion());
    setPhase(MetricNames.PHASE_WRITE_UNAVAILABILITY, durations.writeUnavailability());
    setPhase(MetricNames.PHASE_TOTAL, report.closedAt() == null ? null : report.closedAt() - report.openedAt());
  }

  private void setPhase(String phase, Long millis) {
    double seconds = millis == null ? Double.NaN : millis / 1000.0;
    phaseBits.get(phase).set(Double.doubleToLongBits(seconds));
  }

  private NodeGauges register(String address) {
    NodeGauges gauges = new NodeGauges();
    gauges.meters = List.of(
        Gauge.builder(MetricNames.NODE_ROLE, gauges.role, AtomicInteger::get)
            .description("1 master, 0 replica, -1 unreachable or failed")
            .tag(MetricNames.TAG_NODE, address).strongReference(true).register(registry),
        Gauge.builder(MetricNames.NODE_REACHABLE, gauges.reachable, AtomicInteger::get)
            .description("1 when the monitor's last poll of the node got an answer")
            .tag(MetricNames.TAG_NODE, address).strongReference(true).register(registry),
        Gauge.builder(MetricNames.NODE_LINK_UP, gauges.linkUp, AtomicInteger::get)
            .description("Replicas: master_link_status up; masters: reachable")
            .tag(MetricNames.TAG_NODE, address).strongReference(true).register(registry));
    return gauges;
  }
}
