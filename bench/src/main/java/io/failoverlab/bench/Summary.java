package io.failoverlab.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * min / median / p95 / max of one measure over the runs that have it (nulls skipped: a client that
 * did not recover within the deadline has no value). Median: the middle value, or the mean of the
 * two middle ones. p95: nearest rank (the smallest value with at least 95% of the values at or below
 * it), the drill's convention, so with fewer than 20 runs it is the maximum. All null without values.
 */
public record Summary(int count, Double min, Double median, Double p95, Double max) {

  public static final Summary EMPTY = new Summary(0, null, null, null, null);

  public static Summary of(Collection<? extends Number> values) {
    List<Double> sorted = new ArrayList<>();
    for (Number value : values) {
      if (value != null && !Double.isNaN(value.doubleValue())) {
        sorted.add(value.doubleValue());
      }
    }
    sorted.sort(null);
    int n = sorted.size();
    if (n == 0) {
      return EMPTY;
    }
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    return new Summary(n, sorted.get(0), median, sorted.get(percentileRank(n, 95) - 1), sorted.get(n - 1));
  }

  /** Nearest rank (1-based) of percentile {@code p} among {@code n} sorted values. */
  static int percentileRank(int n, double p) {
    return Math.max(1, (int) Math.ceil(p / 100.0 * n));
  }

  /** The value of one statistic by name: min, median, p95, max. */
  public Double get(String statistic) {
    return switch (statistic) {
      case "min" -> min;
      case "median" -> median;
      case "p95" -> p95;
      case "max" -> max;
      default -> throw new IllegalArgumentException("no statistic " + statistic);
    };
  }

  public static final List<String> STATISTICS = List.of("min", "median", "p95", "max");

  public JsonObject toJson() {
    return new JsonObject().put("count", count).put("min", min).put("median", median).put("p95", p95).put("max", max);
  }
}
