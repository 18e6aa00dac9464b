package io.failoverlab.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.config.Env;
import io.failoverlab.testsupport.Ports;
import io.failoverlab.testsupport.TestDirs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The drill's failures without one clean promotion, each one round on a real local cluster (node
 * timeout 1000 ms): two masters crashed at once (5 x 1 on 7140-7149), a master whose replica is down
 * and one whose replica is too stale (3 x 1 on 7160-7165). Reports stay in target/scenario-drill-it/.
 */
class ScenarioDrillIT {

  private static final Path OUT = Path.of("target", "scenario-drill-it");

  private record Run(int exit, String printed, String errors, JsonObject row, JsonObject report) {
  }

  private static Run drill(String name, String... args) throws Exception {
    Path out = TestDirs.fresh(OUT.resolve(name));
    Env env = new Env(Map.of("INCIDENT_QUIET_MS", "1500", "KEY_PREFIX", name + System.nanoTime()));
    StringWriter printed = new StringWriter();
    StringWriter errors = new StringWriter();
    CommandLine command = new CommandLine(new DrillCommand(env, lab -> { }));
    command.setOut(new PrintWriter(printed, true));
    command.setErr(new PrintWriter(errors, true));
    List<String> all = new java.util.ArrayList<>(List.of(args));
    if (!all.contains("--failovers")) {
      all.addAll(List.of("--failovers", "1"));
    }
    all.addAll(List.of("--node-timeout-ms", "1000", "--redis-nodes=", "--out", out.toString()));
    int exit = command.execute(all.toArray(String[]::new));
    System.out.println("ScenarioDrillIT " + name + " output:\n" + printed);
    JsonObject report = new JsonObject(Files.readString(out.resolve("report.json")));
    JsonArray rows = report.getJsonArray("failovers");
    return new Run(exit, printed.toString(), errors.toString(), rows.isEmpty() ? null : rows.getJsonObject(0), report);
  }

  private static List<String> explanation(JsonObject row) {
    return row.getJsonArray("explanation").stream().map(String.class::cast).toList();
  }

  /** Both replicas elected, in an order the incident states, each after its own master's FAIL. */
  @Test
  void twoMastersCrashedAtOnceAreBothFailedOverAndTheIncidentSaysInWhichOrder() throws Exception {
    Run run = drill("two-masters", "--action", "two-masters", "--masters", "5", "--port-base", "7140");
    assertThat(run.exit()).as("exit; stderr %s", run.errors()).isZero();
    Ports.assertFree(7140, 7149);
    JsonObject row = run.row();
    assertThat(row.getString("action")).isEqualTo("two-masters");
    assertThat(row.getString("promotedNode")).isNotNull();
    assertThat(row.getJsonObject("milestones").getLong("failAgreedAt")).isNotNull();
    List<String> words = explanation(row);
    assertThat(words.get(0)).startsWith("Fault injected: crash of ").contains("127.0.0.1:7140");
    String order = words.stream().filter(line -> line.startsWith("Promotions, in order:")).findFirst()
        .orElseThrow(() -> new AssertionError("no order of promotions in " + words));
    // Two moves, each "X replaced Y ... (N ms after its FAIL)".
    assertThat(order.split(" replaced ")).hasSize(3);
    assertThat(order).contains("after its FAIL");
    assertThat(row.getLong("lostWrites")).isZero();
    // Both shards' errors are the failover's own: the three other shards stay (nearly) clean. (Counted
    // against the first shard alone, the second's 2 000 errors were reported as healthy-shard errors.)
    assertThat(row.getJsonArray("slotsMoved")).hasSize(2);
    assertThat(row.getLong("healthyShardErrorsTotal")).isLessThan(50);
    assertThat(run.printed()).contains("crashed 127.0.0.1:7140").contains("at the same moment");
    // Which server ran the elections (Valkey 8.1 ranks replicas differently): named in the report.
    assertThat(run.report().getJsonObject("settings").getString("server")).matches("redis \\d+\\.\\d+\\.\\d+");
    assertThat(words).anyMatch(line -> line.startsWith("Elections: the promotions took config epochs "));
    assertThat(row.getLong("healthyAt")).isGreaterThanOrEqualTo(row.getLong("restoredAt"));
  }

  /**
   * Two migrations of 200 slots under load (round robin: the first master's to the second, then the
   * second's to the third): each an incident of kind migration, every slot moved, no error reaching
   * writer or reader, no write lost, and the cluster healthy between them.
   */
  @Test
  void migrationsUnderLoadMoveTheirSlotsWithoutAnErrorReachingTheClients() throws Exception {
    Run run = drill("migrate", "--action", "migrate", "--slots", "200", "--failovers", "2", "--port-base", "7160");
    assertThat(run.exit()).as("exit; stderr %s", run.errors()).isZero();
    Ports.assertFree(7160, 7165);
    JsonArray rows = run.report().getJsonArray("failovers");
    assertThat(rows).hasSize(2);
    for (int i = 0; i < rows.size(); i++) {
      JsonObject row = rows.getJsonObject(i);
      assertThat(row.getString("action")).isEqualTo("migrate");
      assertThat(row.getString("kind")).isEqualTo("migration");
      JsonObject migration = row.getJsonObject("migration");
      assertThat(migration.getString("state")).isEqualTo("done");
      assertThat(migration.getInteger("slotsDone")).isEqualTo(200);
      assertThat(migration.getString("from")).isEqualTo(row.getString("target"));
      for (String service : List.of("writer", "reader")) {
        assertThat(migration.getJsonObject("clients").getJsonObject(service).getLong("applicationErrors"))
            .as("%s errors in migration %d", service, i + 1).isZero();
      }
      assertThat(row.getLong("lostWrites")).isZero();
      assertThat(explanation(row)).anyMatch(line -> line.startsWith("Migration ") && line.contains("200 of 200 moved"));
    }
    assertThat(rows.getJsonObject(0).getJsonObject("migration").getString("to"))
        .isEqualTo(rows.getJsonObject(1).getString("target"));
  }

