package io.failoverlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.testsupport.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bench end to end, as small as it gets: one crash failover (with the oracle, the router probe
 * and Lettuce), one short throughput round against redis-benchmark with the writer and reader jars.
 * Checks the tables come out and the figures are sane, not that targets are met (a shared 2-core
 * machine is too noisy for timed assertions). Ports 8200-8205 and 8220-8225 only.
 */
class BenchSmokeIT {

  @Test
  void oneFailoverAndOneThroughputRoundProduceTheirTablesWithSaneFigures() throws Exception {
    BenchRun run = BenchRun.execute("BenchSmokeIT", Map.of("KEY_PREFIX", "benchsmoke"),
        Path.of("target", "bench-smoke", "bench.json"), "--only", "recovery,unavailability,blast,lettuce,throughput",
        "--failovers", "1", "--coverage-yes-failovers", "0", "--port-base", "8200", "--baseline-ms", "1000",
        "--throughput-seconds", "2", "--throughput-rounds", "1", "--warmup-seconds", "1");
    assertThat(run.printed()).contains("1. Recovery lag behind the oracle", "2. Unavailability per failover",
        "3. Blast radius", "4. Side by side with Lettuce", "5. Throughput against redis-benchmark", "Targets");

    JsonObject report = run.report();
    JsonArray failovers = report.getJsonArray("recoveryFailovers");
    assertThat(failovers).hasSize(1);
    JsonObject failover = failovers.getJsonObject(0);
    long kill = failover.getLong("killAt");
    long oracle = failover.getLong("oracleAt");
    // Detection (node timeout 1000 ms) plus election: seconds, not milliseconds, not minutes.
    assertThat(oracle - kill).isBetween(500L, 30_000L);
    for (String client : new String[] {"writerAt", "readerAt", "probeAt"}) {
      assertThat(failover.getLong(client)).as(client).isNotNull();
      assertThat(Math.abs(failover.getLong(client) - oracle)).as(client + " behind the oracle").isLessThan(5_000L);
    }
    assertThat(failover.getLong("writerHealthyErrors")).isZero();
    assertThat(failover.getString("promoted")).startsWith("127.0.0.1:820");

    JsonObject throughput = table(report, "5. Throughput");
    JsonArray round = throughput.getJsonArray("rows").getJsonArray(0);
    assertThat(Long.parseLong(round.getString(1))).as("redis-benchmark INCR ops/s").isPositive();
    assertThat(Long.parseLong(round.getString(2))).as("writer ops/s").isPositive();
    assertThat(Long.parseLong(round.getString(5))).as("writer + reader ops/s").isPositive();
    assertThat(report.getJsonArray("targets")).isNotEmpty();
    assertThat(report.getJsonArray("errors")).isEmpty();

    // Both clusters' nodes are gone: their client ports and their cluster bus ports (+10000).
    Ports.assertFree(8200, 8205);
    Ports.assertFree(8220, 8225);
    Ports.assertFree(18200, 18205);
    Ports.assertFree(18220, 18225);
  }

  /** The table of {@code report} (the bench's --json) whose title starts so. */
  static JsonObject table(JsonObject report, String titlePrefix) {
    JsonArray tables = report.getJsonArray("tables");
    for (int i = 0; i < tables.size(); i++) {
      if (tables.getJsonObject(i).getString("title").startsWith(titlePrefix)) {
        return tables.getJsonObject(i);
      }
    }
    throw new AssertionError("no table " + titlePrefix + " in " + tables.encode());
  }
}
