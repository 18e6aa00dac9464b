package io.failoverlab.common.http;

import io.failoverlab.common.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.util.function.Supplier;

/**
 * The readiness checks every service has: "redis" (the service's own client got a reply recently)
 * and "eventbus" (a request to our own ping address comes back).
 */
public final class Readiness {

  private final HealthChecks checks;
  private final MessageConsumer<String> ping;

  public Readiness(Vertx vertx, String instance, Supplier<JsonObject> redisStatus) {
    String address = Addresses.HEALTH_PING_PREFIX + instance;
    this.ping = vertx.eventBus().consumer(address, message -> message.reply("pong"));
    this.checks = HealthChecks.create(vertx)
        .register("redis", 2000, promise -> {
          JsonObject status = redisStatus.get();
          promise.complete(status.getBoolean("ok", false) ? Status.OK(status) : Status.KO(status));
        })
        .register("eventbus", 2000, promise -> vertx.eventBus()
            .request(address, "ping", new DeliveryOptions().setSendTimeout(1000))
            .onComplete(reply -> promise.complete(reply.succeeded() ? Status.OK()
                : Status.KO(new JsonObject().put("error", String.valueOf(reply.cause()))))));
  }

  public HealthChecks checks() {
    return checks;
  }

  /** Completes when the ping consumer is registered (part of a verticle's start). */
  public Future<Void> ready() {
    return ping.completion();
  }

  public Future<Void> close() {
    return ping.unregister();
  }
}
