package io.failoverlab.drill;

import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.IncidentReport.Durations;
import io.failoverlab.common.contract.IncidentReport.Milestones;
import io.failoverlab.common.contract.IncidentReport.SlotMove;
import io.failoverlab.measure.FailoverRecord;
import io.failoverlab.stack.LabOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Rows, timelines and reports with chosen numbers, for the pure tests of the report. */
final class DrillFixtures {

  static final long T0 = 1_700_000_000_000L;

  private DrillFixtures() {
  }

  /** A crash failover of {@code target} at T0 + offset with the given phase durations (ms). */
  static FailoverRecord row(int index, String target, String promoted, long offset, Long detection, Long election,
                         Long clientRecovery, Long unavailability, long lost, long healthyErrors) {
    long fault = T0 + offset;
    Long fail = detection == null ? null : fault + detection;
    Long promotedAt = fail == null || election == null ? null : fail + election;
    Long writer = promotedAt == null || clientRecovery == null ? null : promotedAt + clientRecovery;
    Milestones milestones = new Milestones(fault, fault + 40, fail == null ? null : fail - 500, fail, promotedAt, promotedAt, writer,
        writer == null ? null : writer + 5);
    Durations durations = new Durations(detection, detection == null ? null : "fault_injected", election,
        clientRecovery, unavailability);
    IncidentReport incident = new IncidentReport("inc-" + index, IncidentReport.State.CLOSED, fault, fault + 6000,
        "fault_injected", "monitor wall clock", 200, milestones, Map.of(), durations, target, "0-5460", promoted,
        List.of(new SlotMove("0-5460", target, promoted)), Map.of("writer", Map.of("moved", 100L, "connection", 2L),
            "reader", Map.of("moved", 90L)), Map.of("writer", healthyErrors, "reader", 0L), lost, 1, List.of(),
        List.of(), 0, List.of());
    FailoverRecord.Fault what = new FailoverRecord.Fault("crash", target, target, "chaos-" + index,
        "SIGKILL of the redis-server process", fault);
    return FailoverRecord.builder(index, what, "0-5460").promoted(promoted).incident(incident)
        .restored(fault + 7000, fault + 8000).build();
  }

  static List<FailoverRecord> threeRows() {
    return List.of(
        row(1, "127.0.0.1:7000", "127.0.0.1:7003", 5_000, 1646L, 870L, -154L, 2247L, 0, 0),
        row(2, "127.0.0.1:7001", "127.0.0.1:7004", 15_000, 1589L, 604L, -85L, 2097L, 2, 0),
        row(3, "127.0.0.1:7002", "127.0.0.1:7005", 25_000, 1604L, 1006L, -159L, 2383L, 0, 3));
  }

  /** Two services at 200 ops/s with a dip and errors around each fault, plus the markers of each row. */
  static Timeline.Data timeline(List<FailoverRecord> rows) {
    Timeline timeline = new Timeline(Timeline.DEFAULT_MAX_POINTS, Timeline.DEFAULT_MAX_MARKERS);
    for (int second = 1; second <= 35; second++) {
      long t = T0 + second * 1000L;
      boolean trouble = rows.stream().anyMatch(r -> t > r.faultAt() && t <= r.faultAt() + 3000);
      for (String service : List.of("writer", "reader")) {
        timeline.add(new Timeline.Point(service, t, 1000, trouble ? 130 : 200, trouble ? 16 : 0, trouble ? 900 : 0));
      }
    }
    for (FailoverRecord row : rows) {
      timeline.add(new Timeline.Marker(Timeline.MarkerKind.FAULT, row.faultAt(), row.target(), "crash " + row.target()));
      if (row.milestones().failAgreedAt() != null) {
        timeline.add(new Timeline.Marker(Timeline.MarkerKind.NODE_FAIL, row.milestones().failAgreedAt(), row.target(),
            row.target() + " is flagged FAIL"));
      }
      if (row.milestones().promotedAt() != null) {
        timeline.add(new Timeline.Marker(Timeline.MarkerKind.PROMOTED, row.milestones().promotedAt(),
            row.promoted(), row.promoted() + " was promoted"));
        timeline.add(new Timeline.Marker(Timeline.MarkerKind.CLUSTER_OK, row.milestones().clusterOkAt(), null,
            "cluster_state is ok"));
      }
      timeline.add(new Timeline.Marker(Timeline.MarkerKind.RESTART, row.restoredAt(), row.target(),
          "restart " + row.target()));
    }
    return timeline.data();
  }

  static DrillOptions options() {
    return DrillOptions.defaults(LabOptions.defaults());
  }

  static DrillReport report(List<FailoverRecord> rows, DrillOptions options, String error) {
    return new DrillReport(options.toJson(), T0, T0 + 40_000, error,
        "monitor wall clock, epoch ms; topology timestamps precise to one poll interval = 200 ms", 200L,
        new ArrayList<>(rows), ThresholdCheck.evaluate(options, rows), timeline(rows));
  }
}
