package io.failoverlab.monitor.journal;

import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.TopologyEvent;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's history on disk: incidents (every update, the latest per id wins), topology events and
 * chaos actions, appended to {@code journal.log} in the data directory, one checksummed JSON line per
 * record ({@link JournalCodec}).
 *
 * <p>Why a file of our own and not an embedded database: the records are already JSON with
 * {@code toJson}/{@code fromJson} and only ever appended, then read back whole at start; a database
 * (H2, SQLite, RocksDB, MapDB) adds a large or native dependency and corruption modes of its own, and
 * what we need on bad data, keep every good record and move the file aside untouched, is a few lines
 * over a file we understand byte by byte, and hard to get from a store that refuses to open.
 *
 * <p>Writes never run on the caller's thread: {@link #append} only offers the record to a bounded
 * queue that one writer thread drains, in order, a batch at a time (one fsync per batch). A full queue
 * or a failed write (full disk, read-only directory) marks the journal failing and counts the records
 * dropped; the monitor goes on serving from memory. After a failed write the next batch rewrites the
 * whole file from the writer's model of what is kept, so a torn append never stays in the middle of it.
 *
 * <p>Bounded by {@link JournalBounds}: past its bytes or lines the file is compacted, rewritten with
 * what is kept (newest first to stay: the oldest records go first) to a temporary file, fsynced and
 * renamed over the journal, so a crash at any moment leaves either the old file or the new one.
 */
public final class Journal implements AutoCloseable {

  public static final String FILE = "journal.log";

  /** Another monitor (another process, or another journal of this one) holds the directory's lock. */
  public static final class Locked extends IllegalStateException {
    Locked(String message) {
      super(message);
    }
  }

  /** Records waiting for the writer; a burst past it is dropped and counted, never held in memory unbounded. */
  public static final int QUEUE_CAPACITY = 4096;
  private static final int BATCH = 512;
  private static final int LOGGED_SKIPS = 20;
  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

  private final Path dir;
  private final Path file;
  private final JournalBounds bounds;
  private final JournalLock lock;
  private final Kept kept;
  private final BlockingQueue<JournalRecord> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final Thread writer;
  private JournalLoad loaded;
  private volatile String failure;
  private volatile boolean closing;
  // The writer thread's alone once it started.
  private FileChannel channel;
  private long lines;
  private boolean rewriteNeeded;

  private Journal(Path dir, JournalBounds bounds, JournalLock lock, String failure, Kept kept) {
    this.dir = dir;
    this.file = dir.resolve(FILE);
    this.bounds = bounds;
    this.lock = lock;
    this.failure = failure;
    this.kept = kept;
    this.writer = new Thread(this::run, "monitor-journal-writer");
    this.writer.setDaemon(true);
  }

