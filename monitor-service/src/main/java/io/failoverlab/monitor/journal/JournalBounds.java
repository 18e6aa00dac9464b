package io.failoverlab.monitor.journal;

/**
 * How much the journal keeps: incidents (INCIDENT_HISTORY, as the monitor keeps in memory), topology
 * events and chaos actions, and bytes (MONITOR_JOURNAL_MAX_BYTES) for all of it together.
 */
public record JournalBounds(int incidents, int topologyEvents, int chaosActions, long maxBytes) {

  public JournalBounds {
    if (incidents < 1 || topologyEvents < 1 || chaosActions < 1 || maxBytes < 1024) {
      throw new IllegalArgumentException("bounds too small: " + incidents + ", " + topologyEvents + ", "
          + chaosActions + ", " + maxBytes + " bytes");
    }
  }

  /**
   * A compaction writes at most this much, so appends have the other half before the next one. Keeps
   * compactions rare: each rewrites everything kept.
   */
  long compactedBytes() {
    return maxBytes / 2;
  }

  /**
   * Lines appended past this compact the file even within its bytes: superseded updates of one
   * incident would otherwise pile up and slow the next load.
   */
  long maxLines() {
    return 4L * (incidents + topologyEvents + chaosActions) + 1000;
  }
}
