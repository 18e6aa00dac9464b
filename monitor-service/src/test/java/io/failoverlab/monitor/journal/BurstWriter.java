package io.failoverlab.monitor.journal;

import java.nio.file.Path;

/**
 * A process that journals incidents as fast as the journal takes them, for {@link JournalKillIT} to
 * SIGKILL: each incident gets an open update, a topology event and its close, the writer's queue kept
 * full; a second thread prints {@code closed <n>} once incident n's close is on disk, so the test knows
 * what was written before the kill. Small bounds, so compactions (rewrite and rename) run during the burst too.
 */
public final class BurstWriter {

  /** 400 incidents (~1.8 MB) within 8 MiB; a compaction every ~500 incidents (the lines bound). */
  static final JournalBounds BOUNDS = new JournalBounds(400, 20, 10, 8 * 1024 * 1024);
  static final long T0 = 1_790_000_000_000L;

  private BurstWriter() {
  }

  public static void main(String[] args) throws InterruptedException {
    Journal journal = Journal.open(Path.of(args[0]), BOUNDS);
    Thread reporter = new Thread(() -> report(journal), "burst-reporter");
    reporter.setDaemon(true);
    reporter.start();
    long appended = 0;
    for (int i = 1; ; i++) {
      while (appended - journal.writtenRecords() > Journal.QUEUE_CAPACITY - 3) {
        // The writer program's own pace: the queue kept full, never overflowing (a dropped record would
        // break the count below).
        Thread.sleep(1);
      }
      long at = T0 + i * 60_000L;
      journal.append(JournalRecord.incident(Reports.incident(i, at, false), at));
      journal.append(JournalRecord.topologyEvent(Reports.event(at, i), at));
      journal.append(JournalRecord.incident(Reports.incident(i, at, true), at + 6000));
      appended += 3;
    }
  }

  /** Records are written in order, three per incident, the close last: written / 3 incidents are on disk closed. */
  private static void report(Journal journal) {
    long said = 0;
    while (true) {
      long closed = journal.writtenRecords() / 3;
      StringBuilder out = new StringBuilder();
      for (long n = said + 1; n <= closed; n++) {
        out.append("closed ").append(n).append('\n');
      }
      System.out.print(out);
      System.out.flush();
      said = closed;
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
