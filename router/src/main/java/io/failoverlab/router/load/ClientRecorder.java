package io.failoverlab.router.load;

import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ClientStats;
import io.failoverlab.common.contract.MetricNames;
import io.failoverlab.common.contract.OutageEvent;
import io.failoverlab.router.ErrorType;
import io.failoverlab.router.RedisFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a client service's results three ways at once, from the same calls so they always agree:
 * Prometheus meters, running totals for {@code /stats}, and a one-second window published on the
 * event bus as {@link ClientStats}. Also owns the service's {@link OutageTracker}.
 *
 * <p>Not thread-safe: used from the event loop of the verticle that owns it.
 */
public final class ClientRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(ClientRecorder.class);

  /** Counters only some services have. */
  public enum Extra {
    LOST_WRITES(MetricNames.LOST_WRITES, "lostWrites"),
    UNACKNOWLEDGED_WRITES(MetricNames.UNACKNOWLEDGED_WRITES, "unacknowledgedWrites"),
    READ_REGRESSIONS(MetricNames.READ_REGRESSIONS, "readRegressions"),
    STALE_READS(MetricNames.STALE_READS, "staleReads");

    final String metric;
    final String statsName;

    Extra(String metric, String statsName) {
      this.metric = metric;
      this.statsName = statsName;
    }
  }

  private final Vertx vertx;
  private final String service;
  private final String instance;
  private final IntSupplier inFlight;
  private final OutageTracker outages;
  private final long startedAt = System.currentTimeMillis();

  private final Counter successes;
  private final Map<ErrorType, Counter> failuresByType = new EnumMap<>(ErrorType.class);
  private final Map<ErrorType, Counter> commandErrorsByType = new EnumMap<>(ErrorType.class);
  private final Counter skips;
  private final Timer duration;
  private final Counter outagesStarted;
  private final Timer outageDuration;
  private final Map<Extra, Counter> extras = new EnumMap<>(Extra.class);
  private volatile double lastOutageSeconds;

  private long totalSucceeded;
  private long totalFailed;
  private long totalSkipped;
  private final Map<String, Long> totalCommandErrors = new TreeMap<>();
  private final Map<Extra, Long> totalExtras = new EnumMap<>(Extra.class);

  private long windowStart = System.currentTimeMillis();
  private long windowSucceeded;
  private long windowFailed;
  private long windowSkipped;
  private final Map<String, Long> windowErrors = new HashMap<>();
  private final Map<String, Long> windowSucceededByShard = new HashMap<>();
  private final Map<String, Long> windowErrorsByShard = new HashMap<>();
  // Microseconds, up to one minute, 2 significant digits: a few KB, reset every second.
  private final Histogram windowLatency = new Histogram(TimeUnit.MINUTES.toMicros(1), 2);
  private ClientStats lastStats;
  private long timer = -1;

  public ClientRecorder(Vertx vertx, MeterRegistry registry, ClientIdentity identity, String op, String instance,
                        java.util.Set<Extra> extraCounters, IntSupplier inFlight) {
    this.vertx = vertx;
    this.service = identity.service();
    this.instance = instance;
    this.inFlight = inFlight;
    this.outages = new OutageTracker(service, instance, this::publishOutage);
    // Every meter of a client carries the same three labels, so dashboards can group by any of them.
    Tags serviceTag = Tags.of(MetricNames.TAG_SERVICE, service, MetricNames.TAG_CLIENT, identity.client(),
        MetricNames.TAG_CONFIG, identity.config());
    Tags tags = serviceTag.and(MetricNames.TAG_OP, op);
    successes = Counter.builder(MetricNames.OPERATIONS).description("Operations, after retries, by outcome")
        .tags(tags).tag(MetricNames.TAG_OUTCOME, MetricNames.OUTCOME_SUCCESS)
        .tag(MetricNames.TAG_ERROR_TYPE, MetricNames.NO_ERROR).register(registry);
    for (ErrorType type : ErrorType.values()) {
      failuresByType.put(type, Counter.builder(MetricNames.OPERATIONS).tags(tags)
          .tag(MetricNames.TAG_OUTCOME, MetricNames.OUTCOME_ERROR)
          .tag(MetricNames.TAG_ERROR_TYPE, type.label()).register(registry));
      commandErrorsByType.put(type, Counter.builder(MetricNames.COMMAND_ERRORS)
          .description("Failed Redis commands, including those retried").tags(tags)
          .tag(MetricNames.TAG_ERROR_TYPE, type.label()).register(registry));
    }
    skips = Counter.builder(MetricNames.SKIPPED).description("Operations not started because of the in-flight bound")
        .tags(tags).register(registry);
    duration = Timer.builder(MetricNames.OPERATION_DURATION).description("Operation latency, retries included")
        .tags(tags).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    Gauge.builder(MetricNames.IN_FLIGHT, inFlight::getAsInt).tags(serviceTag).register(registry);
    outagesStarted = Counter.builder(MetricNames.OUTAGES).description("Outages started, one per unavailable shard")
        .tags(serviceTag).register(registry);
    Gauge.builder(MetricNames.OUTAGE_ACTIVE, outages, tracker -> tracker.activeShards().size())
        .description("Shards currently in outage for this service").tags(serviceTag).register(registry);
    outageDuration = Timer.builder(MetricNames.OUTAGE_DURATION).description("Duration of ended outages")
        .tags(serviceTag).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofMinutes(5))
        .register(registry);
    Gauge.builder(MetricNames.LAST_OUTAGE, this, recorder -> recorder.lastOutageSeconds)
        .description("Duration of this client's last ended outage (one shard's)").baseUnit("seconds")
        .tags(serviceTag).register(registry);
    for (Extra extra : extraCounters) {
      extras.put(extra, Counter.builder(extra.metric).tags(serviceTag).register(registry));
      totalExtras.put(extra, 0L);
    }
  }

  public void start() {
    timer = vertx.setPeriodic(1000, id -> publishStats());
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  public String instance() {
    return instance;
  }

  public void attemptFailed(String shard, RedisFailure failure, long sentAt) {
    attemptFailed(shard, failure.type(), sentAt);
  }

  /** A command for {@code shard}, sent at {@code sentAt} (epoch ms), failed with {@code errorType}. */
  public void attemptFailed(String shard, ErrorType errorType, long sentAt) {
    String type = errorType.label();
    commandErrorsByType.get(errorType).increment();
    totalCommandErrors.merge(type, 1L, Long::sum);
    windowErrors.merge(type, 1L, Long::sum);
    windowErrorsByShard.merge(shard, 1L, Long::sum);
    outages.attemptFailed(shard, errorType, sentAt);
  }

  /** An operation on {@code slot}, served by {@code shard}, succeeded; it started at {@code startNanos}. */
  public void succeeded(String shard, int slot, long startNanos) {
    succeeded(shard, slot, System.nanoTime() - startNanos, System.currentTimeMillis());
  }

  /** An operation on {@code slot} succeeded at {@code completedAt} (epoch ms) after {@code nanos}. */
  public void succeeded(String shard, int slot, long nanos, long completedAt) {
    successes.increment();
    duration.record(nanos, TimeUnit.NANOSECONDS);
    totalSucceeded++;
    windowSucceeded++;
    windowSucceededByShard.merge(shard, 1L, Long::sum);
    windowLatency.recordValue(Math.min(windowLatency.getHighestTrackableValue(), TimeUnit.NANOSECONDS.toMicros(nanos)));
    outages.succeeded(shard, slot, completedAt);
  }

  public void failed(String shard, Throwable error, long startNanos) {
    failed(shard, ErrorType.classify(error), error.getMessage(), System.nanoTime() - startNanos);
  }

  /** An operation failed for good with {@code type} after {@code nanos} (retries included). */
  public void failed(String shard, ErrorType type, String message, long nanos) {
    failuresByType.get(type).increment();
    duration.record(nanos, TimeUnit.NANOSECONDS);
    totalFailed++;
    windowFailed++;
    outages.operationFailed(shard);
    if (type == ErrorType.OTHER) {
      LOG.warn("event=operation_failed service={} shard={} error_type=other error=\"{}\"", service, shard, message);
    }
  }

  public void skipped() {
    skips.increment();
    totalSkipped++;
    windowSkipped++;
  }

  public void add(Extra extra, long amount) {
    Counter counter = extras.get(extra);
    if (counter == null) {
      throw new IllegalStateException(extra + " is not recorded by " + service);
    }
    counter.increment(amount);
    totalExtras.merge(extra, amount, Long::sum);
  }

  public long total(Extra extra) {
    return totalExtras.getOrDefault(extra, 0L);
  }

  public OutageTracker outages() {
    return outages;
  }

  /** Running totals since start, for {@code /stats}. */
  public JsonObject totals() {
    JsonObject json = new JsonObject()
        .put("succeeded", totalSucceeded)
        .put("failed", totalFailed)
        .put("skipped", totalSkipped)
        .put("commandErrors", new JsonObject(new TreeMap<>(totalCommandErrors)));
    totalExtras.forEach((extra, value) -> json.put(extra.statsName, value));
    return json;
  }

  public JsonObject outagesJson() {
    OutageEvent last = outages.lastEnded();
    return new JsonObject()
        .put("started", outages.started())
        .put("activeShards", new io.vertx.core.json.JsonArray(outages.activeShards()))
        .put("lastEnded", last == null ? null : last.toJson());
  }

  public ClientStats lastStats() {
    return lastStats;
  }

  public long startedAt() {
    return startedAt;
  }

  private void publishOutage(OutageEvent event) {
    if (event.phase() == OutageEvent.Phase.START) {
      outagesStarted.increment();
      LOG.info("event=outage_start service={} shard={} at={} first_error={}", service, event.shard(),
          event.startedAt(), event.errorsByType().keySet());
    } else {
      outageDuration.record(event.durationMs(), TimeUnit.MILLISECONDS);
      lastOutageSeconds = event.durationMs() / 1000.0;
      LOG.info("event=outage_end service={} shard={} duration_ms={} errors={} failed_operations={}", service,
          event.shard(), event.durationMs(), event.errorsByType(), event.failedOperations());
    }
    vertx.eventBus().publish(Addresses.CLIENT_OUTAGE, event.toJson());
  }

  private void publishStats() {
    long now = System.currentTimeMillis();
    Map<String, Long> totals = new TreeMap<>();
    totals.put("succeeded", totalSucceeded);
    totals.put("failed", totalFailed);
    totals.put("skipped", totalSkipped);
    totalExtras.forEach((extra, value) -> totals.put(extra.statsName, value));
    boolean any = windowLatency.getTotalCount() > 0;
    lastStats = new ClientStats(service, instance, now, now - windowStart, windowSucceeded, windowFailed,
        windowSkipped, inFlight.getAsInt(), windowErrors, windowSucceededByShard, windowErrorsByShard,
        any ? windowLatency.getValueAtPercentile(50) / 1000.0 : 0,
        any ? windowLatency.getValueAtPercentile(99) / 1000.0 : 0,
        any ? windowLatency.getMaxValue() / 1000.0 : 0,
        outages.activeShards(), totals);
    vertx.eventBus().publish(Addresses.CLIENT_STATS, lastStats.toJson());
    windowStart = now;
    windowSucceeded = 0;
    windowFailed = 0;
    windowSkipped = 0;
    windowErrors.clear();
    windowSucceededByShard.clear();
    windowErrorsByShard.clear();
    windowLatency.reset();
  }
}
