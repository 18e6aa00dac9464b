package io.failoverlab.clients;

import io.failoverlab.router.ErrorType;
import java.util.Locale;
import java.util.Map;

/**
 * Classifies a client library's error by its text and exception type into the lab's error types,
 * the same ones our router's errors have, so every client's errors can be counted side by side.
 * By hand: each library words its errors its own way (redis-py "Error 111 connecting", Jedis
 * "JedisConnectionException", ioredis "Connection is closed."), and only the server's own replies
 * (MOVED, CLUSTERDOWN, ...) are common to all.
 */
public final class ErrorText {

  /**
   * redis-py takes the code off the server's reply ("MovedError: 3999 127.0.0.1:7002", "ReadOnlyError:
   * You can't write against a read only replica."): there the exception's class names the reply.
   */
  private static final Map<String, ErrorType> REPLY_CLASSES = Map.of(
      "MovedError", ErrorType.MOVED,
      "AskError", ErrorType.ASK,
      "ClusterDownError", ErrorType.CLUSTERDOWN,
      "MasterDownError", ErrorType.CLUSTERDOWN,
      "TryAgainError", ErrorType.TRYAGAIN,
      "ReadOnlyError", ErrorType.READONLY,
      "BusyLoadingError", ErrorType.LOADING);

  private ErrorText() {
  }

  public static ErrorType classify(String errorClass, String message) {
    String text = message == null ? "" : message.strip();
    String upper = text.toUpperCase(Locale.ROOT);
    // The server's replies first: a library may wrap them in its own exception type.
    if (upper.startsWith("MOVED ") || upper.contains(" MOVED ") || upper.contains("MOVEDDATAEXCEPTION")) {
      return ErrorType.MOVED;
    }
    if (upper.startsWith("ASK ") || upper.contains("ASKDATAEXCEPTION")) {
      return ErrorType.ASK;
    }
    // MASTERDOWN: a replica whose master link is down refuses to serve; for that shard the cluster is down
    // (as our router counts it).
    if (upper.contains("CLUSTERDOWN") || upper.contains("CLUSTER IS DOWN") || upper.startsWith("MASTERDOWN")) {
      return ErrorType.CLUSTERDOWN;
    }
    if (upper.contains("TRYAGAIN")) {
      return ErrorType.TRYAGAIN;
    }
    if (upper.startsWith("READONLY") || upper.contains(" READONLY ")) {
      return ErrorType.READONLY;
    }
    if (upper.startsWith("LOADING")) {
      return ErrorType.LOADING;
    }
    ErrorType reply = errorClass == null ? null : REPLY_CLASSES.get(errorClass);
    if (reply != null) {
      return reply;
    }
    String kind = ((errorClass == null ? "" : errorClass) + " " + text).toLowerCase(Locale.ROOT);
    // Jedis: "Cluster retry deadline exceeded." once its retries of one call ran out of time.
    if (kind.contains("timeout") || kind.contains("timed out") || kind.contains("time out")
        || kind.contains("deadline exceeded")) {
      return ErrorType.TIMEOUT;
    }
    if (kind.contains("connect") || kind.contains("refused") || kind.contains("reset") || kind.contains("broken pipe")
        || kind.contains("epipe") || kind.contains("closed") || kind.contains("unreachable") || kind.contains("socket")
        || kind.contains("no route") || kind.contains("eof")) {
      return ErrorType.CONNECTION;
    }
    return ErrorType.OTHER;
  }

  /**
   * Whether a write that failed this way may still have been applied: a timeout, or a connection lost
   * after the command may have gone out. Counted as unknown outcome, never as lost or as not done. A
   * connection that could not be opened at all (refused, unreachable) sent nothing.
   */
  public static boolean maybeApplied(ErrorType type, String message) {
    String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
    if (type == ErrorType.TIMEOUT) {
      return true;
    }
    // Jedis gave up after several attempts; an earlier one may have gone out and been applied.
    if (text.contains("no more cluster attempts")) {
      return true;
    }
    if (type != ErrorType.CONNECTION) {
      return false;
    }
    boolean neverConnected = text.contains("refused") || text.contains("connecting to") || text.contains("failed to connect")
        || text.contains("unable to connect") || text.contains("could not connect") || text.contains("econnrefused")
        || text.contains("no route") || text.contains("unreachable");
    return !neverConnected;
  }
}
