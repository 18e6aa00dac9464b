package io.failoverlab.clients.jvm;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;

/**
 * Redisson in cluster mode; INCR through {@code RAtomicLong.incrementAndGetAsync} (Redisson's INCR on
 * a plain integer value, as every other client sees it).
 * {@code default} is the getting-started setup ({@code useClusterServers().addNodeAddress(...)}:
 * topology scan every 5 s, 3 s timeout, 4 retries 1.5 s apart, 10 s connect timeout, a ping every 30 s);
 * {@code tuned} scans the topology more often and fails and retries faster.
 */
public final class RedissonClientUnderTest implements JvmClient {

  private final RedissonClient redisson;
  private final JsonObject settings = new JsonObject();

  public RedissonClientUnderTest(Seeds seeds, boolean tuned) {
    Config config = new Config();
    ClusterServersConfig cluster = config.useClusterServers();
    seeds.nodes().forEach(node -> cluster.addNodeAddress("redis://" + node));
    if (seeds.password() != null) {
      cluster.setPassword(seeds.password());
    }
    settings.put("nodeAddresses", seeds.joined());
    if (tuned) {
      cluster.setScanInterval(200).setTimeout(300).setConnectTimeout(250).setRetryAttempts(10)
          .setRetryDelay(new ConstantDelay(Duration.ofMillis(50))).setFailedSlaveReconnectionInterval(500)
          .setPingConnectionInterval(1000);
      settings.put("scanInterval", 200).put("timeout", 300).put("connectTimeout", 250).put("retryAttempts", 10)
          .put("retryDelay", "constant 50ms").put("failedSlaveReconnectionInterval", 500)
          .put("pingConnectionInterval", 1000);
    }
    redisson = Redisson.create(config);
  }

  @Override
  public String version() {
    return VersionOf.library("redisson");
  }

  @Override
  public JsonObject settings() {
    return settings.copy();
  }

  @Override
  public CompletionStage<Long> incr(String key) {
    return redisson.getAtomicLong(key).incrementAndGetAsync();
  }

  @Override
  public void close() {
    redisson.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
