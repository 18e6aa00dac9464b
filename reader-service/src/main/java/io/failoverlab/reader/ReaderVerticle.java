package io.failoverlab.reader;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.AckFloors;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ServiceName;
import io.failoverlab.router.ReadFrom;
import io.failoverlab.router.SlotHash;
import io.failoverlab.router.load.ClientRecorder;
import io.failoverlab.router.load.ClientSettings;
import io.failoverlab.router.load.LoadClientVerticle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the counter keys (GET) at READER_RATE from masters, or replicas with READER_READ_FROM=replica,
 * and checks each value against the writer's acknowledged floors and the previous read.
 */
public final class ReaderVerticle extends LoadClientVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(ReaderVerticle.class);

  private final ReadFrom readFrom;
  private final FloorCheck check;
  private MessageConsumer<JsonObject> floorsConsumer;
  private long floorsReceived;

  public ReaderVerticle(ClientSettings settings, ReadFrom readFrom, PrometheusMeterRegistry registry) {
    super(settings, registry);
    this.readFrom = readFrom;
    this.check = new FloorCheck(readFrom == ReadFrom.REPLICA);
  }

  /** READER_RATE (default 200 ops/s), READER_CONCURRENCY (default 64), HTTP_PORT (default 8082). */
  public static ClientSettings settings(Env env) {
    return ClientSettings.fromEnv(env, "READER", 8082, 200, 64);
  }

  /** READER_READ_FROM: master (default) or replica. */
  public static ReadFrom readFrom(Env env) {
    return env.choice("READER_READ_FROM", ReadFrom.MASTER, ReadFrom.class);
  }

  @Override
  protected ServiceName service() {
    return ServiceName.READER;
  }

  @Override
  protected String op() {
    return "get";
  }

  @Override
  protected ReadFrom readFrom() {
    return readFrom;
  }

  @Override
  protected Set<ClientRecorder.Extra> extraCounters() {
    return EnumSet.of(ClientRecorder.Extra.LOST_WRITES, ClientRecorder.Extra.READ_REGRESSIONS,
        ClientRecorder.Extra.STALE_READS);
  }

  @Override
  protected Future<?> startMore() {
    floorsConsumer = vertx.eventBus().consumer(Addresses.WRITER_FLOORS, message -> {
      try {
        check.update(AckFloors.fromJson(message.body()));
        floorsReceived++;
      } catch (RuntimeException e) {
        LOG.warn("event=bad_floors_message error=\"{}\"", e.toString());
      }
    });
    return floorsConsumer.completion();
  }

  @Override
  public Future<?> stop() {
    return Future.join(floorsConsumer.unregister(), super.stop());
  }

  @Override
  protected Future<?> operate(String key) {
    long start = System.nanoTime();
    int slot = SlotHash.slot(key);
    // The floor must be taken before the read is sent: only then is "value below floor" proof of loss.
    FloorCheck.Floor floor = check.floorFor(key);
    return router.execute(slot, () -> Request.cmd(Command.GET).arg(key),
            // The shard is named when each result comes in: at start-up the topology may not be known yet.
            (failure, sentAt) -> recorder.attemptFailed(router.shardLabel(slot), failure, sentAt))
        .onSuccess(reply -> {
          String shard = router.shardLabel(slot);
          judge(key, shard, value(reply), floor);
          recorder.succeeded(shard, slot, start);
        })
        .onFailure(error -> recorder.failed(router.shardLabel(slot), error, start));
  }

  private void judge(String key, String shard, long value, FloorCheck.Floor floor) {
    FloorCheck.Verdict verdict = check.judge(key, value, floor);
    if (verdict.lost() > 0) {
      recorder.add(ClientRecorder.Extra.LOST_WRITES, verdict.lost());
      LOG.warn("event=lost_writes service=reader key={} shard={} acknowledged_floor={} read={} lost={}",
          key, shard, floor.value(), value, verdict.lost());
    }
    if (verdict.stale()) {
      recorder.add(ClientRecorder.Extra.STALE_READS, 1);
    }
    if (verdict.regression()) {
      recorder.add(ClientRecorder.Extra.READ_REGRESSIONS, 1);
      LOG.warn("event=read_regression service=reader key={} shard={} read={}", key, shard, value);
    }
  }

  private static long value(Response reply) {
    // A key the writer has not written yet reads as nil: the counter is 0.
    return reply == null ? 0 : reply.toLong();
  }

  @Override
  protected void describe(JsonObject stats) {
    stats.put("readFrom", readFrom.name().toLowerCase(java.util.Locale.ROOT));
    stats.put("floorsMessagesReceived", floorsReceived);
  }
}
