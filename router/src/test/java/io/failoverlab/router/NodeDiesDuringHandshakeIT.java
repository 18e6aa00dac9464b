package io.failoverlab.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.failoverlab.common.config.Env;
import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.testsupport.RedisCli;
import io.failoverlab.testsupport.TestDirs;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A node that dies while vertx-redis-client is still in a new connection's handshake (a crash while a
 * service reconnects, or a master killed while a probe connects): the failed connect reaches us, as
 * it must, and the client also logs "Unhandled Error" at ERROR with a stack trace, because until the
 * handshake is done the connection has the client's own default exception handler and no code of ours
 * can set one. Seen in the bench and the drill tests at a crash. The services' logback.xml turns that
 * logger off; this test runs the scenario under that configuration.
 */
class NodeDiesDuringHandshakeIT {

  private static final int PORT = 7990;
  private static final String CLIENT_LOGGER = "io.vertx.redis.client.impl.RedisConnectionManager";

  private final LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private Vertx vertx;
  private Process redis;
  private Path dir;

  @BeforeEach
  void start() throws Exception {
    configureLogging("/logback.xml");
    logged.setContext(logging);
    logged.start();
    logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(logged);
    dir = Files.createTempDirectory("handshake-it");
    redis = new ProcessBuilder("redis-server", "--port", Integer.toString(PORT), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    await().atMost(Duration.ofSeconds(10)).until(RedisCli.at(PORT)::answersPing);
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
    logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(logged);
    configureLogging("/logback-test.xml");
    TestDirs.delete(dir);
  }

  @Test
  void theFailedConnectReachesUsAndTheServiceLogGetsNoUnhandledError() throws Exception {
    signal("STOP");
    Context context = vertx.getOrCreateContext();
    RedisSettings settings = RedisSettings.fromEnv(new Env(Map.of("REDIS_NODES", "127.0.0.1:" + PORT,
        "REDIS_CONNECT_TIMEOUT_MS", "10000", "REDIS_COMMAND_TIMEOUT_MS", "10000",
        "REDIS_OPERATION_TIMEOUT_MS", "20000")));
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    context.runOnContext(v -> new NodeLink(vertx, new HostAndPort("127.0.0.1", PORT), settings, false)
        .send(Request.cmd(Command.PING), 10_000)
        .onComplete(result -> failure.complete(result.succeeded() ? null : result.cause())));

    // The frozen node has the connection and the handshake's first command, unread: killed now, its
    // kernel resets the connection in the middle of the handshake.
    await().atMost(Duration.ofSeconds(10)).until(this::unreadBytesOnTheNodesSide);
    signal("KILL");

    Throwable error = failure.get(10, TimeUnit.SECONDS);
    assertThat(error).isInstanceOf(RedisFailure.class);
    assertThat(((RedisFailure) error).type()).isEqualTo(ErrorType.CONNECTION);
    assertThat(error.getMessage()).contains("reset");
    // Whatever the client logs for this failure, it logs on the connection's event loop: let it run out.
    CompletableFuture<Void> drained = new CompletableFuture<>();
    context.runOnContext(v -> drained.complete(null));
    drained.get(10, TimeUnit.SECONDS);

    List<ILoggingEvent> clientErrors = logged.list.stream()
        .filter(event -> event.getLoggerName().equals(CLIENT_LOGGER) && event.getLevel().isGreaterOrEqual(Level.ERROR))
        .toList();
    assertThat(clientErrors).as("ERROR lines from %s", CLIENT_LOGGER).isEmpty();
  }

  /** An established connection to the node whose receive queue holds bytes the node has not read. */
  private boolean unreadBytesOnTheNodesSide() throws Exception {
    String localPort = String.format(":%04X", PORT);
    for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
      String[] fields = line.trim().split("\\s+");
      // sl local_address rem_address st tx_queue:rx_queue ...; st 01 = ESTABLISHED
      if (fields.length > 4 && fields[1].endsWith(localPort) && fields[3].equals("01")) {
        long unread = Long.parseLong(fields[4].substring(fields[4].indexOf(':') + 1), 16);
        if (unread > 0) {
          return true;
        }
      }
    }
    return false;
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(redis.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s", name).isTrue();
  }

  private void configureLogging(String resource) throws Exception {
    logging.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(logging);
    configurator.doConfigure(getClass().getResource(resource));
  }
}
