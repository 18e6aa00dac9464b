package io.failoverlab.localcluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One standalone Vert.x Redis client per node port (this code must talk to a specific node, never be redirected by
 * cluster routing). Every command gets a deadline, so a SIGSTOPped node cannot stall the caller.
 */
final class NodeClients {

  private static final Logger LOG = LoggerFactory.getLogger(NodeClients.class);

  static final Duration COMMAND_DEADLINE = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final String password;
  private final Map<Integer, Redis> clients = new ConcurrentHashMap<>();
  private volatile boolean closed;

  NodeClients(Vertx vertx, String password) {
    this.vertx = vertx;
    this.password = password;
  }

  /**
   * @param label short name of the command for error messages (Request.toString() would list every ADDSLOTS slot)
   */
  Future<Response> send(int port, String label, Request request) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("clients closed (cluster stopped)"));
    }
    return client(port).connect()
        .compose(connection -> {
          // A pooled connection keeps the handler it was last given, also while idle in the pool; the
          // client's default logs every reset (each crash drill) as an ERROR with a stack trace.
          connection.exceptionHandler(error -> LOG.debug("event=node-connection-error port={} error=\"{}\"", port, error.toString()));
          return connection.send(request).eventually(connection::close);
        })
        .timeout(COMMAND_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .recover(e -> Future.failedFuture(new IllegalStateException("node " + port + ": " + label + " failed: " + e.getMessage(), e)));
  }

  /** The reply as text (CLUSTER INFO, CLUSTER NODES, INFO are bulk strings). */
  Future<String> text(int port, String label, Request request) {
    return send(port, label, request).map(response -> response == null ? "" : response.toString());
  }

  private Redis client(int port) {
    return clients.computeIfAbsent(port, p -> {
      RedisOptions options = new RedisOptions()
          .setType(RedisClientType.STANDALONE)
          .setConnectionString("redis://127.0.0.1:" + p)
          // RESP2 keeps INFO/CLUSTER replies plain bulk strings on every server version.
          .setPreferredProtocolVersion(ProtocolVersion.RESP2)
          .setMaxPoolSize(4)
          .setMaxPoolWaiting(64)
          .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) COMMAND_DEADLINE.toMillis()).setTcpNoDelay(true));
      if (password != null) {
        options.setPassword(password);
      }
      return Redis.createClient(vertx, options);
    });
  }

  Future<Void> close() {
    closed = true;
    List<Future<Void>> closing = new ArrayList<>();
    clients.values().forEach(client -> closing.add(client.close()));
    clients.clear();
    return Future.join(closing).mapEmpty();
  }
}
