package io.failoverlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.testsupport.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * bench --only timing against real redis-server processes, as small as it gets: one point (node
 * timeout 500 ms, 3 masters x 1 replica, the system redis-server), one crash failover. Checks the
 * milestones come in the order a failover passes them, that nothing is faster than the node timeout
 * allows, and that the report is written. Ports 8180-8185 (bus 18180-18185) only.
 */
class TimingIT {

  @Test
  void oneFailoverAtNodeTimeout500PassesItsMilestonesInOrderAndWritesTheReport() throws Exception {
    Path dir = Path.of("target", "timing-it");
    Path json = dir.resolve("bench.json");
    Path html = dir.resolve(TimingHtml.FILE_NAME);
    Files.deleteIfExists(html);
    BenchRun run = BenchRun.execute("TimingIT", Map.of(), json, "--only", "timing", "--port-base", "8100",
        "--node-timeout-ms", "500", "--timing-node-timeouts", "500", "--redis-server", "system", "--timing-shapes",
        "3x1", "--timing-failovers", "1", "--timing-out", dir.toString());
    assertThat(run.printed()).contains("10. Failover timing against cluster-node-timeout",
        "10b. Failover timing by redis-server", "10c. Failover timing by cluster shape");

    JsonObject report = run.report();
    JsonArray points = report.getJsonObject("timing").getJsonArray("points");
    assertThat(points).as("node timeout 500 is every axis's point: it runs once").hasSize(1);
    JsonObject point = points.getJsonObject(0);
    assertThat(point.getString("error")).isNull();
    JsonArray failovers = point.getJsonArray("failovers");
    assertThat(failovers).hasSize(1);
    JsonObject failover = failovers.getJsonObject(0);
    long killAt = failover.getLong("killAt");
    long pfailAt = failover.getLong("pfailAt");
    long failAt = failover.getLong("failAt");
    long promotedAt = failover.getLong("promotedAt");
    long writableAt = failover.getLong("writableAt");
    assertThat(killAt).isLessThanOrEqualTo(pfailAt);
    assertThat(pfailAt).isLessThanOrEqualTo(failAt);
    assertThat(failAt).isLessThanOrEqualTo(promotedAt);
    assertThat(promotedAt).isLessThanOrEqualTo(writableAt);
    assertThat(failover.getLong("totalMs")).as("kill to writable").isGreaterThanOrEqualTo(500L)
        .isEqualTo(writableAt - killAt);
    assertThat(failover.getString("promoted")).startsWith("127.0.0.1:818");

    String page = Files.readString(html);
    assertThat(page).contains("<svg", "class=\"window detection\"", "10. Failover timing against cluster-node-timeout",
        "10b. Failover timing by redis-server", "10c. Failover timing by cluster shape");
    assertThat(page).as("self-contained").doesNotContain("<script", "src=\"http", "href=\"http");

    Ports.assertFree(8180, 8185);
    Ports.assertFree(18180, 18185);
  }
}
