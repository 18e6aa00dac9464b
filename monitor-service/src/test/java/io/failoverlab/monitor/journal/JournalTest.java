package io.failoverlab.monitor.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.contract.IncidentReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal on real files: what comes back after a reopen, what is skipped and kept aside, the bounds, the lock. */
public class JournalTest {

  private static final JournalBounds BOUNDS = new JournalBounds(50, 200, 50, 64L * 1024 * 1024);
  private static final long T0 = 1_790_000_000_000L;

  @TempDir
  Path dir;

  @Test
  void closedIncidentsEventsAndActionsComeBackAsTheyWere() {
    IncidentReport closed = Reports.incident(1, T0, true);
    try (Journal journal = Journal.open(dir, BOUNDS)) {
      journal.append(JournalRecord.incident(Reports.incident(1, T0, false), T0 + 1));
      journal.append(JournalRecord.chaosAction(Reports.crash(1, T0), T0 + 2));
      journal.append(JournalRecord.topologyEvent(Reports.event(T0 + 3, 0), T0 + 3));
      journal.append(JournalRecord.incident(closed, T0 + 6000));
      awaitWritten(journal, 4);
    }
    try (Journal reopened = Journal.open(dir, BOUNDS)) {
      JournalLoad load = reopened.loaded();
      assertThat(load.incidents()).containsExactly(closed);
      assertThat(load.incidents().get(0).toJson()).isEqualTo(closed.toJson());
      assertThat(load.topologyEvents()).containsExactly(Reports.event(T0 + 3, 0));
      assertThat(load.chaosActions()).containsExactly(Reports.crash(1, T0).toJson());
      assertThat(load.skipped()).isEmpty();
      assertThat(load.interrupted()).isEmpty();
      assertThat(reopened.failing()).isFalse();
    }
  }

  @Test
  void anIncidentOpenAtTheStopComesBackClosedAsInterruptedWithItsMilestones() {
    IncidentReport open = Reports.incident(2, T0, false);
    try (Journal journal = Journal.open(dir, BOUNDS)) {
      journal.append(JournalRecord.incident(Reports.incident(1, T0 - 60_000, true), T0 - 50_000));
      journal.append(JournalRecord.incident(open, T0 + 1600));
      awaitWritten(journal, 2);
    }
    IncidentReport back;
    try (Journal reopened = Journal.open(dir, BOUNDS)) {
      assertThat(reopened.loaded().interrupted()).containsExactly("inc-2");
      back = reopened.loaded().incidents().get(1);
    }
    assertThat(back.interrupted()).isTrue();
    assertThat(back.state()).isEqualTo(IncidentReport.State.CLOSED);
    assertThat(back.closedAt()).as("its last journaled moment").isEqualTo(T0 + 1600);
    assertThat(back.milestones()).isEqualTo(open.milestones());
    assertThat(back.explanation()).startsWith(open.explanation().toArray(String[]::new));
    assertThat(back.explanation().get(back.explanation().size() - 1)).contains("closed as interrupted");
    // Closed as such in the journal too: a second restart finds it the same, not interrupted again.
    try (Journal again = Journal.open(dir, BOUNDS)) {
      assertThat(again.loaded().interrupted()).isEmpty();
      assertThat(again.loaded().incidents().get(1)).isEqualTo(back);
    }
  }

  @Test
  void aTornLastRecordIsSkippedNamedAndKeptAside() throws IOException {
    writeThreeIncidents();
    Path file = dir.resolve(Journal.FILE);
    byte[] intact = Files.readAllBytes(file);
    byte[] half = java.util.Arrays.copyOf(recordLine(4), 40);
    Files.write(file, half, java.nio.file.StandardOpenOption.APPEND);
    byte[] original = Files.readAllBytes(file);

    try (Journal reopened = Journal.open(dir, BOUNDS)) {
      JournalLoad load = reopened.loaded();
      assertThat(load.incidents()).extracting(IncidentReport::id).containsExactly("inc-1", "inc-2", "inc-3");
      assertThat(load.skipped()).hasSize(1);
      assertThat(load.skipped().get(0).offset()).isEqualTo(intact.length);
      assertThat(load.skipped().get(0).reason()).contains("torn");
      assertThat(load.movedAside()).exists();
      assertThat(Files.readAllBytes(load.movedAside())).as("moved aside untouched").isEqualTo(original);
      assertThat(Files.readAllBytes(file)).as("the journal holds the intact records only").isEqualTo(intact);
    }
  }

