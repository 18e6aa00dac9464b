package io.failoverlab.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.config.Env;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Bad usage is refused with exit code 2 and a message naming the option, before anything starts. */
class DrillCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final AtomicBoolean started = new AtomicBoolean();

  private int run(String... args) {
    CommandLine command = new CommandLine(new DrillCommand(new Env(Map.of()), lab -> started.set(true)));
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command.execute(args);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "--failovers|0|--failovers",
      "--failovers|1001|--failovers",
      "--failovers|many|--failovers",
      "--action|restart|--action",
      "--action|explode|--action",
      "--target|somewhere|--target",
      "--target|127.0.0.1:9999|--target",
      "--max-unavailability-ms|-1|--max-unavailability-ms",
      "--max-lost-writes|lots|--max-lost-writes",
      "--node-timeout-ms|5|--node-timeout-ms",
      "--port-base|70000|--port-base",
      "--port-base|55531|--port-base",
      "--masters|2|--masters",
      "--masters|17|--masters",
      "--replicas|5|--replicas",
      "--replicas|-1|--replicas",
      "--action|isolate|--action",
      "--redis-nodes|not-an-address|--redis-nodes",
      "--phase-timeout-s|1|--phase-timeout-s"})
  void badValuesAreRefusedByName(String option, String value, String named) {
    assertThat(run(option, value)).isEqualTo(2);
    assertThat(err.toString()).contains(named);
    assertThat(started).isFalse();
  }

  @ParameterizedTest(name = "--clients {0}")
  @CsvSource(delimiter = '|', value = {
      "hiredis                | unknown client 'hiredis'  | known: vertx-redis-client, lettuce, jedis, redisson",
      "lettuce,hiredis:tuned  | unknown client 'hiredis'  | known: vertx-redis-client, lettuce, jedis, redisson",
      "lettuce:fast           | got 'fast'                | must be default or tuned",
      "jedis,lettuce:TURBO    | got 'turbo'               | must be default or tuned",
      "' , '                  | no client named           | lettuce,redis-py:tuned or all"})
  void anUnknownClientOrConfigurationIsAUsageErrorNamingIt(String clients, String named, String known) {
    assertThat(run("--clients", clients)).isEqualTo(2);
    assertThat(err.toString()).contains("--clients").contains(named).contains(known);
    assertThat(started).isFalse();
  }

  @Test
  void theClientsOfAnotherDirectoryAreKnownByTheirConf(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    java.nio.file.Files.writeString(dir.resolve("clients.conf"), "mine = ./mine.sh\n");
    assertThat(run("--clients-dir", dir.toString(), "--clients", "redis-py")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown client 'redis-py'").contains("lettuce, jedis, redisson, mine")
        .contains(dir.resolve("clients.conf").toString());
    assertThat(run("--clients-dir", dir.resolve("nowhere").toString(), "--clients", "mine")).isEqualTo(2);
    assertThat(err.toString()).contains("--clients-dir").contains("is not a directory");
    assertThat(started).isFalse();
  }

  @Test
  void aFailoverModeIsOneOfThreeAndOnlyGoesWithFailovers() {
    assertThat(run("--action", "failover", "--failover-mode", "now")).isEqualTo(2);
    assertThat(err.toString()).contains("--failover-mode").contains("'now'").contains("default, force or takeover");
    assertThat(run("--action", "crash", "--failover-mode", "force")).isEqualTo(2);
    assertThat(err.toString()).contains("--failover-mode").contains("failover or mixed only");
    assertThat(started).isFalse();
  }

  @Test
  void hangSecondsOnlyGoWithHang() {
    assertThat(run("--action", "crash", "--hang-seconds", "5")).isEqualTo(2);
    assertThat(err.toString()).contains("--hang-seconds").contains("hang only");
  }

  @Test
  void anExistingClusterNeedsHangSecondsAndTakesNoLocalClusterOptions() {
    assertThat(run("--redis-nodes", "10.0.0.5:6379", "--action", "hang")).isEqualTo(2);
    assertThat(err.toString()).contains("--hang-seconds");
    assertThat(run("--redis-nodes", "10.0.0.5:6379", "--port-base", "7600")).isEqualTo(2);
    assertThat(err.toString()).contains("--port-base").contains("local cluster only");
    assertThat(started).isFalse();
  }

  @Test
  void validOptionsBecomeDrillOptions() {
    DrillCommand command = new DrillCommand(new Env(Map.of()), lab -> { });
    new CommandLine(command).parseArgs("--failovers", "5", "--action", "hang", "--node-timeout-ms", "1000",
        "--target", "127.0.0.1:7601", "--port-base", "7600", "--max-lost-writes", "0", "--out", "x", "--redis-nodes=");
    DrillOptions options = command.options();
    assertThat(options.failovers()).isEqualTo(5);
    assertThat(options.actionLabel()).isEqualTo("hang");
    assertThat(options.hangSeconds()).isEqualTo(3);
    assertThat(options.target().node().toString()).isEqualTo("127.0.0.1:7601");
    assertThat(options.maxLostWrites()).isZero();
    assertThat(options.maxUnavailabilityMs()).isNull();
    assertThat(options.external()).isFalse();
    assertThat(options.lab().portBase()).isEqualTo(7600);
    assertThat(options.lab().monitorPort()).isZero();
  }

  @Test
  void mixedActionsCycleCrashHangAndFailoverWithTheLocalHangDefault() {
    DrillCommand command = new DrillCommand(new Env(Map.of()), lab -> { });
    new CommandLine(command).parseArgs("--failovers", "30", "--action", "mixed", "--node-timeout-ms", "1000",
        "--redis-nodes=");
    DrillOptions options = command.options();
    assertThat(options.actionLabel()).isEqualTo("mixed");
    assertThat(options.toJson().getString("action")).isEqualTo("mixed");
    assertThat(options.hangSeconds()).isEqualTo(3);
    assertThat(java.util.stream.IntStream.rangeClosed(1, 4).mapToObj(options::actionOf).map(a -> a.label()).toList())
        .containsExactly("crash", "hang", "failover", "crash");
    assertThat(run("--redis-nodes", "10.0.0.5:6379", "--action", "mixed")).isEqualTo(2);
    assertThat(err.toString()).contains("--hang-seconds");
  }

  @Test
  void theFailuresWithoutOneCleanPromotionAreActionsWithTheirOwnLimits() {
    DrillCommand command = new DrillCommand(new Env(Map.of()), lab -> { });
    new CommandLine(command).parseArgs("--action", "two-masters", "--masters", "5", "--node-timeout-ms", "1000",
        "--redis-nodes=");
    DrillOptions options = command.options();
    assertThat(options.scenario()).isEqualTo(Scenario.TWO_MASTERS);
    assertThat(options.actionLabel()).isEqualTo("two-masters");
    assertThat(options.actions()).containsExactly(io.failoverlab.common.contract.ChaosRequest.Action.CRASH);
    assertThat(options.lab().clusterConfig().masters()).isEqualTo(5);
    assertThat(options.toJson().getInteger("masters")).isEqualTo(5);

    // Two of three (or four) masters down leave no majority: refused before anything starts.
    assertThat(run("--action", "two-masters")).isEqualTo(2);
    assertThat(err.toString()).contains("--masters 5 or more").contains("with 3");
    assertThat(run("--action", "two-masters", "--masters", "4")).isEqualTo(2);
    assertThat(err.toString()).contains("with 4");
    // The scorecard times recovery after one promotion; these have none or two.
    assertThat(run("--action", "no-replica", "--clients", "lettuce")).isEqualTo(2);
    assertThat(err.toString()).contains("--clients").contains("not --action no-replica");
    assertThat(run("--action", "stale-replica", "--hang-seconds", "5")).isEqualTo(2);
    assertThat(err.toString()).contains("--hang-seconds").contains("not stale-replica");
    assertThat(run("--action", "crash", "--slots", "10")).isEqualTo(2);
    assertThat(err.toString()).contains("--slots").contains("migrate only");
    assertThat(run("--action", "migrate", "--slots", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--slots");
    DrillCommand migrate = new DrillCommand(new Env(Map.of()), lab -> { });
    new CommandLine(migrate).parseArgs("--action", "migrate", "--redis-nodes=");
    assertThat(migrate.options().migrateSlots()).isEqualTo(1024);
    assertThat(migrate.options().actionLabel()).isEqualTo("migrate");
    assertThat(run("--action", "remove-shard", "--failovers", "1")).isEqualTo(2);
    assertThat(err.toString()).contains("--action remove-shard x 1 needs --masters 4 or more");
    assertThat(run("--action", "remove-shard", "--masters", "4", "--failovers", "2")).isEqualTo(2);
    assertThat(err.toString()).contains("--action remove-shard x 2 needs --masters 5 or more");
    assertThat(run("--action", "add-shard", "--redis-nodes", "10.0.0.5:6379")).isEqualTo(2);
    assertThat(err.toString()).contains("needs the local cluster");
    assertThat(run("--action", "crash", "--replicas", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--replicas").contains("no replica to fail over to");
    assertThat(started).isFalse();
  }

  @Test
  void aBadVariableInTheEnvironmentIsBadUsageAndStartsNothing() {
    CommandLine command = new CommandLine(new DrillCommand(new Env(Map.of("WRITER_RATE", "lots")),
        lab -> started.set(true)));
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    assertThat(command.execute("--port-base", "7660", "--out", "target/drill-bad-env")).isEqualTo(2);
    assertThat(err.toString()).contains("invalid configuration: WRITER_RATE");
    assertThat(started).isFalse();
  }
}
