package io.failoverlab.router;

import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.topology.HostAndPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections to one Redis node: a few long-lived, pipelined connections, opened on demand with
 * a deadline, and all thrown away together at the first sign the node is hung.
 *
 * <p>Why not the client's pool per command: a hung node (SIGSTOP) accepts TCP connections and never
 * answers, so commands pile up on its sockets and the pool cannot tell. Closing the whole client
 * generation fails those commands at once and frees the sockets; the next command starts afresh.
 *
 * <p>Not thread-safe: used from the event loop of the verticle that owns it.
 */
public final class NodeLink {

  private static final Logger LOG = LoggerFactory.getLogger(NodeLink.class);

  private final Vertx vertx;
  private final HostAndPort address;
  private final RedisSettings settings;
  private final boolean readOnly;
  private final RedisConnection[] connections;
  @SuppressWarnings("unchecked")
  private final Future<RedisConnection>[] connecting;
  private Redis client;
  private int next;
  private boolean closed;
  private long resets;

  @SuppressWarnings("unchecked")
  public NodeLink(Vertx vertx, HostAndPort address, RedisSettings settings, boolean readOnly) {
    this.vertx = vertx;
    this.address = address;
    this.settings = settings;
    this.readOnly = readOnly;
    this.connections = new RedisConnection[settings.connectionsPerNode()];
    this.connecting = new Future[settings.connectionsPerNode()];
  }

  public HostAndPort address() {
    return address;
  }

  /** How many times the connections were thrown away (timeouts, failed connects). */
  public long resets() {
    return resets;
  }

  public int openConnections() {
    int open = 0;
    for (RedisConnection connection : connections) {
      if (connection != null) {
        open++;
      }
    }
    return open;
  }

  /** Sends one command; the whole attempt (connect included) ends within {@code timeoutMs}. */
  public Future<Response> send(Request request, long timeoutMs) {
    return send(request, timeoutMs, false);
  }

  /** ASKING then the command, on the same connection, as an ASK redirect requires. */
  public Future<Response> sendAsking(Request request, long timeoutMs) {
    return send(request, timeoutMs, true);
  }

  private Future<Response> send(Request request, long timeoutMs, boolean asking) {
    if (closed) {
      return Future.failedFuture(new RedisFailure(ErrorType.CONNECTION, false, address, "link closed"));
    }
    int index = Math.floorMod(next++, connections.length);
    RedisConnection open = connections[index];
    if (open != null) {
      // The usual case, kept to as few futures as possible: it runs for every command.
      return sendOn(index, open, request, timeoutMs, asking);
    }
    long startNanos = System.nanoTime();
    return connection(index, Math.min(settings.connectTimeoutMs(), timeoutMs))
        .recover(error -> Future.failedFuture(RedisFailure.of(error, address, false)))
        .compose(connection -> {
          long left = Math.max(1, timeoutMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
          if (asking) {
            connection.send(Request.cmd(Command.ASKING));
          }
          return connection.send(request)
              .timeout(left, TimeUnit.MILLISECONDS)
              .recover(error -> Future.failedFuture(onSendFailure(index, connection, error, timeoutMs)));
        });
  }

  private Future<Response> sendOn(int index, RedisConnection connection, Request request, long timeoutMs,
                                  boolean asking) {
    if (asking) {
      connection.send(Request.cmd(Command.ASKING));
    }
    return connection.send(request)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(error -> Future.failedFuture(onSendFailure(index, connection, error, timeoutMs)));
  }

  private RedisFailure onSendFailure(int index, RedisConnection connection, Throwable error, long timeoutMs) {
    String message = String.valueOf(error.getMessage());
    // These two are refused by the client before anything is written.
    boolean sent = !(message.startsWith("Connection is closed") || message.contains("waiting queue is full"));
    RedisFailure failure = RedisFailure.of(error, address, sent);
    // Only a full command deadline says the node is stuck; a shorter one was the caller running out of time.
    if (failure.type() == ErrorType.TIMEOUT && timeoutMs >= settings.commandTimeoutMs()) {
      reset("command timed out");
    } else if (failure.type() == ErrorType.CONNECTION) {
      drop(index, connection);
    }
    return failure;
  }

  private Future<RedisConnection> connection(int index, long timeoutMs) {
    RedisConnection open = connections[index];
    if (open != null) {
      return Future.succeededFuture(open);
    }
    if (connecting[index] != null) {
      return connecting[index];
    }
    Redis generation = client();
    Future<RedisConnection> attempt = generation.connect()
        .compose(connection -> readOnly
            ? connection.send(Request.cmd(Command.READONLY)).map(connection)
            : Future.succeededFuture(connection))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS);
    connecting[index] = attempt;
    attempt.onComplete(result -> {
      if (connecting[index] == attempt) {
        connecting[index] = null;
      }
      if (generation != client) {
        // This generation was reset while we connected: its sockets are closed or closing.
        return;
      }
      if (result.succeeded()) {
        RedisConnection connection = result.result();
        connections[index] = connection;
        connection.endHandler(v -> drop(index, connection));
        connection.exceptionHandler(error -> drop(index, connection));
      } else if (ErrorType.classify(result.cause()) == ErrorType.TIMEOUT) {
        // A connect that timed out may still complete later, half-open to a hung node:
        // closing the generation closes whatever it opened.
        reset("connect timed out: " + result.cause().getMessage());
      }
      // A refused connect leaves nothing behind: keep the client, no churn while a node is down.
    });
    return attempt;
  }

  private void drop(int index, RedisConnection connection) {
    if (connections[index] == connection) {
      connections[index] = null;
    }
  }

  private Redis client() {
    if (client == null) {
      String host = address.host().contains(":") ? "[" + address.host() + "]" : address.host();
      RedisOptions options = new RedisOptions()
          .setType(RedisClientType.STANDALONE)
          .setConnectionString("redis://" + host + ":" + address.port())
          .setUser(settings.user())
          .setPassword(settings.password())
          .setPreferredProtocolVersion(ProtocolVersion.RESP2)
          .setMaxPoolSize(connections.length)
          .setMaxPoolWaiting(connections.length)
          .setMaxWaitingHandlers(settings.maxPipelinedPerConnection())
          .setNetClientOptions(new NetClientOptions()
              .setConnectTimeout(settings.connectTimeoutMs())
              .setTcpNoDelay(true)
              .setTcpKeepAlive(true));
      client = Redis.createClient(vertx, options);
    }
    return client;
  }

  /** Closes every connection of the current generation; pending commands fail at once. */
  public Future<Void> reset(String reason) {
    Redis old = client;
    client = null;
    java.util.Arrays.fill(connections, null);
    java.util.Arrays.fill(connecting, null);
    if (old == null) {
      return Future.succeededFuture();
    }
    resets++;
    LOG.debug("event=link_reset node={} reason=\"{}\"", address, reason);
    return old.close()
        .onFailure(error -> LOG.debug("event=link_close_failed node={} error=\"{}\"", address, error.toString()));
  }

  public Future<Void> close() {
    closed = true;
    return reset("closed");
  }
}
