package io.failoverlab.drill;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * min / median / p95 / max of one measure over the failovers that have it (nulls are skipped: a
 * graceful failover has no FAIL, so no detection time). Median: the middle value, or the mean of the
 * two middle values rounded to the nearest ms. p95: nearest rank (the smallest value with at least 95%
 * of the values at or below it), so with fewer than 20 failovers it is the maximum.
 * All null when there is no value.
 */
public record DurationStats(int count, Long min, Long median, Long p95, Long max) {

  public static DurationStats of(Collection<Long> values) {
    List<Long> sorted = new ArrayList<>(values.stream().filter(Objects::nonNull).sorted().toList());
    int n = sorted.size();
    if (n == 0) {
      return new DurationStats(0, null, null, null, null);
    }
    long median = n % 2 == 1
        ? sorted.get(n / 2)
        : Math.round((sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0);
    int rank = (int) Math.ceil(0.95 * n);
    return new DurationStats(n, sorted.get(0), median, sorted.get(rank - 1), sorted.get(n - 1));
  }

  public JsonObject toJson() {
    return new JsonObject().put("count", count).put("min", min).put("median", median).put("p95", p95)
        .put("max", max);
  }
}
