package io.failoverlab.monitor.chaos;

/** A chaos request turned down before anything was touched; {@code status} is the HTTP status to answer. */
public final class ChaosRefusal extends RuntimeException {

  private final int status;

  public ChaosRefusal(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
