package io.failoverlab.clients;

import io.failoverlab.router.ErrorType;
import io.failoverlab.router.SlotHash;
import io.failoverlab.router.load.ClientIdentity;
import io.failoverlab.router.load.ClientRecorder;
import io.failoverlab.router.load.CounterKeys;
import io.failoverlab.router.load.CounterLedger;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client under test at work: the writer's workload (INCR on keys of its own spread over every
 * shard) through one library in one configuration, and everything it does recorded the way the
 * writer's own results are: per shard stats and outages on the event bus (its label is their
 * {@code service}), metrics labelled with its client and config, lost and unknown-outcome writes
 * from the INCR replies ({@link CounterLedger}), and every operation in an {@link OpLog} for the
 * measurements in this JVM.
 *
 * <p>Whatever the client does wrong (does not start, throws, a child process dies or speaks
 * nonsense) ends this run as {@code failed}, with the reason, and no other run.
 */
public final class ClientRun extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ClientRun.class);

  public enum State { STARTING, RUNNING, FAILED, STOPPED }

  /** The workload: how many keys, how many INCR per second in all. */
  public record Workload(int keys, int rate) {
  }

  /** Where a client's operations come from: a library in this JVM, or a child process. */
  interface Source {
    /** Starts the client; its records go to {@link ClientRun#record}. Fails if the client cannot start. */
    Future<Void> start(ClientRun run);

    Future<Void> stop();

    /** Operations in flight now (0 if the source cannot tell). */
    int inFlight();
  }

  private final ClientSpec spec;
  private final int generation;
  private final Source source;
  private final Workload workload;
  private final ShardNames shards;
  private final MeterRegistry registry;
  private final CounterKeys keys;
  private final Map<String, Integer> slotOf = new HashMap<>();
  private final OpLog log;
  private final CounterLedger ledger;
  private final Map<String, Long> errorClasses = new TreeMap<>();
  private volatile State state = State.STARTING;
  private volatile String failure;
  private volatile String version = "?";
  private volatile JsonObject settings = new JsonObject();
  private ClientRecorder recorder;

  /**
   * @param generation 1 for a client's first run, 2 after its first restart...: each generation writes
   *                   keys of its own, so every counter a run acknowledges started at 0
   */
  ClientRun(ClientSpec spec, int generation, Source source, Workload workload, ShardNames shards,
            MeterRegistry registry) {
    this.spec = spec;
    this.generation = generation;
    this.source = source;
    this.workload = workload;
    this.shards = shards;
    this.registry = registry;
    this.keys = new CounterKeys("client:" + spec.label() + ":" + generation, workload.keys());
    keys.names().forEach(key -> slotOf.put(key, SlotHash.slot(key)));
    this.log = new OpLog(spec.label());
    this.ledger = new CounterLedger(keys.names());
  }

  @Override
  public Future<?> start() {
    recorder = new ClientRecorder(vertx, registry, new ClientIdentity(spec.label(), spec.library(), spec.config()),
        "incr", UUID.randomUUID().toString().substring(0, 8),
        EnumSet.of(ClientRecorder.Extra.LOST_WRITES, ClientRecorder.Extra.UNACKNOWLEDGED_WRITES), source::inFlight);
    recorder.start();
    // The run is deployed whether or not its client starts: a client that cannot is reported failed.
    source.start(this).onComplete(started -> {
      if (started.succeeded()) {
        if (state == State.STARTING) {
          state = State.RUNNING;
          LOG.info("event=client_started client={} version={} settings={}", spec.label(), version, settings.encode());
        }
      } else {
        fail("could not start: " + started.cause().getMessage());
      }
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (state != State.FAILED) {
      state = State.STOPPED;
    }
    recorder.stop();
    return source.stop();
  }

  // ---- what the sources call, on this run's event loop

  Vertx vertx() {
    return vertx;
  }

  /** The library, its version and its settings in full, as the client itself reported them. */
  void describedAs(String version, JsonObject settings) {
    this.version = version;
    this.settings = settings.copy();
  }

  /** One INCR's outcome. A record for a key that is not this client's is a protocol error. */
  void record(OpRecord op) {
    Integer slot = slotOf.get(op.key());
    if (slot == null) {
      fail("reported an operation on '" + op.key() + "', which is not one of its keys");
      return;
    }
    String shard = shards.label(slot);
    long nanos = Math.max(0, Math.round(op.millis() * 1_000_000));
    log.timed(op.start(), op.end(), slot, op.ok());
    if (op.ok()) {
      long lost = ledger.acknowledged(op.key(), op.value());
      if (lost > 0) {
        recorder.add(ClientRecorder.Extra.LOST_WRITES, lost);
        LOG.warn("event=lost_writes client={} key={} shard={} reply={} lost={}", spec.label(), op.key(), shard,
            op.value(), lost);
      }
      recorder.succeeded(shard, slot, nanos, (long) op.end());
      return;
    }
    ErrorType type = ErrorText.classify(op.errorClass(), op.error());
    log.attemptFailed((long) op.end(), slot, type.label());
    if (op.errorClass() != null) {
      errorClasses.merge(op.errorClass(), 1L, Long::sum);
    }
    if (ErrorText.maybeApplied(type, op.error())) {
      ledger.unknownOutcome(op.key());
      recorder.add(ClientRecorder.Extra.UNACKNOWLEDGED_WRITES, 1);
    }
    recorder.attemptFailed(shard, type, (long) op.start());
    recorder.failed(shard, type, op.error(), nanos);
  }

  /** An INCR not started because the key's previous one is still in flight. */
  void skipped() {
    recorder.skipped();
  }

  /** Ends this run as failed (the first reason is kept); the other runs go on. */
  void fail(String reason) {
    if (state == State.FAILED || state == State.STOPPED) {
      return;
    }
    failure = reason;
    state = State.FAILED;
    LOG.warn("event=client_run_failed client={} reason=\"{}\"", spec.label(), reason);
    source.stop();
  }

  // ---- what the lab and the measurements read (any thread)

  public ClientSpec spec() {
    return spec;
  }

  public String label() {
    return spec.label();
  }

  public State state() {
    return state;
  }

  /** Why the run failed, with the client's last words; null unless {@link State#FAILED}. */
  public String failure() {
    return failure;
  }

  public String version() {
    return version;
  }

  public JsonObject settings() {
    return settings.copy();
  }

  public OpLog log() {
    return log;
  }

  public List<String> keys() {
    return keys.names();
  }

  public Workload workload() {
    return workload;
  }

  public int generation() {
    return generation;
  }

  /** Running totals (succeeded, failed, lostWrites, unacknowledgedWrites, ...) and the exception types seen. */
  public Future<JsonObject> totals() {
    return onContext(() -> (recorder == null ? new JsonObject() : recorder.totals())
        .put("errorClasses", new JsonObject(new TreeMap<>(errorClasses))));
  }

  /** The ledger (per key: acknowledged floor, acknowledged, unknown-outcome and lost writes) as JSON. */
  public Future<JsonObject> ledger() {
    return onContext(ledger::toJson);
  }

  /** State, library, settings, totals, last second: for /stats, the live page and the reports. */
  public Future<JsonObject> describe() {
    return onContext(this::description);
  }

  /** Read on this run's event loop, where its bookkeeping lives (or at once if it was never deployed). */
  private <T> Future<T> onContext(Supplier<T> read) {
    if (context == null) {
      return Future.succeededFuture(read.get());
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> promise.complete(read.get()));
    return promise.future().timeout(10, TimeUnit.SECONDS);
  }

  private JsonObject description() {
    JsonObject json = new JsonObject()
        .put("client", spec.label())
        .put("library", spec.library())
        .put("config", spec.config())
        .put("version", version)
        .put("state", state.name().toLowerCase(java.util.Locale.ROOT))
        .put("failure", failure)
        .put("settings", settings.copy())
        .put("generation", generation)
        .put("keys", workload.keys())
        .put("rate", workload.rate());
    if (recorder != null) {
      json.put("totals", recorder.totals()).put("outages", recorder.outagesJson())
          .put("lastSecond", recorder.lastStats() == null ? null : recorder.lastStats().toJson());
    }
    json.put("errorClasses", new JsonObject(new TreeMap<>(errorClasses)));
    return json;
  }
}
