package io.failoverlab.bench;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * One target of the issue and how this run did against it: {@code measured} compared with
 * {@code limit}. Null measured = not measured (the measurement was not selected, or had no data),
 * which is reported as such, never as met.
 */
public record Target(String measurement, String what, Comparison comparison, double limit, Double measured,
                     String unit) {

  public enum Comparison {
    AT_MOST("<="), AT_LEAST(">="), BELOW("<");

    final String symbol;

    Comparison(String symbol) {
      this.symbol = symbol;
    }

    boolean holds(double measured, double limit) {
      return switch (this) {
        case AT_MOST -> measured <= limit;
        case AT_LEAST -> measured >= limit;
        case BELOW -> measured < limit;
      };
    }
  }

  public enum Status { MET, MISSED, NOT_MEASURED }

  public static Target atMost(String measurement, String what, double limit, Double measured, String unit) {
    return new Target(measurement, what, Comparison.AT_MOST, limit, measured, unit);
  }

  public static Target atLeast(String measurement, String what, double limit, Double measured, String unit) {
    return new Target(measurement, what, Comparison.AT_LEAST, limit, measured, unit);
  }

  public static Target below(String measurement, String what, double limit, Double measured, String unit) {
    return new Target(measurement, what, Comparison.BELOW, limit, measured, unit);
  }

  public Status status() {
    if (measured == null || Double.isNaN(measured) || Double.isNaN(limit)) {
      return Status.NOT_MEASURED;
    }
    return comparison.holds(measured, limit) ? Status.MET : Status.MISSED;
  }

  /** "writer median recovery lag <= 50 ms: 7 ms (met)". */
  public String describe() {
    return what + " " + comparison.symbol + " " + number(limit) + unitSuffix() + ": "
        + (measured == null ? "-" : number(measured) + unitSuffix()) + " ("
        + status().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")";
  }

  private String unitSuffix() {
    return unit == null || unit.isEmpty() ? "" : " " + unit;
  }

  /** Whole numbers without decimals, others with two (ratios). */
  static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }

  public JsonObject toJson() {
    return new JsonObject().put("measurement", measurement).put("what", what).put("comparison", comparison.symbol)
        .put("limit", limit).put("measured", measured).put("unit", unit)
        .put("status", status().name().toLowerCase(Locale.ROOT));
  }
}
