package io.failoverlab.clients;

import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.router.ClusterRouter;
import io.failoverlab.router.ReadFrom;
import io.failoverlab.router.SlotMap;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Which shard serves a slot, named as our services name it ("0-5460", stable across failover): the
 * clients under test have their outages counted per shard like the writer's. Kept by a router of our
 * own that sends no command, only refreshes the topology; its current slot map is published to every
 * client's thread through a volatile field (an immutable map, replaced whole).
 */
public final class ShardNames extends VerticleBase {

  private static final long COPY_MS = 100;

  private final RedisSettings settings;
  private ClusterRouter router;
  private volatile SlotMap slots = SlotMap.EMPTY;
  private long timer = -1;

  public ShardNames(RedisSettings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    router = new ClusterRouter(vertx, settings, ReadFrom.MASTER);
    return router.start().onSuccess(v -> {
      slots = router.slots();
      timer = vertx.setPeriodic(COPY_MS, id -> slots = router.slots());
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return router.close();
  }

  /** The label of the shard serving {@code slot} now, or "unknown" before the first topology. Any thread. */
  public String label(int slot) {
    String label = slots.labelOf(slot);
    return label == null ? ClusterRouter.UNKNOWN_SHARD : label;
  }
}
