package io.failoverlab.clients.jvm;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * vertx-redis-client's own cluster client ({@code RedisClientType.CLUSTER}), with no router of ours:
 * what a Vert.x user gets. {@code default} is the getting-started setup (the seeds, nothing else, so a
 * command has no deadline); {@code tuned} shortens its slot and topology caches, fails connects fast
 * and gives every command a deadline, as its documentation allows.
 */
public final class VertxClusterClient implements JvmClient {

  /** The deadline the tuned configuration puts on every command (the library has none of its own). */
  static final long TUNED_COMMAND_TIMEOUT_MS = 300;

  private final Redis redis;
  private final JsonObject settings;
  private final long commandTimeoutMs;

  public VertxClusterClient(Vertx vertx, Seeds seeds, boolean tuned) {
    RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
    seeds.nodes().forEach(node -> options.addConnectionString("redis://" + node));
    settings = new JsonObject().put("type", "CLUSTER").put("endpoints", seeds.joined());
    if (tuned) {
      options.setHashSlotCacheTTL(100)
          .setTopologyCacheTTL(100)
          .setNetClientOptions(new NetClientOptions().setConnectTimeout(250).setTcpNoDelay(true));
      settings.put("hashSlotCacheTTL", 100).put("topologyCacheTTL", 100).put("netClientOptions.connectTimeout", 250)
          .put("commandTimeoutMs (Future.timeout on every send)", TUNED_COMMAND_TIMEOUT_MS);
      commandTimeoutMs = TUNED_COMMAND_TIMEOUT_MS;
    } else {
      commandTimeoutMs = 0;
    }
    if (seeds.password() != null) {
      options.setPassword(seeds.password());
    }
    redis = Redis.createClient(vertx, options);
  }

  @Override
  public String version() {
    return VersionOf.library("vertx-redis-client");
  }

  @Override
  public JsonObject settings() {
    return settings.copy();
  }

  @Override
  public CompletionStage<Long> incr(String key) {
    var sent = redis.send(Request.cmd(Command.INCR).arg(key));
    if (commandTimeoutMs > 0) {
      sent = sent.timeout(commandTimeoutMs, TimeUnit.MILLISECONDS);
    }
    return sent.map(Response::toLong).toCompletionStage();
  }

  @Override
  public void close() {
    redis.close();
  }
}
