package io.failoverlab.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.config.Env;
import io.failoverlab.localcluster.LocalClusterConfig;
import io.failoverlab.testsupport.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * The drill against an existing cluster (--redis-nodes): here a cluster on 7640-7645 that the drill
 * did not start, so faults go through Redis commands and a crashed node cannot be restarted. It keeps
 * Redis's default cluster-require-full-coverage yes: the whole cluster refuses commands between FAIL
 * and promotion, which is what the blast-radius threshold is there to catch.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrillExternalIT {

  private static final int BASE = 7640;
  private static final Path OUT = Path.of("target", "drill-it");

  private static TestCluster redis;

  @BeforeAll
  static void startCluster() throws Exception {
    redis = TestCluster.start(LocalClusterConfig.defaults().withPortBase(BASE).withNodeTimeoutMs(1000)
        .withRequireFullCoverage(true), Duration.ofSeconds(120));
  }

  @AfterAll
  static void stopCluster() {
    if (redis != null) {
      redis.close();
    }
  }

  private record Result(int exit, String out, String err, JsonObject report) {
  }

  private static Result drill(String name, String... args) throws Exception {
    Path out = OUT.resolve(name);
    Files.createDirectories(out);
    Files.deleteIfExists(out.resolve("report.json"));
    StringWriter printed = new StringWriter();
    StringWriter errors = new StringWriter();
    CommandLine command = new CommandLine(new DrillCommand(
        new Env(Map.of("INCIDENT_QUIET_MS", "1500", "KEY_PREFIX", "drillext" + System.nanoTime())), lab -> { }));
    command.setOut(new PrintWriter(printed, true));
    command.setErr(new PrintWriter(errors, true));
    String[] all = new String[args.length + 4];
    all[0] = "--redis-nodes";
    all[1] = "127.0.0.1:" + BASE;
    all[2] = "--out";
    all[3] = out.toString();
    System.arraycopy(args, 0, all, 4, args.length);
    int exit = command.execute(all);
    System.out.println("DrillExternalIT " + name + " output:\n" + printed + errors);
    return new Result(exit, printed.toString(), errors.toString(),
        new JsonObject(Files.readString(out.resolve("report.json"))));
  }

  @Test
  @Order(1)
  void hungMastersOfAFullCoverageClusterAreReportedAndMissTheBlastRadiusThreshold() throws Exception {
    Result result = drill("external-hang", "--action", "hang", "--hang-seconds", "3", "--failovers", "2",
        "--max-healthy-shard-errors", "0", "--max-lost-writes", "0");

    // Every failover completed; the healthy shards' CLUSTERDOWN errors miss the threshold: exit 1, named.
    assertThat(result.exit()).as("exit code; stderr %s", result.err()).isEqualTo(1);
    assertThat(result.err()).contains("threshold missed: --max-healthy-shard-errors 0: errors on healthy shards (total)");
    assertThat(result.report().getString("status")).isEqualTo("threshold_missed");
    assertThat(result.report().getJsonObject("settings").getString("mode")).isEqualTo("external");
    JsonArray rows = result.report().getJsonArray("failovers");
    assertThat(rows).hasSize(2);
    long healthyShardErrors = 0;
    for (Object item : rows) {
      JsonObject row = (JsonObject) item;
      assertThat(row.getString("method")).startsWith("DEBUG SLEEP 3");
      assertThat(row.getString("failedNode")).isEqualTo(row.getString("target"));
      JsonObject m = row.getJsonObject("milestones");
      assertThat(m.getLong("failAgreedAt")).isGreaterThanOrEqualTo(row.getLong("faultAt"));
      assertThat(m.getLong("promotedAt")).isGreaterThanOrEqualTo(m.getLong("failAgreedAt"));
      assertThat(row.getLong("restoredAt")).as("nothing to restart after a hang").isNull();
      assertThat(row.getJsonObject("errorsByService").getJsonObject("writer").getLong("clusterdown")).isPositive();
      healthyShardErrors += row.getLong("healthyShardErrorsTotal");
    }
    JsonArray thresholds = result.report().getJsonArray("thresholds");
    assertThat(thresholds.getJsonObject(0).getString("option")).isEqualTo("--max-lost-writes");
    assertThat(thresholds.getJsonObject(0).getBoolean("passed")).isTrue();
    assertThat(thresholds.getJsonObject(1).getLong("actual")).isEqualTo(healthyShardErrors).isPositive();
    assertThat(thresholds.getJsonObject(1).getBoolean("passed")).isFalse();
    // The drill stopped its own services only: the cluster it was pointed at keeps running.
    redis.cluster().awaitHealthy(Duration.ofSeconds(60)).await(70, TimeUnit.SECONDS);
  }

  @Test
  @Order(2)
  void aCrashThatCannotBeUndoneFailsTheDrillWithAClearMessage() throws Exception {
    Result result = drill("external-crash", "--action", "crash", "--failovers", "2", "--phase-timeout-s", "10");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).contains("cannot be restarted from here");
    JsonObject report = result.report();
    assertThat(report.getString("status")).isEqualTo("failed");
    assertThat(report.getJsonArray("failovers")).hasSize(1);
    String crashed = report.getJsonArray("failovers").getJsonObject(0).getString("target");
    assertThat(report.getString("error")).contains("healthy cluster after failover 1/2")
        .contains("not reached within 10 s").contains(crashed + " does not answer the monitor");
    assertThat(result.out()).contains("drill failed: " + report.getString("error"));
  }
}
