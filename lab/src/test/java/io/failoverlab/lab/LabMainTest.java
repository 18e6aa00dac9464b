package io.failoverlab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The launcher's command line: what it lists (the commands themselves are tested in their modules). */
class LabMainTest {

  @Test
  void theLabCommandListsTheDrill() {
    StringWriter out = new StringWriter();
    CommandLine lab = new CommandLine(new LabMain());
    lab.setOut(new PrintWriter(out, true));
    assertThat(lab.execute("--help")).isZero();
    assertThat(out.toString()).contains("drill");
    assertThat(lab.getSubcommands()).containsKey("drill");
  }

  @Test
  void dataDirIsTheMonitorsJournalDirectory() {
    LabMain main = new LabMain();
    new CommandLine(main).parseArgs("--data-dir", "/var/tmp/lab-journal");
    assertThat(main.env().optional("MONITOR_DATA_DIR")).contains("/var/tmp/lab-journal");
    LabMain without = new LabMain();
    new CommandLine(without).parseArgs();
    assertThat(without.env().optional("MONITOR_DATA_DIR")).isEqualTo(io.failoverlab.common.config.Env.system()
        .optional("MONITOR_DATA_DIR"));
  }

  /**
   * --clients through the launcher's own parser, its ClientOptions mixin and picocli's exit codes, with
   * an execution strategy that does what {@link LabMain#call()} does before it starts the lab (check the
   * options, resolve the clients) and stops there: nothing is started, whatever the outcome.
   */
  @ParameterizedTest(name = "--clients {0}")
  @CsvSource(delimiter = '|', value = {
      "hiredis              | unknown client 'hiredis' | known: vertx-redis-client, lettuce, jedis, redisson",
      "lettuce:fast         | got 'fast'               | must be default or tuned",
      "redis-py:tuned,Jedis:Slow | got 'slow'         | must be default or tuned"})
  void anUnknownClientOrConfigurationIsAUsageErrorNamingIt(String clients, String named, String known) {
    StringWriter err = new StringWriter();
    AtomicBoolean wouldStart = new AtomicBoolean();
    CommandLine lab = LabMain.commandLine();
    lab.setErr(new PrintWriter(err, true));
    lab.setExecutionStrategy(parsed -> {
      LabMain main = parsed.commandSpec().commandLine().getCommand();
      main.options();
      main.clients.resolve(main.spec, LabMain.class);
      wouldStart.set(true);
      return 0;
    });
    assertThat(lab.execute("--clients", clients)).isEqualTo(2);
    assertThat(err.toString()).contains("Invalid value for option '--clients'").contains(named).contains(known);
    assertThat(wouldStart).isFalse();
    // The same strategy lets a known client through: it is the clients that were refused above.
    assertThat(lab.execute("--clients", "lettuce:tuned")).isZero();
    assertThat(wouldStart).isTrue();
  }
}
