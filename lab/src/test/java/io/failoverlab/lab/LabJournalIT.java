package io.failoverlab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.testsupport.JavaJar;
import io.failoverlab.testsupport.ProcessOutput;
import io.failoverlab.testsupport.TestDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The lab's monitor journals by default to a directory of the lab's own, gone when the lab stops; with
 * --data-dir to the directory given, which stays (cluster on 8420-8425, HTTP on free ports).
 */
class LabJournalIT {

  private static final Path JAR = Path.of("target", "failover-lab.jar");
  private static final Pattern JOURNAL = Pattern.compile("journal:\\s+(\\S+)");

  @Test
  void theDefaultJournalLivesInTheLabsTemporaryDirectoryAndGoesWithIt() throws Exception {
    Path journal = runLabUntilItStarted();
    assertThat(journal.getParent().getFileName().toString()).startsWith("failover-lab-");
    assertThat(journal.getParent()).as("the lab's temporary directory, removed at stop").doesNotExist();
  }

  @Test
  void aDataDirIsUsedAndKept() throws Exception {
    Path dir = Files.createTempDirectory("lab-journal-it-").resolve("history");
    try {
      Path journal = runLabUntilItStarted("--data-dir", dir.toString());
      assertThat(journal).isEqualTo(dir);
      assertThat(dir.resolve("journal.log")).as("kept after the lab stopped").exists();
    } finally {
      TestDirs.delete(dir.getParent());
    }
  }

  /** Starts the lab, checks its journal exists while it runs, stops it with SIGTERM; returns the journal's directory. */
  private static Path runLabUntilItStarted(String... more) throws Exception {
    String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("--port-base", "8420",
        "--node-timeout-ms", "1000", "--monitor-port", "0", "--writer-port", "0", "--reader-port", "0"),
        java.util.Arrays.stream(more)).toArray(String[]::new);
    Process lab = JavaJar.command(JAR, args).start();
    ProcessOutput output = ProcessOutput.follow(lab);
    Path journal;
    try {
      journal = Path.of(output.awaitLine(JOURNAL, Duration.ofSeconds(120)).group(1));
      assertThat(journal.resolve("journal.log")).exists();
      assertThat(journal.resolve("monitor.lock")).exists();
    } finally {
      lab.toHandle().destroy();
    }
    assertThat(lab.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output.awaitEnd(Duration.ofSeconds(10))).contains("event=lab_stopped");
    return journal;
  }
}
