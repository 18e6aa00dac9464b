package io.failoverlab.clients;

import io.failoverlab.clients.jvm.JvmClient;
import io.failoverlab.router.load.LoadLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Context;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A library in this JVM: created on a worker thread (libraries connect, and block, while they start),
 * then driven by the writer's own {@link LoadLoop}: the rate over all keys, one INCR in flight per key,
 * a busy key skipped. Each reply comes back on the library's thread and is recorded on the run's
 * event loop.
 */
final class JvmSource implements ClientRun.Source {

  private static final Logger LOG = LoggerFactory.getLogger(JvmSource.class);

  /** How long stopping waits for the INCRs in flight (a library without deadlines may never answer). */
  static final long DRAIN_MS = 3000;

  /** The pause between two attempts to start a library that could not reach the cluster. */
  static final long RETRY_MS = 500;
  /**
   * Attempts made whatever the window: on a starved host one attempt alone took the whole minute
   * (CI's compose stack), and a slow attempt says nothing about the next one.
   */
  static final int MIN_ATTEMPTS = 3;

  private final Callable<JvmClient> factory;
  private final long startWindowMs;
  private JvmClient client;
  private LoadLoop loop;
  private ClientRun run;
  private Context context;
  private Future<Void> stopping;

  /**
   * @param startWindowMs how long the library may keep failing to start (most often: its first
   *                      connection missing a short connect timeout on a loaded machine) before the
   *                      client is reported failed; it is tried again every {@link #RETRY_MS} until then,
   *                      and at least {@link #MIN_ATTEMPTS} times
   */
  JvmSource(Callable<JvmClient> factory, long startWindowMs) {
    this.factory = factory;
    this.startWindowMs = startWindowMs;
  }

  @Override
  public Future<Void> start(ClientRun run) {
    this.run = run;
    this.context = run.vertx().getOrCreateContext();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(startWindowMs);
    return create(deadline, 1).compose(created -> {
      if (stopping != null) {
        // Stopped while the library was starting: it is closed here, as stop() could not.
        return run.vertx().<Void>executeBlocking(() -> {
          created.close();
          return null;
        }, false).compose(v -> Future.failedFuture("stopped while starting"));
      }
      client = created;
      run.describedAs(created.version(), created.settings());
      loop = new LoadLoop(run.vertx(), run.keys(), run.workload().rate(), run.keys().size(), this::incr, run::skipped);
      loop.start();
      return Future.succeededFuture();
    });
  }

  /**
   * Creates the library, again and again until the deadline: a client whose first connection missed
   * its deadline is a slow start, not a broken client. Stops trying once the run is stopped.
   */
  private Future<JvmClient> create(long deadline, int attempt) {
    var vertx = run.vertx();
    return vertx.executeBlocking(factory, false).recover(error -> {
      if (stopping != null) {
        return Future.failedFuture(error);
      }
      if (attempt >= MIN_ATTEMPTS && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MS) > deadline) {
        return Future.failedFuture(new IllegalStateException(
            attempt + " attempt(s) in " + startWindowMs + " ms, the last: " + root(error).getMessage(), error));
      }
      LOG.info("event=client_start_retry client={} attempt={} error=\"{}\"", run.label(), attempt,
          root(error).getMessage());
      return vertx.timer(RETRY_MS).compose(v -> create(deadline, attempt + 1));
    });
  }

  private Future<?> incr(String key) {
    double start = OpRecord.now();
    Promise<Void> done = Promise.promise();
    try {
      client.incr(key).whenComplete((value, error) -> {
        double end = OpRecord.now();
        OpRecord record = error == null ? OpRecord.success(key, start, end, value)
            : OpRecord.failure(key, start, end, root(error).getMessage(), root(error).getClass().getSimpleName());
        context.runOnContext(v -> {
          run.record(record);
          done.complete();
        });
      });
    } catch (RuntimeException e) {
      run.record(OpRecord.failure(key, start, OpRecord.now(), e.getMessage(), e.getClass().getSimpleName()));
      done.complete();
    }
    return done.future();
  }

  /** The library's own exception: CompletableFuture wraps it in a CompletionException. */
  private static Throwable root(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Stops starting INCRs, waits a little for those in flight, closes the library. Idempotent. */
  @Override
  public Future<Void> stop() {
    if (stopping != null) {
      return stopping;
    }
    Future<Void> drained = loop == null ? Future.succeededFuture()
        : loop.stop().timeout(DRAIN_MS, TimeUnit.MILLISECONDS).recover(slow -> Future.succeededFuture());
    stopping = drained.compose(v -> client == null ? Future.<Void>succeededFuture()
        : run.vertx().<Void>executeBlocking(() -> {
          client.close();
          return null;
        }, false));
    return stopping;
  }

  @Override
  public int inFlight() {
    return loop == null ? 0 : loop.inFlight();
  }
}
