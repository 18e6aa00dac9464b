package io.failoverlab.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.AckFloors;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.metrics.MetricsSetup;
import io.failoverlab.localcluster.LocalClusterConfig;
import io.failoverlab.router.load.CounterKeys;
import io.failoverlab.testsupport.RedisCli;
import io.failoverlab.testsupport.TestCluster;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reader against a real cluster: values are set with redis-cli, acknowledged floors are
 * published on the event bus as the writer would, and the reader must call what it reads correctly.
 */
class ReaderServiceIT {

  private static final int BASE = 7510;
  private static final String PREFIX = "readerit" + System.nanoTime();

  private static TestCluster redis;
  private static ReaderVerticle reader;
  private static WebClient http;

  @BeforeAll
  static void start() throws Exception {
    PrometheusMeterRegistry registry = MetricsSetup.newRegistry();
    redis = TestCluster.start(MetricsSetup.newVertx(registry),
        LocalClusterConfig.defaults().withPortBase(BASE).withNodeTimeoutMs(1000), Duration.ofSeconds(90));
    Env env = new Env(Map.of("REDIS_NODES", redis.seeds(), "HTTP_PORT", "0",
        "READER_RATE", "300", "KEY_COUNT", "3", "KEY_PREFIX", PREFIX));
    reader = new ReaderVerticle(ReaderVerticle.settings(env), ReaderVerticle.readFrom(env), registry);
    redis.vertx().deployVerticle(reader).await(30, TimeUnit.SECONDS);
    http = WebClient.create(redis.vertx());
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
    }
  }

  private static JsonObject totals() throws Exception {
    return http.get(reader.httpPort(), "127.0.0.1", "/stats").send().await(10, TimeUnit.SECONDS)
        .bodyAsJsonObject().getJsonObject("totals");
  }

  @Test
  void readsBelowTheAcknowledgedFloorAreLostWritesAndFallingValuesAreRegressions() throws Exception {
    String key = new CounterKeys(PREFIX, 3).names().get(1);
    RedisCli.at(BASE).cluster().ok("SET", key, "50");
    await().atMost(Duration.ofSeconds(20)).until(() -> totals().getLong("succeeded") > 50);
    assertThat(totals().getLong("lostWrites")).isZero();
    assertThat(totals().getLong("readRegressions")).isZero();

    // The writer says it was acknowledged up to 80; the server holds 50: 30 acknowledged writes are gone.
    redis.vertx().eventBus().publish(Addresses.WRITER_FLOORS,
        new AckFloors("writer-1", System.currentTimeMillis(), Map.of(key, new AckFloors.Floor(80, 0))).toJson());
    await().atMost(Duration.ofSeconds(20)).until(() -> totals().getLong("lostWrites") == 30);

    RedisCli.at(BASE).cluster().ok("SET", key, "40");
    await().atMost(Duration.ofSeconds(20)).until(() -> totals().getLong("readRegressions") >= 1);
    // Ten more missing below the same floor: counted once, not on every read.
    await().atMost(Duration.ofSeconds(20)).until(() -> totals().getLong("lostWrites") == 40);
    long reads = totals().getLong("succeeded");
    await().atMost(Duration.ofSeconds(20)).until(() -> totals().getLong("succeeded") > reads + 100);
    assertThat(totals().getLong("lostWrites")).isEqualTo(40);
  }
}