  /**
   * Opens (creating the directory if missing) and loads the journal; blocking, so not on an event loop.
   * Never fails for bad or missing data or a directory it cannot write: it keeps what it could read and
   * reports the rest ({@link #loaded()}, {@link #failure()}). Throws {@link Locked} only when another
   * monitor holds the directory's lock, naming the lock file and its holder's pid.
   */
  public static Journal open(Path dir, JournalBounds bounds) {
    long started = System.nanoTime();
    String failure = null;
    JournalLock lock = null;
    try {
      Files.createDirectories(dir);
      lock = JournalLock.acquire(dir);
    } catch (IOException e) {
      // A read-only or unusable directory: what is there can still be read, nothing will be written.
      failure = "cannot write " + dir + ": " + e;
    }
    Kept kept = new Kept(bounds);
    List<JournalLoad.Skipped> skipped = new ArrayList<>();
    Path file = dir.resolve(FILE);
    long bytesRead = read(file, kept, skipped);
    List<String> interrupted = kept.interruptOpen(System.currentTimeMillis());
    Path aside = null;
    if (!skipped.isEmpty() && lock != null) {
      aside = moveAside(file);
    }
    Journal journal = new Journal(dir, bounds, lock, failure, kept);
    if (lock != null) {
      try {
        // A clean file within its bounds is appended to as it is: rewriting it would only cost the start time.
        if (aside != null || !interrupted.isEmpty() || !Files.exists(file) || bytesRead > bounds.compactedBytes()
            || kept.lines > bounds.maxLines()) {
          journal.rewrite();
        } else {
          journal.channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
          journal.bytes.set(bytesRead);
          journal.lines = kept.lines;
        }
      } catch (IOException e) {
        journal.failed("rewrite at start", e, 0);
      }
    }
    journal.loaded = new JournalLoad(kept.incidents(), kept.topologyEvents(), kept.chaosActions(),
        List.copyOf(skipped), aside, interrupted, bytesRead, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    journal.report(file);
    // Everything above happens-before the writer's first step.
    journal.writer.start();
    return journal;
  }

  /** What was there at open. */
  public JournalLoad loaded() {
    return loaded;
  }

  /** Queues a record for the writer; never blocks. A full queue drops it, counted, and marks the journal failing. */
  public void append(JournalRecord record) {
    if (closing) {
      return;
    }
    if (!queue.offer(record)) {
      dropped.incrementAndGet();
      if (failure == null) {
        failure = "write queue full (" + QUEUE_CAPACITY + " records waiting)";
        LOG.warn("event=journal_failing dir={} error=\"{}\"", dir, failure);
      }
    }
  }

  /** Why the journal cannot write now, or null when it can. */
  public String failure() {
    return failure;
  }

  public boolean failing() {
    return failure != null;
  }

  public long droppedRecords() {
    return dropped.get();
  }

  /** Records appended and on disk (rewrites included) since open. */
  public long writtenRecords() {
    return written.get();
  }

  public long bytes() {
    return bytes.get();
  }

  public Path dir() {
    return dir;
  }

  /** For the readiness detail and {@code /stats}. */
  public JsonObject status() {
    String error = failure;
    return new JsonObject()
        .put("ok", error == null)
        .put("dir", dir.toString())
        .put("bytes", bytes.get())
        .put("maxBytes", bounds.maxBytes())
        .put("queued", queue.size())
        .put("droppedRecords", dropped.get())
        .put("skippedAtLoad", loaded.skipped().size())
        .put("error", error);
  }

  /** Writes what is queued, then releases the file and the lock. Blocking. */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (channel != null) {
        channel.close();
      }
      if (lock != null) {
        lock.close();
      }
    } catch (IOException e) {
      LOG.warn("event=journal_close_failed dir={} error=\"{}\"", dir, e.toString());
    }
  }

  // ---- the writer thread

  private void run() {
    List<JournalRecord> batch = new ArrayList<>(BATCH);
    while (true) {
      JournalRecord first;
      try {
        first = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (first == null) {
        if (closing) {
          return;
        }
        continue;
      }
      batch.add(first);
      queue.drainTo(batch, BATCH - 1);
      try {
        write(batch);
      } catch (RuntimeException e) {
        // A bug must not end the thread: the queue would fill and every later record be dropped unseen.
        failure = "write failed: " + e;
        dropped.addAndGet(batch.size());
        rewriteNeeded = true;
        LOG.error("event=journal_write_failed dir={} error=\"{}\"", dir, e.toString(), e);
      }
      batch.clear();
    }
  }

  private void write(List<JournalRecord> batch) {
    batch.forEach(kept::add);
    if (lock == null) {
      dropped.addAndGet(batch.size());
      return;
    }
    List<byte[]> encoded = new ArrayList<>(batch.size());
    long size = 0;
    for (JournalRecord record : batch) {
      byte[] line = JournalCodec.encode(record);
      encoded.add(line);
      size += line.length;
    }
    try {
      if (rewriteNeeded || channel == null || bytes.get() + size > bounds.maxBytes()
          || lines + batch.size() > bounds.maxLines()) {
        rewrite();
      } else {
        long good = channel.size();
        try {
          writeAll(channel, encoded);
          channel.force(false);
        } catch (IOException e) {
          // A partial line (a full disk) must not stay before the next record: cut it off if we can.
          truncateQuietly(good);
          throw e;
        }
        bytes.addAndGet(size);
        lines += batch.size();
      }
      written.addAndGet(batch.size());
      recovered();
    } catch (IOException e) {
      failed("append", e, batch.size());
    }
  }

  /** Everything kept, within the compacted bytes, to a temporary file, fsynced, renamed over the journal. */
  private void rewrite() throws IOException {
    List<byte[]> encoded = kept.encodeWithin(bounds.compactedBytes());
    Path tmp = dir.resolve(FILE + ".tmp");
    long size = 0;
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      size = writeAll(out, encoded);
      out.force(true);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    if (channel != null) {
      channel.close();
      channel = null;
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    // The rename itself is durable only once the directory is.
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    }
    channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    bytes.set(size);
    lines = encoded.size();
    rewriteNeeded = false;
  }

  private static long writeAll(FileChannel out, List<byte[]> lines) throws IOException {
    int total = 0;
    for (byte[] line : lines) {
      total += line.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(total);
    lines.forEach(buffer::put);
    buffer.flip();
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
    return total;
  }

  private void truncateQuietly(long size) {
    try {
      channel.truncate(size);
    } catch (IOException ignored) {
      // The rewrite that follows the failure replaces the file anyway.
    }
  }

  private void failed(String step, IOException e, int records) {
    rewriteNeeded = true;
    dropped.addAndGet(records);
    boolean first = failure == null;
    failure = step + " failed: " + e;
    if (first) {
      // Once per failing spell, not per record: a full disk would flood the log.
      LOG.warn("event=journal_failing dir={} step={} records_dropped={} error=\"{}\"", dir, step, records, e.toString());
    }
  }

  private void recovered() {
    if (failure != null) {
      LOG.info("event=journal_recovered dir={} bytes={} dropped_total={}", dir, bytes.get(), dropped.get());
      failure = null;
    }
  }

  // ---- loading

  /** Reads every line it can into {@code kept}; what it cannot goes to {@code skipped}. Returns the bytes read. */
  private static long read(Path file, Kept kept, List<JournalLoad.Skipped> skipped) {
    if (!Files.exists(file)) {
      return 0;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      skipped.add(new JournalLoad.Skipped(file, 0, "unreadable file: " + e));
      return 0;
    }
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        decodeInto(bytes, start, i, file, kept, skipped);
        start = i + 1;
      }
    }
    if (start < bytes.length) {
      // What a kill in the middle of a write leaves.
      skipped.add(new JournalLoad.Skipped(file, start, "torn record (" + (bytes.length - start) + " bytes, no end of line)"));
    }
    return bytes.length;
  }

  private static void decodeInto(byte[] bytes, int from, int to, Path file, Kept kept,
                                 List<JournalLoad.Skipped> skipped) {
    try {
      kept.add(JournalCodec.decode(bytes, from, to));
    } catch (JournalCodec.BadRecord e) {
      skipped.add(new JournalLoad.Skipped(file, from, e.getMessage()));
    }
  }

  /** The file as it was, under a name nobody writes to: never deleted, never overwritten. */
  private static Path moveAside(Path file) {
    for (int n = 0; n < 1000; n++) {
      Path aside = file.resolveSibling(FILE + ".unreadable-" + System.currentTimeMillis() + (n == 0 ? "" : "-" + n));
      try {
        return Files.move(file, aside);
      } catch (FileAlreadyExistsException taken) {
        // Another name, then.
      } catch (IOException e) {
        LOG.warn("event=journal_move_aside_failed file={} error=\"{}\"", file, e.toString());
        return null;
      }
    }
    return null;
  }

  private void report(Path file) {
    LOG.info("event=journal_loaded dir={} incidents={} interrupted={} topology_events={} chaos_actions={} bytes_read={} "
            + "load_ms={} writable={}", dir, loaded.incidents().size(), loaded.interrupted(),
        loaded.topologyEvents().size(), loaded.chaosActions().size(), loaded.bytesRead(), loaded.loadMillis(),
        failure == null);
    if (!loaded.skipped().isEmpty()) {
      List<JournalLoad.Skipped> shown = loaded.skipped().subList(0, Math.min(LOGGED_SKIPS, loaded.skipped().size()));
      LOG.warn("event=journal_records_skipped file={} skipped={} moved_to={} records=\"{}\"", file,
          loaded.skipped().size(), loaded.movedAside() == null ? "(left in place)" : loaded.movedAside(),
          shown + (loaded.skipped().size() > LOGGED_SKIPS ? " ..." : ""));
    }
    if (failure != null) {
      LOG.warn("event=journal_failing dir={} error=\"{}\"", dir, failure);
    }
  }

  /**
   * What the journal keeps, by kind and age, within the bounds: the latest record of each incident in
   * the order they opened, the newest topology events and chaos actions. The writer's model, from which
   * a compaction rewrites the file.
   */
  static final class Kept {
    private final JournalBounds bounds;
    private final LinkedHashMap<String, JournalRecord> incidents = new LinkedHashMap<>();
    private final Deque<JournalRecord> events = new ArrayDeque<>();
    private final Deque<JournalRecord> chaos = new ArrayDeque<>();
    /** Records added, superseded or not: the lines of a journal just read. */
    long lines;

    Kept(JournalBounds bounds) {
      this.bounds = bounds;
    }

    void add(JournalRecord record) {
      lines++;
      switch (record.kind()) {
        case INCIDENT -> {
          // An update keeps the incident's place: the order is that of opening.
          incidents.put(record.incidentId(), record);
          while (incidents.size() > bounds.incidents()) {
            incidents.remove(incidents.keySet().iterator().next());
          }
        }
        case TOPOLOGY_EVENT -> bounded(events, record, bounds.topologyEvents());
        case CHAOS_ACTION -> bounded(chaos, record, bounds.chaosActions());
        default -> throw new IllegalStateException("unknown kind " + record.kind());
      }
    }

    private static void bounded(Deque<JournalRecord> deque, JournalRecord record, int max) {
      deque.addLast(record);
      while (deque.size() > max) {
        deque.removeFirst();
      }
    }

    /** Closes, as interrupted, every incident whose last record is open; returns their ids. */
    List<String> interruptOpen(long now) {
      List<String> ids = new ArrayList<>();
      for (Map.Entry<String, JournalRecord> entry : incidents.entrySet()) {
        if (IncidentReport.State.OPEN.label().equals(entry.getValue().data().getString("state"))) {
          IncidentReport report = IncidentReport.fromJson(entry.getValue().data());
          long last = entry.getValue().at();
          entry.setValue(JournalRecord.incident(report.interrupted(last, "The monitor stopped while this incident was "
              + "open (its last update journaled at " + last + "); closed as interrupted when the monitor started "
              + "again at " + now + ": nothing after " + last + " was seen."), now));
          ids.add(entry.getKey());
        }
      }
      return ids;
    }

    /**
     * Every record, encoded, oldest dropped first (from here too) until the rest fits {@code maxBytes};
     * the newest record is always kept.
     */
    List<byte[]> encodeWithin(long maxBytes) {
      Map<JournalRecord, byte[]> lines = new IdentityHashMap<>();
      long total = 0;
      for (JournalRecord record : all()) {
        byte[] line = JournalCodec.encode(record);
        lines.put(record, line);
        total += line.length;
      }
      while (total > maxBytes && lines.size() > 1) {
        total -= lines.remove(removeOldest()).length;
      }
      List<byte[]> ordered = new ArrayList<>();
      all().forEach(record -> ordered.add(lines.get(record)));
      return ordered;
    }

    private JournalRecord removeOldest() {
      JournalRecord incident = incidents.isEmpty() ? null : incidents.values().iterator().next();
      JournalRecord oldest = incident;
      for (JournalRecord candidate : new JournalRecord[] {events.peekFirst(), chaos.peekFirst()}) {
        if (candidate != null && (oldest == null || candidate.at() < oldest.at())) {
          oldest = candidate;
        }
      }
      if (oldest == incident) {
        incidents.remove(incident.incidentId());
      } else if (oldest == events.peekFirst()) {
        events.removeFirst();
      } else {
        chaos.removeFirst();
      }
      return oldest;
    }

    private List<JournalRecord> all() {
      List<JournalRecord> all = new ArrayList<>(chaos);
      all.addAll(events);
      all.addAll(incidents.values());
      return all;
    }

    List<IncidentReport> incidents() {
      return incidents.values().stream().map(record -> IncidentReport.fromJson(record.data())).toList();
    }

    List<TopologyEvent> topologyEvents() {
      return events.stream().map(record -> TopologyEvent.fromJson(record.data())).toList();
    }

    List<JsonObject> chaosActions() {
      return chaos.stream().map(JournalRecord::data).toList();
    }
  }
}
