package io.failoverlab.common.redis;

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
