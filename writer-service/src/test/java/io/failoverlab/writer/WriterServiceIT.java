package io.failoverlab.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.AckFloors;
import io.failoverlab.common.metrics.MetricsSetup;
import io.failoverlab.localcluster.LocalClusterConfig;
import io.failoverlab.testsupport.JavaJar;
import io.failoverlab.testsupport.ProcessRun;
import io.failoverlab.testsupport.RedisCli;
import io.failoverlab.testsupport.TestCluster;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The writer as a service: its HTTP surface, its floors on the event bus, lost-write detection, its jar. */
class WriterServiceIT {

  private static final int BASE = 7500;

  private static TestCluster redis;
  private static PrometheusMeterRegistry registry;
  private static WriterVerticle writer;
  private static WebClient http;
  private static final List<AckFloors> floors = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    registry = MetricsSetup.newRegistry();
    redis = TestCluster.start(MetricsSetup.newVertx(registry),
        LocalClusterConfig.defaults().withPortBase(BASE).withNodeTimeoutMs(1000), Duration.ofSeconds(90));
    redis.vertx().eventBus().<JsonObject>consumer(Addresses.WRITER_FLOORS, m -> floors.add(AckFloors.fromJson(m.body())));
    Env env = new Env(Map.of("REDIS_NODES", redis.seeds(), "HTTP_PORT", "0",
        "WRITER_RATE", "400", "KEY_COUNT", "12", "KEY_PREFIX", "writerit" + System.nanoTime()));
    writer = new WriterVerticle(WriterVerticle.settings(env), registry);
    redis.vertx().deployVerticle(writer).await(30, TimeUnit.SECONDS);
    http = WebClient.create(redis.vertx());
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
    }
  }

  private static HttpResponse<Buffer> get(String path) throws Exception {
    return http.get(writer.httpPort(), "127.0.0.1", path).send().await(10, TimeUnit.SECONDS);
  }

  @Test
  void servesReadinessStatsAndPrometheusMetrics() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(() -> get("/health/ready").statusCode() == 200);
    assertThat(get("/health/live").bodyAsJsonObject().getString("status")).isEqualTo("UP");
    await().atMost(Duration.ofSeconds(20)).until(() ->
        get("/stats").bodyAsJsonObject().getJsonObject("totals").getLong("succeeded") > 100);
    JsonObject stats = get("/stats").bodyAsJsonObject();
    assertThat(stats.getString("service")).isEqualTo("writer");
    assertThat(stats.getJsonObject("redis").getJsonArray("shards")).hasSize(3);
    String metrics = get("/metrics").bodyAsString();
    assertThat(metrics)
        .contains("failoverlab_operations_total{client=\"failoverlab-router\",config=\"default\",error_type=\"none\",op=\"incr\",outcome=\"success\",service=\"writer\"}")
        .contains("failoverlab_operation_duration_seconds_bucket")
        .contains("failoverlab_lost_writes_total{client=\"failoverlab-router\",config=\"default\",service=\"writer\"}")
        // vertx-micrometer-metrics' own meters are there too.
        .contains("vertx_http_server_");
    assertThat(get("/nope").statusCode()).isEqualTo(404);
    assertThat(get("/nope").bodyAsJsonObject().getString("error")).contains("/nope");
    await().atMost(Duration.ofSeconds(10)).until(() -> !floors.isEmpty() && floors.get(floors.size() - 1).floors().size() == 12);
  }

  @Test
  void aCounterResetBehindTheWritersBackIsCountedAsLostWrites() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(() -> !floors.isEmpty() && floors.get(floors.size() - 1).floors().size() == 12);
    String key = floors.get(floors.size() - 1).floors().keySet().iterator().next();
    await().atMost(Duration.ofSeconds(20)).until(() -> floors.get(floors.size() - 1).floors().get(key).value() > 10);
    // What a failover to an out-of-date replica does: the server forgets acknowledged increments.
    RedisCli.at(BASE).cluster().ok("SET", key, "0");
    await().atMost(Duration.ofSeconds(20)).until(() ->
        get("/stats").bodyAsJsonObject().getJsonObject("totals").getLong("lostWrites", 0L) > 10);
    assertThat(get("/metrics").bodyAsString()).containsPattern("failoverlab_lost_writes_total\\{client=\"failoverlab-router\",config=\"default\",service=\"writer\"} [1-9]");
  }

  @Test
  void theJarRefusesBadConfigurationNamingTheVariable() throws Exception {
    ProcessBuilder builder = JavaJar.command(Path.of("target", "writer-service.jar"));
    builder.environment().put("WRITER_RATE", "lots");
    ProcessRun run = ProcessRun.of(builder, Duration.ofSeconds(60));
    assertThat(run.exited()).isTrue();
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("WRITER_RATE").contains("lots");
  }
}