  @Test
  void aCorruptedRecordInTheMiddleIsSkippedAndTheOthersKept() throws IOException {
    writeThreeIncidents();
    Path file = dir.resolve(Journal.FILE);
    byte[] bytes = Files.readAllBytes(file);
    int second = indexAfterNewline(bytes, 1);
    bytes[second + 200] ^= 0x01;
    Files.write(file, bytes);

    try (Journal reopened = Journal.open(dir, BOUNDS)) {
      JournalLoad load = reopened.loaded();
      assertThat(load.incidents()).extracting(IncidentReport::id).containsExactly("inc-1", "inc-3");
      assertThat(load.skipped()).singleElement().satisfies(skipped -> {
        assertThat(skipped.offset()).isEqualTo(second);
        assertThat(skipped.reason()).isEqualTo("checksum mismatch");
        assertThat(skipped.file()).isEqualTo(file);
      });
      assertThat(Files.readAllBytes(load.movedAside())).isEqualTo(bytes);
    }
  }

  @Test
  void aFileOfGarbageIsKeptAsideAndTheJournalStartsEmpty() throws IOException {
    byte[] garbage = new byte[10_000];
    new Random(15).nextBytes(garbage);
    Files.write(dir.resolve(Journal.FILE), garbage);

    try (Journal journal = Journal.open(dir, BOUNDS)) {
      JournalLoad load = journal.loaded();
      assertThat(load.incidents()).isEmpty();
      assertThat(load.skipped()).isNotEmpty();
      assertThat(Files.readAllBytes(load.movedAside())).isEqualTo(garbage);
      assertThat(journal.failing()).isFalse();
      journal.append(JournalRecord.incident(Reports.incident(1, T0, true), T0));
      awaitWritten(journal, 1);
    }
    try (Journal reopened = Journal.open(dir, BOUNDS)) {
      assertThat(reopened.loaded().incidents()).hasSize(1);
      assertThat(reopened.loaded().skipped()).isEmpty();
    }
  }

  @Test
  void aSecondGarbageFileIsKeptAsideUnderAnotherName() throws IOException {
    Files.writeString(dir.resolve(Journal.FILE), "first garbage\n");
    try (Journal journal = Journal.open(dir, BOUNDS)) {
      assertThat(journal.loaded().movedAside()).exists();
    }
    Files.writeString(dir.resolve(Journal.FILE), "second garbage\n");
    try (Journal journal = Journal.open(dir, BOUNDS)) {
      assertThat(journal.loaded().movedAside()).exists();
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<String> aside = files.filter(path -> path.getFileName().toString().contains(".unreadable-"))
          .map(path -> readQuietly(path)).toList();
      assertThat(aside).containsExactlyInAnyOrder("first garbage\n", "second garbage\n");
    }
  }

  @Test
  void anEmptyFileIsAnEmptyJournal() throws IOException {
    Files.createFile(dir.resolve(Journal.FILE));
    try (Journal journal = Journal.open(dir, BOUNDS)) {
      assertThat(journal.loaded().incidents()).isEmpty();
      assertThat(journal.loaded().skipped()).isEmpty();
      assertThat(journal.loaded().movedAside()).isNull();
      assertThat(journal.failing()).isFalse();
    }
  }

  @Test
  void aMissingDirectoryIsCreated() {
    Path nested = dir.resolve("a/b/monitor");
    try (Journal journal = Journal.open(nested, BOUNDS)) {
      journal.append(JournalRecord.incident(Reports.incident(1, T0, true), T0));
      awaitWritten(journal, 1);
    }
    assertThat(nested.resolve(Journal.FILE)).isNotEmptyFile();
  }

