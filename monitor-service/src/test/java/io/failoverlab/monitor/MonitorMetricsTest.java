package io.failoverlab.monitor;

import static io.failoverlab.monitor.TestTopology.flagged;
import static io.failoverlab.monitor.TestTopology.linkDown;
import static io.failoverlab.monitor.TestTopology.snapshot;
import static io.failoverlab.monitor.TestTopology.unreachable;
import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.MetricNames;
import io.failoverlab.common.contract.TopologyEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MonitorMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MonitorMetrics metrics = new MonitorMetrics(registry);

  private double gauge(String name, String node) {
    return registry.get(name).tag(MetricNames.TAG_NODE, node).gauge().value();
  }

  @Test
  void nodeGaugesFollowTheSnapshot() {
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    metrics.snapshot(cluster.at(0));
    assertThat(gauge(MetricNames.NODE_ROLE, "10.0.0.1:7000")).isEqualTo(1);
    assertThat(gauge(MetricNames.NODE_ROLE, "10.0.0.1:7003")).isEqualTo(0);
    assertThat(registry.get(MetricNames.CLUSTER_MASTERS).gauge().value()).isEqualTo(3);
    assertThat(registry.get(MetricNames.CLUSTER_STATE_OK).gauge().value()).isEqualTo(1);

    cluster.m0 = flagged(unreachable(cluster.m0), "fail");
    cluster.r0 = linkDown(cluster.r0);
    cluster.state = TopologyFacts.STATE_FAIL;
    metrics.snapshot(cluster.at(200));
    assertThat(gauge(MetricNames.NODE_ROLE, "10.0.0.1:7000")).as("down, still listed").isEqualTo(-1);
    assertThat(gauge(MetricNames.NODE_REACHABLE, "10.0.0.1:7000")).isEqualTo(0);
    assertThat(gauge(MetricNames.NODE_LINK_UP, "10.0.0.1:7003")).isEqualTo(0);
    assertThat(registry.get(MetricNames.CLUSTER_MASTERS).gauge().value()).isEqualTo(2);
    assertThat(registry.get(MetricNames.CLUSTER_UNCOVERED_SLOTS).gauge().value()).isEqualTo(5461);
    assertThat(registry.get(MetricNames.CLUSTER_STATE_OK).gauge().value()).isEqualTo(0);
  }

  @Test
  void aNodeThatLeftEveryNodeTableLosesItsGauges() {
    TestTopology.Cluster cluster = new TestTopology.Cluster();
    metrics.snapshot(cluster.at(0));
    assertThat(registry.find(MetricNames.NODE_ROLE).gauges()).hasSize(6);

    metrics.snapshot(snapshot(200, cluster.m0, cluster.m1, cluster.m2, cluster.r0, cluster.r1));
    assertThat(registry.find(MetricNames.NODE_ROLE).tag(MetricNames.TAG_NODE, "10.0.0.1:7005").gauge()).isNull();
    assertThat(registry.find(MetricNames.NODE_REACHABLE).tag(MetricNames.TAG_NODE, "10.0.0.1:7005").gauge()).isNull();
    assertThat(registry.find(MetricNames.NODE_LINK_UP).tag(MetricNames.TAG_NODE, "10.0.0.1:7005").gauge()).isNull();
    assertThat(registry.find(MetricNames.NODE_ROLE).gauges()).hasSize(5);

    metrics.snapshot(cluster.at(400));
    assertThat(gauge(MetricNames.NODE_ROLE, "10.0.0.1:7005")).as("back, registered again").isEqualTo(0);
  }

  @Test
  void eventsAreCountedByTypeAndPromotionsAsFailovers() {
    metrics.topologyEvent(new TopologyEvent(TopologyEvent.Type.NODE_FAIL, 0, "n", "i", "", new JsonObject()));
    metrics.topologyEvent(new TopologyEvent(TopologyEvent.Type.PROMOTED, 0, "n", "i", "", new JsonObject()));
    assertThat(registry.get(MetricNames.TOPOLOGY_EVENTS).tag(MetricNames.TAG_TYPE, "promoted").counter().count())
        .isEqualTo(1);
    assertThat(registry.get(MetricNames.TOPOLOGY_EVENTS).tag(MetricNames.TAG_TYPE, "demoted").counter().count())
        .as("registered at zero").isZero();
    assertThat(registry.get(MetricNames.FAILOVERS).counter().count()).isEqualTo(1);
  }

  @Test
  void lastIncidentPhasesAreSecondsAndNaNWhenNotReached() {
    assertThat(registry.get(MetricNames.LAST_INCIDENT_PHASE).tag(MetricNames.TAG_PHASE, "election").gauge().value())
        .isNaN();
    metrics.incidentOpened();
    assertThat(registry.get(MetricNames.INCIDENT_ACTIVE).gauge().value()).isEqualTo(1);
    metrics.incidentClosed(new IncidentReport("inc-1", IncidentReport.State.CLOSED, 1000, 8000L, "node_fail", "c", 200,
        null, null, new IncidentReport.Durations(2500L, "monitor", 1000L, null, 3600L), null, null, null, List.of(),
        Map.of(), Map.of(), 0, 0, List.of(), List.of(), 0, List.of()));
    assertThat(registry.get(MetricNames.INCIDENT_ACTIVE).gauge().value()).isZero();
    assertThat(registry.get(MetricNames.INCIDENTS).counter().count()).isEqualTo(1);
    assertThat(registry.get(MetricNames.LAST_INCIDENT_PHASE).tag(MetricNames.TAG_PHASE, "election").gauge().value())
        .isEqualTo(1.0);
    assertThat(registry.get(MetricNames.LAST_INCIDENT_PHASE).tag(MetricNames.TAG_PHASE, "detection").gauge().value())
        .isEqualTo(2.5);
    assertThat(registry.get(MetricNames.LAST_INCIDENT_PHASE).tag(MetricNames.TAG_PHASE, "client_recovery").gauge()
        .value()).isNaN();
    assertThat(registry.get(MetricNames.LAST_INCIDENT_PHASE).tag(MetricNames.TAG_PHASE, "total").gauge().value())
        .isEqualTo(7.0);
  }

  @Test
  void theIncidentsMilestonesAreEpochSecondsForTheAnnotationsAndAbsentUntilReached() {
    IncidentReport.Milestones m = new IncidentReport.Milestones(1_700_000_000_123L, null, null, null, null, null, null,
        null);
    metrics.milestones(new IncidentReport("inc-1", IncidentReport.State.OPEN, 1000, null, "fault_injected", "c", 200,
        m, null, null, null, null, null, List.of(), Map.of(), Map.of(), 0, 0, List.of(), List.of(), 0, List.of()));
    assertThat(registry.get(MetricNames.INCIDENT_MILESTONE_TIMESTAMP).tag(MetricNames.TAG_MILESTONE, "fault_injected")
        .gauge().value()).isEqualTo(1_700_000_000.123);
    assertThat(registry.find(MetricNames.INCIDENT_MILESTONE_TIMESTAMP).tag(MetricNames.TAG_MILESTONE, "promoted")
        .gauge()).as("no promotion yet: no series, no annotation").isNull();

    m = new IncidentReport.Milestones(1_700_000_000_123L, null, null, 1_700_000_002_500L, 1_700_000_003_007L, null,
        null, null);
    metrics.milestones(new IncidentReport("inc-1", IncidentReport.State.OPEN, 1000, null, "fault_injected", "c", 200,
        m, null, null, null, null, null, List.of(), Map.of(), Map.of(), 0, 0, List.of(), List.of(), 0, List.of()));
    assertThat(registry.get(MetricNames.INCIDENT_MILESTONE_TIMESTAMP).tag(MetricNames.TAG_MILESTONE, "fail_agreed")
        .gauge().value()).isEqualTo(1_700_000_002.5);
    assertThat(registry.get(MetricNames.INCIDENT_MILESTONE_TIMESTAMP).tag(MetricNames.TAG_MILESTONE, "promoted")
        .gauge().value()).isEqualTo(1_700_000_003.007);
  }
}
