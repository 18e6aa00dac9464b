package io.failoverlab.bench;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What one bench client did, command by command: when each operation completed, on which slot, how
 * long it took and whether it succeeded; and every failed attempt (an operation may retry). Written
 * from the client's threads, read from the bench's: every method is synchronized.
 */
final class OpLog {

  private record Op(long at, int slot, long micros, boolean ok) {
  }

  private record AttemptError(long at, int slot, String type) {
  }

  private final String client;
  private final List<Op> ops = new ArrayList<>();
  private final List<AttemptError> errors = new ArrayList<>();

  OpLog(String client) {
    this.client = client;
  }

  String client() {
    return client;
  }

  synchronized void op(long at, int slot, long micros, boolean ok) {
    ops.add(new Op(at, slot, micros, ok));
  }

  synchronized void attemptFailed(long at, int slot, String type) {
    errors.add(new AttemptError(at, slot, type));
  }

  /** Forgets what happened before {@code millis}: each failover only looks at its own window. */
  synchronized void forgetBefore(long millis) {
    ops.removeIf(op -> op.at < millis);
    errors.removeIf(error -> error.at < millis);
  }

  /**
   * The first success on {@code slots} after the first failure there after {@code after}: the end of
   * an outage. Requiring the failure first keeps out a reply the dead node sent just before it died.
   */
  synchronized Long recoveredAt(BitSet slots, long after) {
    long firstError = Long.MAX_VALUE;
    for (AttemptError error : errors) {
      if (error.at > after && slots.get(error.slot)) {
        firstError = error.at;
        break;
      }
    }
    for (Op op : ops) {
      if (!op.ok && op.at > after && op.at < firstError && slots.get(op.slot)) {
        firstError = op.at;
      }
    }
    if (firstError == Long.MAX_VALUE) {
      return null;
    }
    for (Op op : ops) {
      if (op.ok && op.at >= firstError && slots.get(op.slot)) {
        return op.at;
      }
    }
    return null;
  }

  /** Wall-clock ms of the last success on {@code slots}, or null. */
  synchronized Long lastSuccess(BitSet slots) {
    for (int i = ops.size() - 1; i >= 0; i--) {
      Op op = ops.get(i);
      if (op.ok && slots.get(op.slot)) {
        return op.at;
      }
    }
    return null;
  }

  /** Whether an operation on {@code slots} succeeded at {@code since} or later. */
  synchronized boolean succeededSince(BitSet slots, long since) {
    Long last = lastSuccess(slots);
    return last != null && last > since;
  }

  /** Failed attempts on {@code slots} in [from, to]. */
  synchronized long attemptErrors(BitSet slots, long from, long to) {
    long count = 0;
    for (AttemptError error : errors) {
      if (error.at >= from && error.at <= to && slots.get(error.slot)) {
        count++;
      }
    }
    return count;
  }

  /**
   * Adds the latency (µs, retries included) of the operations on {@code slots} completed in [from, to],
   * failed ones too: a healthy shard's failure is part of what it suffered.
   */
  synchronized void latencies(BitSet slots, long from, long to, Histogram into) {
    for (Op op : ops) {
      if (op.at >= from && op.at <= to && slots.get(op.slot)) {
        into.recordValue(Math.min(into.getHighestTrackableValue(), Math.max(1, op.micros)));
      }
    }
  }

  /**
   * Writes the operations completed in [from, to] as CSV (ms since {@code zero}, slot, whether the
   * slot is in {@code marked}, µs, outcome): to see when in a failover the slow ones happened.
   */
  synchronized void dump(java.nio.file.Path file, long from, long to, long zero, BitSet marked) throws java.io.IOException {
    StringBuilder csv = new StringBuilder("ms_since_kill,slot,failed_shard,latency_us,ok\n");
    for (Op op : ops) {
      if (op.at >= from && op.at <= to) {
        csv.append(op.at - zero).append(',').append(op.slot).append(',').append(marked.get(op.slot)).append(',')
            .append(op.micros).append(',').append(op.ok).append('\n');
      }
    }
    java.nio.file.Files.writeString(file, csv);
  }

  /** Operations on {@code slots} completed in [from, to] (successful or not). */
  synchronized long operations(BitSet slots, long from, long to) {
    long count = 0;
    for (Op op : ops) {
      if (op.at >= from && op.at <= to && slots.get(op.slot)) {
        count++;
      }
    }
    return count;
  }
}
