package io.failoverlab.writer;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.AckFloors;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ServiceName;
import io.failoverlab.common.http.HttpErrors;
import io.failoverlab.router.ReadFrom;
import io.failoverlab.router.SlotHash;
import io.failoverlab.router.load.ClientRecorder;
import io.failoverlab.router.load.ClientSettings;
import io.failoverlab.router.load.CounterLedger;
import io.failoverlab.router.load.LoadClientVerticle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes INCR on the counter keys at WRITER_RATE with at most WRITER_CONCURRENCY in flight, checks each
 * reply against what was acknowledged before (lost writes), and publishes its acknowledged floors.
 */
public final class WriterVerticle extends LoadClientVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(WriterVerticle.class);

  private final CounterLedger ledger;
  private long floorsTimer = -1;

  public WriterVerticle(ClientSettings settings, PrometheusMeterRegistry registry) {
    super(settings, registry);
    this.ledger = new CounterLedger(settings.keys().names());
  }

  /** WRITER_RATE (default 200 ops/s), WRITER_CONCURRENCY (default 64), HTTP_PORT (default 8081). */
  public static ClientSettings settings(Env env) {
    return ClientSettings.fromEnv(env, "WRITER", 8081, 200, 64);
  }

  @Override
  protected ServiceName service() {
    return ServiceName.WRITER;
  }

  @Override
  protected String op() {
    return "incr";
  }

  @Override
  protected ReadFrom readFrom() {
    return ReadFrom.MASTER;
  }

  @Override
  protected Set<ClientRecorder.Extra> extraCounters() {
    return EnumSet.of(ClientRecorder.Extra.LOST_WRITES, ClientRecorder.Extra.UNACKNOWLEDGED_WRITES);
  }

  @Override
  protected Future<?> startMore() {
    floorsTimer = vertx.setPeriodic(1000, id -> publishFloors());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(floorsTimer);
    return super.stop();
  }

  @Override
  protected Future<?> operate(String key) {
    long start = System.nanoTime();
    int slot = SlotHash.slot(key);
    // The shard is named when each result comes in: at start-up the topology may not be known yet.
    return router.execute(slot, () -> Request.cmd(Command.INCR).arg(key), (failure, sentAt) -> {
          recorder.attemptFailed(router.shardLabel(slot), failure, sentAt);
          if (failure.maybeApplied()) {
            ledger.unknownOutcome(key);
            recorder.add(ClientRecorder.Extra.UNACKNOWLEDGED_WRITES, 1);
          }
        })
        .onSuccess(reply -> {
          String shard = router.shardLabel(slot);
          long floorBefore = ledger.floor(key);
          long lost = ledger.acknowledged(key, reply.toLong());
          if (lost > 0) {
            recorder.add(ClientRecorder.Extra.LOST_WRITES, lost);
            LOG.warn("event=lost_writes service=writer key={} shard={} acknowledged_floor={} reply={} lost={}",
                key, shard, floorBefore, reply.toLong(), lost);
          }
          recorder.succeeded(shard, slot, start);
        })
        .onFailure(error -> recorder.failed(router.shardLabel(slot), error, start));
  }

  private void publishFloors() {
    AckFloors floors = new AckFloors(instance, System.currentTimeMillis(), ledger.floors());
    vertx.eventBus().publish(Addresses.WRITER_FLOORS, floors.toJson());
  }

  /**
   * The ledger as {@code GET /api/ledger} shows it. Call on this verticle's event loop, or once it is
   * undeployed (its last operations have then finished).
   */
  public JsonObject ledgerSnapshot() {
    return ledger.toJson();
  }

  /** {@code GET /api/ledger}: per key what the writer knows, so anyone can check the server against it. */
  @Override
  protected void addRoutes(Router router) {
    router.get("/api/ledger").handler(rc -> HttpErrors.sendJson(rc, ledger.toJson()));
  }

  @Override
  protected void describe(JsonObject stats) {
    stats.put("ledger", new JsonObject()
        .put("keysAcknowledged", ledger.floors().size())
        .put("acknowledgedWrites", ledger.totalAcknowledged())
        .put("unknownOutcomeWrites", ledger.totalUnknown())
        .put("lostWrites", ledger.totalLost()));
  }
}
