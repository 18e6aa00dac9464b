package io.failoverlab.clients;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import org.HdrHistogram.Histogram;

/**
 * What one client did, operation by operation: when each started and completed (epoch ms, with the
 * sub-millisecond part the client gave), on which slot, and whether it succeeded; and every failed
 * attempt (an operation may retry inside the client). Written from the client's side, read by the
 * measuring thread: every method is synchronized. Bounded: the newest {@value #MAX_ENTRIES}
 * operations and as many attempts; {@link #forgetBefore} keeps each failover to its own window.
 */
public final class OpLog {

  static final int MAX_ENTRIES = 500_000;

  private record Op(double start, double end, int slot, boolean ok) {

    long at() {
      return (long) end;
    }

    double millis() {
      return end - start;
    }
  }

  private record AttemptError(long at, int slot, String type) {
  }

  private final String client;
  private final Deque<Op> ops = new ArrayDeque<>();
  private final Deque<AttemptError> errors = new ArrayDeque<>();

  public OpLog(String client) {
    this.client = client;
  }

  public String client() {
    return client;
  }

  /** An operation completed at {@code at} (epoch ms) after {@code micros}: the bench's own clients. */
  public synchronized void op(long at, int slot, long micros, boolean ok) {
    add(ops, new Op(at - micros / 1000.0, at, slot, ok));
  }

  /** An operation that started at {@code start} and completed at {@code end} (epoch ms). */
  public synchronized void timed(double start, double end, int slot, boolean ok) {
    add(ops, new Op(start, end, slot, ok));
  }

  public synchronized void attemptFailed(long at, int slot, String type) {
    add(errors, new AttemptError(at, slot, type));
  }

  private static <T> void add(Deque<T> queue, T item) {
    queue.addLast(item);
    if (queue.size() > MAX_ENTRIES) {
      queue.removeFirst();
    }
  }

  /** Forgets what happened before {@code millis}: each failover only looks at its own window. */
  public synchronized void forgetBefore(long millis) {
    ops.removeIf(op -> op.at() < millis);
    errors.removeIf(error -> error.at < millis);
  }

  /**
   * The first success on {@code slots} after the first failure there after {@code after}: the end of
   * an outage. Requiring the failure first keeps out a reply the dead node sent just before it died.
   */
  public synchronized Long recoveredAt(BitSet slots, long after) {
    long firstError = Long.MAX_VALUE;
    for (AttemptError error : errors) {
      if (error.at > after && slots.get(error.slot)) {
        firstError = error.at;
        break;
      }
    }
    for (Op op : ops) {
      if (!op.ok && op.at() > after && op.at() < firstError && slots.get(op.slot)) {
        firstError = op.at();
      }
    }
    if (firstError == Long.MAX_VALUE) {
      return null;
    }
    for (Op op : ops) {
      if (op.ok && op.at() >= firstError && slots.get(op.slot)) {
        return op.at();
      }
    }
    return null;
  }

  /**
   * The completion time (epoch ms) of the first operation on {@code slots} that started at or after
   * {@code fault} and succeeded, or null: the end of the client's unavailability, whether it spent the
   * time in errors or blocked inside one call. An operation started before the fault proves nothing.
   */
  public synchronized Double firstSuccessStartedAfter(BitSet slots, double fault) {
    Double first = null;
    for (Op op : ops) {
      if (op.ok && op.start >= fault && slots.get(op.slot) && (first == null || op.end < first)) {
        first = op.end;
      }
    }
    return first;
  }

  /** The longest single operation (ms) on {@code slots} that started in [from, to], failed ones too; 0 if none. */
  public synchronized double longestCall(BitSet slots, double from, double to) {
    double longest = 0;
    for (Op op : ops) {
      if (op.start >= from && op.start <= to && slots.get(op.slot)) {
        longest = Math.max(longest, op.millis());
      }
    }
    return longest;
  }

  /** Wall-clock ms of the last success on {@code slots}, or null. */
  public synchronized Long lastSuccess(BitSet slots) {
    var descending = ops.descendingIterator();
    while (descending.hasNext()) {
      Op op = descending.next();
      if (op.ok && slots.get(op.slot)) {
        return op.at();
      }
    }
    return null;
  }

  /** Whether an operation on {@code slots} succeeded at {@code since} or later. */
  public synchronized boolean succeededSince(BitSet slots, long since) {
    Long last = lastSuccess(slots);
    return last != null && last > since;
  }

  /** Failed attempts on {@code slots} in [from, to]. */
  public synchronized long attemptErrors(BitSet slots, long from, long to) {
    long count = 0;
    for (AttemptError error : errors) {
      if (error.at >= from && error.at <= to && slots.get(error.slot)) {
        count++;
      }
    }
    return count;
  }

  /** Failed operations on {@code slots} completed in [from, to]. */
  public synchronized long failedOperations(BitSet slots, long from, long to) {
    long count = 0;
    for (Op op : ops) {
      if (!op.ok && op.at() >= from && op.at() <= to && slots.get(op.slot)) {
        count++;
      }
    }
    return count;
  }

  /**
   * Adds the latency (µs, retries included) of the operations on {@code slots} completed in [from, to],
   * failed ones too: a healthy shard's failure is part of what it suffered.
   */
  public synchronized void latencies(BitSet slots, long from, long to, Histogram into) {
    for (Op op : ops) {
      if (op.at() >= from && op.at() <= to && slots.get(op.slot)) {
        long micros = Math.round(op.millis() * 1000);
        into.recordValue(Math.min(into.getHighestTrackableValue(), Math.max(1, micros)));
      }
    }
  }

  /**
   * Writes the operations completed in [from, to] as CSV (ms since {@code zero}, slot, whether the
   * slot is in {@code marked}, µs, outcome): to see when in a failover the slow ones happened.
   */
  public synchronized void dump(Path file, long from, long to, long zero, BitSet marked) throws IOException {
    StringBuilder csv = new StringBuilder("ms_since_kill,slot,failed_shard,latency_us,ok\n");
    for (Op op : ops) {
      if (op.at() >= from && op.at() <= to) {
        csv.append(op.at() - zero).append(',').append(op.slot).append(',').append(marked.get(op.slot)).append(',')
            .append(Math.round(op.millis() * 1000)).append(',').append(op.ok).append('\n');
      }
    }
    Files.writeString(file, csv);
  }

  /** Operations on {@code slots} completed in [from, to] (successful or not). */
  public synchronized long operations(BitSet slots, long from, long to) {
    long count = 0;
    for (Op op : ops) {
      if (op.at() >= from && op.at() <= to && slots.get(op.slot)) {
        count++;
      }
    }
    return count;
  }
}
