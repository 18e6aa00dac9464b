package io.failoverlab.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrillReportJsonTest {

  @Test
  void reportJsonHasSettingsRowsSummaryThresholdsAndTimeline() {
    DrillOptions options = DrillFixtures.options().withThresholds(5000L, 0L, 10L);
    JsonObject json = new JsonObject(DrillFixtures.report(DrillFixtures.threeRows(), options, null).toJson().encode());

    assertThat(json.fieldNames()).containsExactlyInAnyOrder("status", "passed", "error", "startedAt", "finishedAt",
        "settings", "clock", "pollIntervalMs", "failoversCompleted", "failovers", "summary", "thresholds", "timeline");
    assertThat(json.getString("status")).isEqualTo("threshold_missed");
    assertThat(json.getBoolean("passed")).isFalse();
    assertThat(json.getString("clock")).contains("monitor wall clock").contains("200 ms");
    assertThat(json.getJsonObject("settings").getString("action")).isEqualTo("crash");
    assertThat(json.getJsonObject("settings").getString("target")).isEqualTo("round-robin");

    JsonArray failovers = json.getJsonArray("failovers");
    assertThat(failovers).hasSize(3);
    JsonObject first = failovers.getJsonObject(0);
    assertThat(first.fieldNames()).contains("index", "action", "target", "shard", "actedOn", "chaosId", "faultAt",
        "incidentId", "failedNode", "promotedNode", "milestones", "milestonePrecisionMs", "explanation", "durationsMs", "lostWrites", "unknownOutcomeWrites",
        "errorsByService", "healthyShardErrors", "healthyShardErrorsTotal", "slotsMoved", "restoredAt", "healthyAt");
    assertThat(first.getJsonObject("milestones").fieldNames()).containsExactlyInAnyOrder("faultInjectedAt",
        "firstClientErrorAt", "suspectedAt", "failAgreedAt", "promotedAt", "clusterOkAt", "writerRecoveredAt", "readerRecoveredAt");
    assertThat(first.getJsonObject("durationsMs").getLong("writeUnavailability")).isEqualTo(2247L);
    assertThat(first.getJsonObject("errorsByService").getJsonObject("writer").getLong("moved")).isEqualTo(100L);
    assertThat(first.getJsonArray("slotsMoved").getJsonObject(0).getString("to")).isEqualTo("127.0.0.1:7003");

    JsonObject summary = json.getJsonObject("summary");
    for (String measure : List.of("detection", "election", "clientRecoveryAfterPromotion", "writeUnavailability",
        "lostWrites", "healthyShardErrors")) {
      assertThat(summary.getJsonObject(measure).fieldNames()).as(measure)
          .containsExactlyInAnyOrder("count", "min", "median", "p95", "max");
    }
    assertThat(summary.getJsonObject("writeUnavailability").getLong("median")).isEqualTo(2247L);
    assertThat(summary.getLong("lostWritesTotal")).isEqualTo(2L);
    assertThat(summary.getLong("healthyShardErrorsTotal")).isEqualTo(3L);

    JsonArray thresholds = json.getJsonArray("thresholds");
    assertThat(thresholds).hasSize(3);
    assertThat(thresholds.getJsonObject(0).getString("option")).isEqualTo("--max-unavailability-ms");
    assertThat(thresholds.getJsonObject(0).getBoolean("passed")).isTrue();
    assertThat(thresholds.getJsonObject(1).getString("option")).isEqualTo("--max-lost-writes");
    assertThat(thresholds.getJsonObject(1).getBoolean("passed")).isFalse();
    assertThat(thresholds.getJsonObject(1).getLong("actual")).isEqualTo(2L);

    JsonObject timeline = json.getJsonObject("timeline");
    assertThat(timeline.getJsonArray("points")).hasSize(70);
    assertThat(timeline.getJsonArray("points").getJsonObject(0).fieldNames())
        .containsExactlyInAnyOrder("service", "timestamp", "intervalMs", "succeeded", "failed", "commandErrors");
    assertThat(timeline.getJsonArray("markers").getJsonObject(0).getString("kind")).isEqualTo("fault");
  }

  @Test
  void aFailedDrillSaysWhyAndDoesNotPass() {
    JsonObject json = DrillFixtures.report(DrillFixtures.threeRows().subList(0, 1), DrillFixtures.options(),
        "failover 2/3: incident closed not reached within 120 s").toJson();
    assertThat(json.getString("status")).isEqualTo("failed");
    assertThat(json.getBoolean("passed")).isFalse();
    assertThat(json.getString("error")).contains("failover 2/3");
    assertThat(json.getInteger("failoversCompleted")).isEqualTo(1);
  }
}
