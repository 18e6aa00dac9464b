package io.failoverlab.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.OutageEvent;
import io.failoverlab.common.contract.TopologyEvent;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract record lives in common (which has no tests of its own); its JSON is checked here. */
class IncidentReportJsonTest {

  @Test
  void closedReportSurvivesJson() {
    IncidentReport report = new IncidentReport("inc-7", IncidentReport.State.CLOSED, 1000, 9000L, "node_fail",
        "monitor wall clock, epoch ms; topology timestamps precise to one poll interval = 200 ms", 200,
        new IncidentReport.Milestones(1000L, 1005L, 2400L, 3400L, 4400L, 4400L, 4450L, null),
        Map.of("faultInjectedAt", 0L, "suspectedAt", 5L, "failAgreedAt", 6L, "promotedAt", 4L, "clusterOkAt", 200L),
        new IncidentReport.Durations(2400L, "fault_injected", 1000L, 50L, 3445L),
        "10.0.0.1:7000", "0-5460", "10.0.0.1:7003",
        List.of(new IncidentReport.SlotMove("0-5460", "10.0.0.1:7000", "10.0.0.1:7003")),
        Map.of("writer", Map.of("connection", 12L, "timeout", 3L)), Map.of("writer", 0L), 1, 4,
        List.of(new OutageEvent("writer", "w1", OutageEvent.Phase.END, "0-5460", 4450, 1005, 3445,
            Map.of("connection", 12L), 2)),
        List.of(new TopologyEvent(TopologyEvent.Type.PROMOTED, 4400, "10.0.0.1:7003", "id-7003", "promoted",
            new JsonObject().put("slots", "0-5460").put("previousMaster", "10.0.0.1:7000"))),
        0, List.of("Fault injected: crash of 10.0.0.1:7000.", "Replica 10.0.0.1:7003 took writes for its slots +3400 ms."));

    JsonObject json = new JsonObject(report.toJson().encode());

    assertThat(IncidentReport.fromJson(json)).isEqualTo(report);
    assertThat(json.getString("state")).isEqualTo("closed");
    assertThat(json.getJsonObject("milestones").getLong("promotedAt")).isEqualTo(4400);
    assertThat(json.getJsonObject("milestones").containsKey("readerRecoveredAt")).as("null, but present").isTrue();
    assertThat(json.getJsonObject("durationsMs").getLong("election")).isEqualTo(1000);
    assertThat(json.getJsonObject("milestonePrecisionMs").getLong("promotedAt")).isEqualTo(4);
    assertThat(json.getJsonArray("slotsMoved").getJsonObject(0).getString("to")).isEqualTo("10.0.0.1:7003");
    assertThat(json.getJsonObject("errorsByService").getJsonObject("writer").getLong("connection")).isEqualTo(12);
  }

  @Test
  void openReportWithNothingKnownSurvivesJson() {
    IncidentReport report = new IncidentReport("inc-1", IncidentReport.State.OPEN, 5, null, "client_outage", "clock",
        200, null, null, null, null, null, null, List.of(), Map.of(), Map.of(), 0, 0, List.of(), List.of(), 0,
        null);
    assertThat(IncidentReport.fromJson(report.toJson())).isEqualTo(report);
    assertThat(report.milestones()).isEqualTo(IncidentReport.Milestones.NONE);
    assertThat(report.toJson().getValue("closedAt")).isNull();
  }

  @Test
  void anInterruptedIncidentSaysSoAndOlderJsonReadsAsNotInterrupted() {
    IncidentReport open = new IncidentReport("inc-3", IncidentReport.State.OPEN, 5, null, "fault_injected", "clock",
        200, new IncidentReport.Milestones(5L, null, 900L, 1400L, null, null, null, null), null, null, null, null,
        null, List.of(), Map.of(), Map.of(), 0, 0, List.of(), List.of(), 0, List.of("Fault injected."));
    IncidentReport interrupted = open.interrupted(1500, "The monitor stopped.");

    assertThat(interrupted.interrupted()).isTrue();
    assertThat(interrupted.state()).isEqualTo(IncidentReport.State.CLOSED);
    assertThat(interrupted.closedAt()).isEqualTo(1500);
    assertThat(interrupted.milestones()).isEqualTo(open.milestones());
    assertThat(interrupted.explanation()).containsExactly("Fault injected.", "The monitor stopped.");
    assertThat(IncidentReport.fromJson(interrupted.toJson())).isEqualTo(interrupted);
    assertThat(interrupted.toJson().getBoolean("interrupted")).isTrue();

    JsonObject older = open.toJson();
    older.remove("interrupted");
    assertThat(IncidentReport.fromJson(older).interrupted()).isFalse();
  }
}
