package io.failoverlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.testsupport.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code bench --only migration}, as small as it gets: one migration of 100 slots on a filled cluster
 * with one client under test beside the writer and reader. Checks what the bench records of it (the
 * migration done with keys, the servers' redirect counts, every ledger checked against redis-cli),
 * not how fast. Ports 8270-8275 (and their cluster bus, +10000) only.
 */
class MigrationBenchIT {

  @Test
  void oneMigrationUnderLoadIsMeasuredPerClientAndCheckedAgainstTheServers() throws Exception {
    BenchRun run = BenchRun.execute("MigrationBenchIT", Map.of("KEY_PREFIX", "benchmigration"),
        Path.of("target", "bench-migration", "bench.json"), "--only", "migration", "--migrations", "1",
        "--migration-slots", "100", "--migration-fill", "5000", "--clients", "jedis:tuned", "--port-base", "8200");
    assertThat(run.printed()).contains("11. Slot migrations under load", "filled the cluster with 5000 keys");

    JsonObject report = run.report();
    assertThat(report.getJsonArray("errors")).isEmpty();
    JsonObject migration = report.getJsonObject("migrations");
    JsonArray migrations = migration.getJsonArray("migrations");
    assertThat(migrations).hasSize(1);
    JsonObject done = migrations.getJsonObject(0);
    assertThat(done.getString("state")).isEqualTo("done");
    assertThat(done.getInteger("slotsDone")).isEqualTo(100);
    // 5000 keys over 16384 slots: about 30 in 100 slots, each moved with its slot.
    assertThat(done.getLong("keysMoved")).isPositive();
    assertThat(done.getLong("slotsOwnedAt")).isGreaterThanOrEqualTo(done.getLong("startedAt"));
    assertThat(done.getJsonObject("clients").fieldNames()).contains("writer", "reader", "jedis:tuned");
    assertThat(done.getJsonObject("clients").getJsonObject("writer").getLong("applicationErrors")).isZero();
    assertThat(migration.getJsonObject("serverRedirects").fieldNames()).containsExactly("MOVED", "ASK", "TRYAGAIN");

    JsonArray checks = migration.getJsonArray("lossChecks");
    List<String> checked = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      JsonObject check = checks.getJsonObject(i);
      checked.add(check.getString("client"));
      assertThat(check.getString("note")).as(check.encode()).isNull();
      assertThat(check.getBoolean("agrees")).as(check.encode()).isTrue();
    }
    assertThat(checked).containsExactly("writer", "jedis:tuned");

    JsonArray rows = BenchSmokeIT.table(report, "11. Slot migrations").getJsonArray("rows");
    List<String> clients = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      clients.add(rows.getJsonArray(i).getString(0));
    }
    assertThat(clients).containsExactly("writer", "reader", "jedis:tuned");

    Ports.assertFree(8270, 8275);
    Ports.assertFree(18270, 18275);
  }
}
