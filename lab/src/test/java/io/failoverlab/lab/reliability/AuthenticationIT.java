package io.failoverlab.lab.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.ConfigException;
import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ClientStats;
import io.failoverlab.common.metrics.MetricsSetup;
import io.failoverlab.localcluster.LocalClusterConfig;
import io.failoverlab.monitor.MonitorSettings;
import io.failoverlab.monitor.MonitorVerticle;
import io.failoverlab.reader.ReaderVerticle;
import io.failoverlab.testsupport.JavaJar;
import io.failoverlab.testsupport.ProcessRun;
import io.failoverlab.testsupport.RedisCli;
import io.failoverlab.testsupport.TestCluster;
import io.failoverlab.writer.WriterVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cluster that requires a password (requirepass/masterauth) and has an ACL user (7030-7035): the
 * services work with either credential, and refuse to start with wrong ones, naming the variable.
 */
class AuthenticationIT {

  private static final int BASE = 7030;
  private static final String PASSWORD = "cluster-default-pass";
  private static final String USER = "failoverlab-app";
  private static final String USER_PASSWORD = "app-user-pass-123";

  private static TestCluster redis;

  @BeforeAll
  static void start() throws Exception {
    redis = TestCluster.start(MetricsSetup.newVertx(MetricsSetup.newRegistry()), LocalClusterConfig.defaults()
        .withPortBase(BASE).withNodeTimeoutMs(1000).withPassword(PASSWORD), Duration.ofSeconds(120));
    for (int port = BASE; port < BASE + 6; port++) {
      RedisCli.at(port).password(PASSWORD).ok("ACL", "SETUSER", USER, "on", ">" + USER_PASSWORD, "~*", "&*", "+@all");
    }
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
    }
  }

  private static Env env(Map<String, String> credentials) {
    Map<String, String> vars = new HashMap<>(credentials);
    vars.put("REDIS_NODES", redis.seeds());
    vars.put("HTTP_PORT", "0");
    vars.put("KEY_PREFIX", "auth" + System.nanoTime());
    return new Env(vars);
  }

  @Test
  void servicesWorkWithThePasswordAndWithAnAclUser() throws Exception {
    Vertx vertx = redis.vertx();
    for (Map<String, String> credentials : List.of(Map.of("REDIS_PASSWORD", PASSWORD),
        Map.of("REDIS_USER", USER, "REDIS_PASSWORD", USER_PASSWORD))) {
      Env env = env(credentials);
      Map<String, Set<String>> served = new ConcurrentHashMap<>();
      var consumer = vertx.eventBus().<JsonObject>consumer(Addresses.CLIENT_STATS, m -> {
        ClientStats stats = ClientStats.fromJson(m.body());
        served.computeIfAbsent(stats.service(), s -> ConcurrentHashMap.newKeySet()).addAll(stats.succeededByShard().keySet());
      });
      consumer.completion().await(10, TimeUnit.SECONDS);
      MonitorVerticle monitor = new MonitorVerticle(MonitorSettings.fromEnv(env), MetricsSetup.newRegistry());
      List<String> ids = List.of(
          vertx.deployVerticle(new WriterVerticle(WriterVerticle.settings(env), MetricsSetup.newRegistry())).await(30, TimeUnit.SECONDS),
          vertx.deployVerticle(new ReaderVerticle(ReaderVerticle.settings(env), ReaderVerticle.readFrom(env),
              MetricsSetup.newRegistry())).await(30, TimeUnit.SECONDS),
          vertx.deployVerticle(monitor).await(30, TimeUnit.SECONDS));
      await().atMost(Duration.ofSeconds(30)).until(() -> served.getOrDefault("writer", Set.of()).size() == 3
          && served.getOrDefault("reader", Set.of()).size() == 3
          && monitor.latestSnapshot() != null && monitor.latestSnapshot().masters() == 3);
      for (String id : ids) {
        vertx.undeploy(id).await(30, TimeUnit.SECONDS);
      }
      consumer.unregister().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void wrongCredentialsStopEveryServiceAtStartNamingTheVariable() {
    Map<String, Function<Env, Deployable>> services = Map.of(
        "writer", env -> new WriterVerticle(WriterVerticle.settings(env), MetricsSetup.newRegistry()),
        "reader", env -> new ReaderVerticle(ReaderVerticle.settings(env), ReaderVerticle.readFrom(env), MetricsSetup.newRegistry()),
        "monitor", env -> new MonitorVerticle(MonitorSettings.fromEnv(env), MetricsSetup.newRegistry()));
    for (Map<String, String> wrong : List.of(Map.of("REDIS_PASSWORD", "not-the-password"),
        Map.of("REDIS_USER", USER, "REDIS_PASSWORD", "not-the-password"), Map.<String, String>of())) {
      services.forEach((name, create) -> assertThatThrownBy(
          () -> redis.vertx().deployVerticle(create.apply(env(wrong))).await(30, TimeUnit.SECONDS))
          .as("%s with %s", name, wrong.keySet())
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("REDIS_PASSWORD:")
          .hasMessageContaining("refused the credentials"));
    }
  }

  @Test
  void theServiceJarExitsWithCodeTwoAndSaysWhy() throws Exception {
    ProcessBuilder builder = JavaJar.command(Path.of("..", "writer-service", "target", "writer-service.jar"));
    builder.environment().put("REDIS_NODES", "127.0.0.1:" + BASE);
    builder.environment().put("REDIS_PASSWORD", "not-the-password");
    builder.environment().put("HTTP_PORT", "0");
    ProcessRun run = ProcessRun.of(builder, Duration.ofSeconds(60));
    assertThat(run.exited()).as("the writer exits by itself; it printed: %s", run.output()).isTrue();
    assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
    assertThat(run.output()).contains("invalid configuration: REDIS_PASSWORD:").contains("WRONGPASS");
  }
}
