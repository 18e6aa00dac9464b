package io.failoverlab.router;

import io.failoverlab.common.topology.HostAndPort;

/**
 * A failed Redis command, classified. {@code maybeApplied} is true when the command reached the
 * node but no reply came back (timeout, connection closed while waiting): the write may or may not
 * have happened, which the writer counts as an unknown outcome.
 */
public final class RedisFailure extends RuntimeException {

  private final ErrorType type;
  private final boolean maybeApplied;
  private final HostAndPort node;

  public RedisFailure(ErrorType type, boolean maybeApplied, HostAndPort node, String message) {
    super(message, null, false, false);
    this.type = type;
    this.maybeApplied = maybeApplied;
    this.node = node;
  }

  /** Wraps what the client or the network reported for a command sent (or not) to {@code node}. */
  public static RedisFailure of(Throwable cause, HostAndPort node, boolean sent) {
    if (cause instanceof RedisFailure failure) {
      return failure;
    }
    ErrorType type = ErrorType.classify(cause);
    // A Redis error reply proves the command was refused, so only timeouts and broken
    // connections after sending leave the outcome unknown.
    boolean unknown = sent && (type == ErrorType.TIMEOUT || type == ErrorType.CONNECTION);
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new RedisFailure(type, unknown, node, message);
  }

  /**
   * Whether Redis refused our credentials (wrong password or user, or a password it requires and we
   * did not send): a configuration problem, not a failover.
   */
  public static boolean isAuthenticationFailure(Throwable error) {
    return error != null && isAuthenticationFailure(error.getMessage());
  }

  /** The same, for a failure already turned into text (it may carry a prefix, e.g. the node). */
  public static boolean isAuthenticationFailure(String message) {
    if (message == null) {
      return false;
    }
    return message.contains("WRONGPASS") || message.contains("NOAUTH")
        || message.contains("invalid password") || message.contains("invalid username-password")
        || message.contains("AUTH <password> called without any password configured");
  }

  /** The start-up error for refused credentials, naming the variables to fix. */
  public static io.failoverlab.common.config.ConfigException credentialsRefused(Throwable error) {
    return credentialsRefused(error.getMessage());
  }

  public static io.failoverlab.common.config.ConfigException credentialsRefused(String reason) {
    return new io.failoverlab.common.config.ConfigException("REDIS_PASSWORD",
        "the cluster refused the credentials (REDIS_USER / REDIS_PASSWORD): " + reason);
  }

  public ErrorType type() {
    return type;
  }

  public boolean maybeApplied() {
    return maybeApplied;
  }

  public HostAndPort node() {
    return node;
  }

  @Override
  public String toString() {
    return type.label() + (node == null ? "" : "@" + node) + ": " + getMessage();
  }
}
