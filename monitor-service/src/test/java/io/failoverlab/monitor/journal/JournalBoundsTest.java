package io.failoverlab.monitor.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.monitor.MonitorSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figures docs/RELIABILITY.md quotes: a day with a failover every minute stays within the default
 * bound, and how long a full history takes to load. Printed, and the bound asserted.
 */
class JournalBoundsTest {

  private static final long T0 = 1_790_000_000_000L;
  /** Updates of one incident: opened, the milestones (suspected, FAIL, promoted, clients back), closed. */
  private static final int UPDATES = 8;

  @TempDir
  Path dir;

  @Test
  void aDayWithAFailoverEveryMinuteStaysWithinTheDefaultBound() throws IOException {
    JournalBounds defaults = new JournalBounds(50, 200, 50, MonitorSettings.DEFAULT_JOURNAL_MAX_BYTES);
    long closedLine = JournalCodec.encode(JournalRecord.incident(Reports.incident(1, T0, true), T0)).length;
    long largest = 0;
    try (Journal journal = Journal.open(dir, defaults)) {
      for (int n = 1; n <= 1440; n++) {
        appendFailover(journal, n);
        largest = Math.max(largest, journal.bytes());
        if (n % 100 == 0) {
          // A minute apart in the day: the test's burst must not outrun the bounded queue.
          JournalTest.awaitWritten(journal, n * (UPDATES + 6L));
        }
      }
      JournalTest.awaitWritten(journal, 1440L * (UPDATES + 6));
      largest = Math.max(largest, journal.bytes());
    }
    long size = Files.size(dir.resolve(Journal.FILE));
    System.out.printf("journal: one closed incident %d bytes; %d updates + 5 topology events + 1 chaos action per "
        + "failover = %d bytes appended; after 1440 failovers the file is %d bytes (largest seen %d, bound %d)%n",
        closedLine, UPDATES, closedLine * UPDATES + 5 * JournalCodec.encode(JournalRecord.topologyEvent(
            Reports.event(T0, 0), T0)).length, size, largest, defaults.maxBytes());
    assertThat(largest).isLessThanOrEqualTo(defaults.maxBytes());
    try (Journal reopened = Journal.open(dir, defaults)) {
      assertThat(reopened.loaded().incidents()).hasSize(50);
      assertThat(reopened.loaded().incidents().get(49).id()).isEqualTo("inc-1440");
      System.out.printf("journal: load of 50 incidents, 200 events, 50 actions (%d bytes): %d ms%n",
          reopened.loaded().bytesRead(), reopened.loaded().loadMillis());
    }
  }

  @Test
  void aFullHistoryAtTheLargestSettingsLoads() {
    // INCIDENT_HISTORY at its maximum (10 000) and MONITOR_JOURNAL_MAX_BYTES at its default: bytes bind first.
    JournalBounds largest = new JournalBounds(10_000, 200, 50, MonitorSettings.DEFAULT_JOURNAL_MAX_BYTES);
    try (Journal journal = Journal.open(dir, largest)) {
      for (int n = 1; n <= 10_000; n++) {
        journal.append(JournalRecord.incident(Reports.incident(n, T0 + n * 60_000L, true), T0 + n * 60_000L));
        if (n % 2000 == 0) {
          JournalTest.awaitWritten(journal, n);
        }
      }
      JournalTest.awaitWritten(journal, 10_000);
    }
    try (Journal reopened = Journal.open(dir, largest)) {
      JournalLoad load = reopened.loaded();
      System.out.printf("journal: load of %d incidents (%d bytes, bound %d): %d ms%n", load.incidents().size(),
          load.bytesRead(), largest.maxBytes(), load.loadMillis());
      assertThat(load.bytesRead()).isLessThanOrEqualTo(largest.maxBytes());
      assertThat(load.incidents().get(load.incidents().size() - 1).id()).isEqualTo("inc-10000");
    }
  }

  private static void appendFailover(Journal journal, int n) {
    long at = T0 + n * 60_000L;
    journal.append(JournalRecord.chaosAction(Reports.crash(n, at), at));
    for (int update = 0; update < UPDATES - 1; update++) {
      journal.append(JournalRecord.incident(Reports.incident(n, at, false), at + update * 300L));
      if (update < 5) {
        journal.append(JournalRecord.topologyEvent(Reports.event(at + update * 300L, update), at + update * 300L));
      }
    }
    journal.append(JournalRecord.incident(Reports.incident(n, at, true), at + 6000));
  }
}
