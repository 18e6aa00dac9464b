package io.failoverlab.measure;

/** A measurement (drill, bench) could not go on: the message says which step and why. */
public class MeasurementFailure extends RuntimeException {

  public MeasurementFailure(String message) {
    super(message);
  }

  public MeasurementFailure(String message, Throwable cause) {
    super(message, cause);
  }

  /** A throwable's message, or its class and nothing else when it has none. */
  public static String messageOf(Throwable error) {
    return error.getMessage() != null ? error.getMessage() : error.toString();
  }
}