  /**
   * A shard added to a 3 x 1 lab takes an even share under load (7160-7167), and on a 4 x 1 lab the
   * last master's shard gives its slots back and leaves: both incidents of kind migration, no error
   * reaching writer or reader, no write lost, the cluster healthy with 4, then 3, masters.
   */
  @Test
  void aShardAddedAndAShardRemovedUnderLoadCostTheClientsNothing() throws Exception {
    Run added = drill("add-shard", "--action", "add-shard", "--port-base", "7160");
    assertThat(added.exit()).as("exit; stderr %s", added.errors()).isZero();
    Ports.assertFree(7160, 7167);
    JsonObject row = added.row();
    assertThat(row.getString("action")).isEqualTo("add-shard");
    assertThat(row.getJsonObject("migration").getString("to")).isEqualTo("127.0.0.1:7166");
    assertThat(row.getJsonObject("migration").getInteger("slotsDone")).isBetween(4090, 4100);
    assertThat(row.getLong("lostWrites")).isZero();
    for (String service : List.of("writer", "reader")) {
      assertThat(row.getJsonObject("migration").getJsonObject("clients").getJsonObject(service)
          .getLong("applicationErrors")).as(service).isZero();
    }

    Run removed = drill("remove-shard", "--action", "remove-shard", "--masters", "4", "--port-base", "7160");
    assertThat(removed.exit()).as("exit; stderr %s", removed.errors()).isZero();
    Ports.assertFree(7160, 7167);
    JsonObject gone = removed.row();
    assertThat(gone.getString("action")).isEqualTo("remove-shard");
    assertThat(gone.getString("target")).isEqualTo("127.0.0.1:7163");
    assertThat(gone.getJsonObject("migration").getString("from")).isEqualTo("127.0.0.1:7163");
    assertThat(gone.getJsonObject("migration").getString("state")).isEqualTo("done");
    assertThat(gone.getLong("lostWrites")).isZero();
    assertThat(removed.printed()).contains("remove-shard 127.0.0.1:7163");
  }

  /**
   * The replica crashed first, then the master: FAIL is agreed, nobody is promoted, the incident says no
   * failover is possible; the drill restarts the master (empty: the lab keeps nothing on disk, so the
   * writer counts its shard's writes lost) and then the replica, and the cluster is healthy again.
   */
  @Test
  void aMasterWhoseReplicaIsDownIsNotFailedOverAndTheIncidentSaysSo() throws Exception {
    Run run = drill("no-replica", "--action", "no-replica", "--port-base", "7160");
    assertThat(run.exit()).as("exit; stderr %s", run.errors()).isZero();
    Ports.assertFree(7160, 7165);
    JsonObject row = run.row();
    assertThat(row.getString("action")).isEqualTo("no-replica");
    assertThat(row.getString("failedNode")).isEqualTo(row.getString("target"));
    assertThat(row.getString("promotedNode")).isNull();
    JsonObject m = row.getJsonObject("milestones");
    assertThat(m.getLong("failAgreedAt")).isNotNull();
    assertThat(m.getLong("promotedAt")).isNull();
    assertThat(explanation(row)).anyMatch(line -> line.startsWith("No failover is possible: " + row.getString("target")
        + " has no live replica"));
    assertThat(run.printed()).contains("crashed replica").contains("first");
    // Back only when the drill restarted it, after the FAIL.
    assertThat(row.getLong("restoredAt")).isGreaterThan(m.getLong("failAgreedAt"));
    assertThat(row.getLong("lostWrites")).as("the master came back empty").isPositive();
  }

  /**
   * The replica cut off from its master until its data is older than Redis allows, then the master
   * crashed: FAIL is agreed, the replica refuses to be elected (watched past the election it would
   * have won), the incident says why; the drill restarts the master, and the replica follows it again
   * once its isolation ends.
   */
  @Test
  void aMasterWhoseReplicaIsTooStaleIsNotFailedOverAndTheIncidentSaysWhy() throws Exception {
    Run run = drill("stale-replica", "--action", "stale-replica", "--port-base", "7160");
    assertThat(run.exit()).as("exit; stderr %s", run.errors()).isZero();
    Ports.assertFree(7160, 7165);
    JsonObject row = run.row();
    assertThat(row.getString("action")).isEqualTo("stale-replica");
    assertThat(row.getString("promotedNode")).isNull();
    JsonObject m = row.getJsonObject("milestones");
    assertThat(m.getLong("failAgreedAt")).isNotNull();
    assertThat(m.getLong("promotedAt")).isNull();
    assertThat(explanation(row)).anyMatch(line -> line.startsWith("No failover has happened: replica ")
        && line.contains("refuses to be elected"));
    // Redis defaults (repl-ping-replica-period 10, validity factor 10) and node timeout 1000: 21 s.
    assertThat(run.printed()).contains("too stale to be elected after 21000 ms");
    assertThat(row.getLong("restoredAt")).isGreaterThan(m.getLong("failAgreedAt") + 2000);
  }
}
