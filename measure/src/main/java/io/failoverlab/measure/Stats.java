package io.failoverlab.measure;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * min / median / p95 / max of one measure over the runs that have it. Nulls are skipped (a graceful
 * failover has no FAIL, so no detection time; a client that did not recover has no lag). Median: the
 * middle value, or the mean of the two middle ones. p95: nearest rank (the smallest value with at
 * least 95% of the values at or below it), so with fewer than 20 runs it is the maximum. All null
 * without values. The drill's report gives whole milliseconds ({@link #toWholeJson()}, rounded to
 * the nearest), the bench's the values as they are ({@link #toJson()}).
 */
public record Stats(int count, Double min, Double median, Double p95, Double max) {

  public static final Stats EMPTY = new Stats(0, null, null, null, null);

  /** The statistics, by the names tables and JSON use, in that order. */
  public static final List<String> STATISTICS = List.of("min", "median", "p95", "max");

  public static Stats of(Collection<? extends Number> values) {
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
    return new Stats(n, sorted.get(0), median, sorted.get(percentileRank(n, 95) - 1), sorted.get(n - 1));
  }

  /** Nearest rank (1-based) of percentile {@code p} among {@code n} sorted values. */
  public static int percentileRank(int n, double p) {
    return Math.max(1, (int) Math.ceil(p / 100.0 * n));
  }

  /** One statistic by name: min, median, p95, max. */
  public Double get(String statistic) {
    return switch (statistic) {
      case "min" -> min;
      case "median" -> median;
      case "p95" -> p95;
      case "max" -> max;
      default -> throw new IllegalArgumentException("no statistic " + statistic);
    };
  }

  /** One statistic rounded to the nearest whole number (ms, counts), null when there is none. */
  public Long whole(String statistic) {
    Double value = get(statistic);
    return value == null ? null : Math.round(value);
  }

  public JsonObject toJson() {
    return new JsonObject().put("count", count).put("min", min).put("median", median).put("p95", p95).put("max", max);
  }

  /** As {@link #toJson()} with every statistic rounded to a whole number. */
  public JsonObject toWholeJson() {
    return new JsonObject().put("count", count).put("min", whole("min")).put("median", whole("median"))
        .put("p95", whole("p95")).put("max", whole("max"));
  }
}
