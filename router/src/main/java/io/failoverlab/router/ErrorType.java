package io.failoverlab.router;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * What went wrong with one Redis command, as the metric label {@code error_type} names it.
 * The classification drives retries: everything but {@link #OTHER} means "the cluster is moving or
 * a node is gone", which heals by itself.
 */
public enum ErrorType {
  MOVED, ASK, CLUSTERDOWN, TRYAGAIN, CONNECTION, TIMEOUT, READONLY, LOADING, OTHER;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean retryable() {
    return this != OTHER;
  }

  public static ErrorType fromLabel(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }

  /** Classifies a failure from the Vert.x Redis client, Netty, or our own deadlines. */
  public static ErrorType classify(Throwable error) {
    if (error instanceof RedisFailure failure) {
      return failure.type();
    }
    if (error instanceof TimeoutException) {
      return TIMEOUT;
    }
    if (error instanceof ConnectException || error instanceof ClosedChannelException || error instanceof IOException) {
      // Netty's ConnectTimeoutException is a ConnectException too: the node did not accept us in time.
      return CONNECTION;
    }
    return classifyMessage(error.getMessage());
  }

  /** Redis error replies start with an upper-case code ("MOVED 3999 10.0.0.3:6379"). */
  static ErrorType classifyMessage(String message) {
    if (message == null) {
      return OTHER;
    }
    String code = message.strip();
    int space = code.indexOf(' ');
    if (space > 0) {
      code = code.substring(0, space);
    }
    switch (code) {
      case "MOVED":
        return MOVED;
      case "ASK":
        return ASK;
      case "CLUSTERDOWN":
      // A replica whose master link is down refuses to serve: for that shard the cluster is down.
      case "MASTERDOWN":
        return CLUSTERDOWN;
      case "TRYAGAIN":
        return TRYAGAIN;
      case "READONLY":
        return READONLY;
      case "LOADING":
        return LOADING;
      // How vertx-redis-client reports a socket that closed under pending commands, a send on a
      // closed connection, and its own bounded queues.
      case "CONNECTION_CLOSED":
        return CONNECTION;
      default:
        break;
    }
    if (message.startsWith("Connection is closed") || message.startsWith("Connection refused")
        || message.contains("waiting queue is full") || message.contains("max wait queue size")
        || message.startsWith("Failed to connect")) {
      return CONNECTION;
    }
    return OTHER;
  }
}
