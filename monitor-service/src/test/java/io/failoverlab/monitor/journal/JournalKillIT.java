package io.failoverlab.monitor.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.testsupport.ProcessOutput;
import io.failoverlab.testsupport.TestDirs;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A process SIGKILLed in the middle of a burst of journal writes (appends and compactions): every
 * incident it had written closed is back, identical; what it had not finished is at most a torn last
 * record, skipped and kept aside; nothing in the middle is lost.
 */
class JournalKillIT {

  private static final Pattern CLOSED = Pattern.compile("(?m)^closed (\\d+)$");

  @Test
  void aBurstKilledWithSigkillLosesNoIncidentItHadWrittenClosed() throws Exception {
    for (int round = 1; round <= 3; round++) {
      Path dir = Files.createTempDirectory("journal-kill-");
      try {
        killDuringABurst(dir, 1500 * round);
      } finally {
        TestDirs.delete(dir);
      }
    }
  }

  private static void killDuringABurst(Path dir, int closedBeforeKill) throws Exception {
    String classpath = Path.of("target", "monitor-service.jar") + File.pathSeparator + Path.of("target", "test-classes");
    Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath, BurstWriter.class.getName(), dir.toString()).redirectErrorStream(true).start();
    ProcessOutput output = ProcessOutput.follow(writer);
    output.awaitLine(Pattern.compile("(?m)^closed " + closedBeforeKill + "$"), Duration.ofSeconds(60));
    writer.destroyForcibly();
    assertThat(writer.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(writer.exitValue()).as("SIGKILL").isEqualTo(137);
    int lastClosed = lastClosed(output.text());

    try (Journal reopened = Journal.open(dir, BurstWriter.BOUNDS)) {
      JournalLoad load = reopened.loaded();
      Map<String, IncidentReport> byId = load.incidents().stream()
          .collect(Collectors.toMap(IncidentReport::id, Function.identity()));
      // The bound keeps the newest 400 incidents; some after the last one reported may have reached the disk too.
      int newest = load.incidents().stream().mapToInt(report -> Integer.parseInt(report.id().substring(4))).max().orElse(0);
      assertThat(newest).as("the newest on disk").isGreaterThanOrEqualTo(lastClosed);
      int from = Math.max(1, newest - 399);
      assertThat(from).as("incidents written closed before the kill are within the bound").isLessThanOrEqualTo(lastClosed);
      for (int n = from; n <= newest; n++) {
        IncidentReport expected = Reports.incident(n, BurstWriter.T0 + n * 60_000L, true);
        IncidentReport found = byId.get("inc-" + n);
        if (n <= lastClosed || !found.interrupted()) {
          assertThat(found).as("inc-%d (last reported closed: inc-%d)", n, lastClosed).isEqualTo(expected);
        } else {
          // Its open update on disk, not its close: closed as interrupted, with what it had.
          assertThat(found.milestones()).isEqualTo(Reports.incident(n, BurstWriter.T0 + n * 60_000L, false).milestones());
        }
      }
      assertThat(load.skipped()).as("at most the record the kill tore").hasSizeLessThanOrEqualTo(1);
      List<String> unexpectedlyOpen = load.interrupted().stream()
          .filter(id -> Integer.parseInt(id.substring(4)) <= lastClosed).toList();
      assertThat(unexpectedlyOpen).as("interrupted, though written closed").isEmpty();
      System.out.printf("MEASURED burst kill: last closed written inc-%d, loaded %d incidents (%d interrupted), "
          + "skipped %s%n", lastClosed, load.incidents().size(), load.interrupted().size(), load.skipped());
    }
  }

  private static int lastClosed(String output) {
    int last = 0;
    Matcher matcher = CLOSED.matcher(output);
    while (matcher.find()) {
      last = Math.max(last, Integer.parseInt(matcher.group(1)));
    }
    return last;
  }
}