  @Test
  void aDirectoryThatCannotBeCreatedLeavesTheJournalFailingNotTheMonitor() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    try (Journal journal = Journal.open(file.resolve("monitor"), BOUNDS)) {
      assertThat(journal.failing()).isTrue();
      assertThat(journal.status().getString("error")).contains("a-file");
      journal.append(JournalRecord.incident(Reports.incident(1, T0, true), T0));
      await().atMost(Duration.ofSeconds(5)).until(() -> journal.droppedRecords() == 1);
    }
  }

  @Test
  void aSecondJournalOnTheSameDirectoryIsRefusedNamingTheLock() {
    try (Journal first = Journal.open(dir, BOUNDS)) {
      assertThatThrownBy(() -> Journal.open(dir, BOUNDS))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(dir.resolve(JournalLock.FILE).toString())
          .hasMessageContaining("pid " + ProcessHandle.current().pid());
      assertThat(first.failing()).isFalse();
    }
    // Released at close: a next monitor opens it.
    try (Journal next = Journal.open(dir, BOUNDS)) {
      assertThat(next.failing()).isFalse();
    }
  }

  @Test
  void compactionKeepsTheNewestIncidentsWithinTheCountAndTheBytes() throws IOException {
    JournalBounds small = new JournalBounds(5, 10, 5, 128 * 1024);
    try (Journal journal = Journal.open(dir, small)) {
      for (int n = 1; n <= 100; n++) {
        for (int update = 0; update < 4; update++) {
          journal.append(JournalRecord.incident(Reports.incident(n, T0 + n * 60_000L, false), T0 + n * 60_000L + update));
        }
        journal.append(JournalRecord.topologyEvent(Reports.event(T0 + n * 60_000L, n), T0 + n * 60_000L));
        journal.append(JournalRecord.incident(Reports.incident(n, T0 + n * 60_000L, true), T0 + n * 60_000L + 6000));
        long size = journal.bytes();
        assertThat(size).isLessThanOrEqualTo(small.maxBytes());
      }
      awaitWritten(journal, 600);
      assertThat(Files.size(dir.resolve(Journal.FILE))).isLessThanOrEqualTo(small.maxBytes());
    }
    try (Journal reopened = Journal.open(dir, small)) {
      assertThat(reopened.loaded().incidents()).extracting(IncidentReport::id)
          .containsExactly("inc-96", "inc-97", "inc-98", "inc-99", "inc-100");
      assertThat(reopened.loaded().incidents()).allMatch(report -> !report.open() && !report.interrupted());
      assertThat(reopened.loaded().topologyEvents()).hasSize(10);
    }
  }

  @Test
  void theBytesBoundDropsTheOldestFirstAndNeverTheNewest() {
    // 64 KiB: a compaction keeps 32 KiB, fewer than the 50 incidents the count would allow.
    JournalBounds tight = new JournalBounds(50, 10, 5, 64 * 1024);
    try (Journal journal = Journal.open(dir, tight)) {
      for (int n = 1; n <= 60; n++) {
        journal.append(JournalRecord.incident(Reports.incident(n, T0 + n * 60_000L, true), T0 + n * 60_000L));
      }
      awaitWritten(journal, 60);
    }
    try (Journal reopened = Journal.open(dir, tight)) {
      List<String> ids = reopened.loaded().incidents().stream().map(IncidentReport::id).toList();
      assertThat(ids).isNotEmpty().hasSizeLessThan(50).endsWith("inc-60");
      int first = Integer.parseInt(ids.get(0).substring(4));
      List<String> contiguous = new ArrayList<>();
      for (int n = first; n <= 60; n++) {
        contiguous.add("inc-" + n);
      }
      assertThat(ids).as("the newest, without a gap").isEqualTo(contiguous);
    }
  }

  // ---- helpers

  private void writeThreeIncidents() {
    try (Journal journal = Journal.open(dir, BOUNDS)) {
      for (int n = 1; n <= 3; n++) {
        journal.append(JournalRecord.incident(Reports.incident(n, T0 + n * 60_000L, true), T0 + n * 60_000L));
      }
      awaitWritten(journal, 3);
    }
  }

  private static byte[] recordLine(int n) {
    return JournalCodec.encode(JournalRecord.incident(Reports.incident(n, T0 + n * 60_000L, true), T0));
  }

  /** The offset of the line after the {@code lines}-th newline. */
  private static int indexAfterNewline(byte[] bytes, int lines) {
    int seen = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n' && ++seen == lines) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("fewer than " + lines + " lines");
  }

  public static void awaitWritten(Journal journal, long records) {
    await().atMost(Duration.ofSeconds(10)).until(() -> journal.writtenRecords() >= records);
  }

  private static String readQuietly(Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
