package io.failoverlab.router.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Function;

/**
 * Drives operations over a fixed set of keys at a target rate with a hard bound on operations in
 * flight. At most one operation per key is in flight, so per-key results arrive in order. There is no
 * queue: an operation that cannot start (bound reached, or its key still busy) is skipped and counted.
 * With {@code ratePerSecond == 0} it runs flat out, keeping {@code maxInFlight} operations going.
 *
 * <p>Not thread-safe: runs on the event loop of the verticle that owns it.
 */
public final class LoadLoop {

  private static final long TICK_MS = 10;

  private final Vertx vertx;
  private final List<String> keys;
  private final int ratePerSecond;
  private final int maxInFlight;
  private final Function<String, Future<?>> operation;
  private final Runnable onSkip;
  private final boolean[] busy;
  private final int[] rotation;
  private int inFlight;
  private int cursor;
  private double tokens;
  private long lastTickNanos;
  private long timer = -1;
  private boolean running;
  private boolean launchingInline;
  private Promise<Void> drained;

  public LoadLoop(Vertx vertx, List<String> keys, int ratePerSecond, int maxInFlight,
                  Function<String, Future<?>> operation, Runnable onSkip) {
    if (keys.isEmpty() || maxInFlight < 1 || ratePerSecond < 0) {
      throw new IllegalArgumentException("need keys, maxInFlight >= 1 and ratePerSecond >= 0");
    }
    this.vertx = vertx;
    this.keys = List.copyOf(keys);
    this.ratePerSecond = ratePerSecond;
    this.maxInFlight = maxInFlight;
    this.operation = operation;
    this.onSkip = onSkip;
    this.busy = new boolean[keys.size()];
    this.rotation = spreadOrder(keys.size());
  }

  /**
   * Rate mode's visiting order: every key once per cycle, with a stride near n / golden ratio (coprime
   * with n), so the keys of any contiguous run, such as one shard's (keys are laid out by slot), come
   * evenly spread over the cycle instead of in one burst. Measured: in a burst, a dead shard's
   * operations all reached their deadline together and the shard then had nothing in flight until
   * the keys' next turns, up to ~160 ms per 1.2 s; a promotion landing there was seen that late.
   */
  public static int[] spreadOrder(int n) {
    int stride = Math.max(1, (int) Math.round(n * 0.6180339887));
    while (gcd(stride, n) != 1) {
      stride--;
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = (int) ((long) i * stride % n);
    }
    return order;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  public void start() {
    running = true;
    if (ratePerSecond > 0) {
      lastTickNanos = System.nanoTime();
      timer = vertx.setPeriodic(TICK_MS, id -> tick());
    } else {
      for (int i = 0; i < maxInFlight; i++) {
        launchFreeKey();
      }
    }
  }

  /**
   * Starts nothing more; completes when the operations in flight have finished (each has a deadline,
   * so this is bounded), so that whatever they use can then be closed without failing them.
   */
  public Future<Void> stop() {
    running = false;
    vertx.cancelTimer(timer);
    if (inFlight == 0) {
      return Future.succeededFuture();
    }
    drained = Promise.promise();
    return drained.future();
  }

  public int inFlight() {
    return inFlight;
  }

  private void tick() {
    long now = System.nanoTime();
    tokens += ratePerSecond * ((now - lastTickNanos) / 1e9);
    lastTickNanos = now;
    // Never bank more than one tick's worth plus one: a stalled loop must not burst afterwards.
    tokens = Math.min(tokens, ratePerSecond * TICK_MS / 1000.0 + 1);
    while (tokens >= 1) {
      tokens -= 1;
      launchNextKey();
    }
  }

  /** Rate mode: keys in strict rotation, so every key gets the same share; a busy key is a skip. */
  private void launchNextKey() {
    int index = rotation[cursor];
    cursor = (cursor + 1) % keys.size();
    if (inFlight >= maxInFlight || busy[index]) {
      onSkip.run();
      return;
    }
    launch(index);
  }

  /** Flat-out mode: the next key that is not busy. */
  private void launchFreeKey() {
    for (int scanned = 0; scanned < keys.size(); scanned++) {
      int index = cursor;
      cursor = (cursor + 1) % keys.size();
      if (!busy[index]) {
        launch(index);
        return;
      }
    }
  }

  /** Flat-out mode, after key {@code done} finished: the first free key after it (usually its neighbour). */
  private void launchFreeKeyAfter(int done) {
    for (int scanned = 1; scanned <= keys.size(); scanned++) {
      int index = (done + scanned) % keys.size();
      if (!busy[index]) {
        launch(index);
        return;
      }
    }
  }

  private void launch(int index) {
    busy[index] = true;
    inFlight++;
    Future<?> result;
    try {
      result = operation.apply(keys.get(index));
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(done -> {
      busy[index] = false;
      inFlight--;
      if (inFlight == 0 && drained != null) {
        drained.tryComplete();
      }
      if (running && ratePerSecond == 0) {
        if (!launchingInline) {
          // Right away, inside the reply's handler: a write made while its connection is still reading is
          // flushed with the others at the end of that read, so replies that arrive together go out again
          // together, one write for many commands (what redis-benchmark -P does). Measured with the bench's
          // throughput run: about 2.5x the writer's ops/s of launching on the next turn, where every command
          // was a write and a flush of its own.
          // The key after this one is usually on the same shard (keys are laid out by slot): same connection.
          launchingInline = true;
          try {
            if (inFlight < maxInFlight) {
              launchFreeKeyAfter(index);
            }
          } finally {
            launchingInline = false;
          }
        } else {
          // Completed during an inline launch (an instant failure): next turn, so failures cannot recurse deeply.
          vertx.runOnContext(v -> {
            if (running && inFlight < maxInFlight) {
              launchFreeKey();
            }
          });
        }
      }
    });
  }
}
