package io.failoverlab.e2e;

import io.failoverlab.common.contract.MetricNames;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus names the services can export, derived from the contract ({@link MetricNames}) the
 * way Micrometer's Prometheus registry writes them: dots become underscores; counters get
 * {@code _total}; timers {@code _seconds} plus {@code _bucket}, {@code _count}, {@code _sum},
 * {@code _max}; gauges with a seconds base unit {@code _seconds}. Whether a name has the right kind
 * is proven against real scrapes by the end-to-end test (every query must return data).
 */
final class MetricContract {

  private static final Pattern OUR_METRIC = Pattern.compile("\\bfailoverlab_[a-z0-9_]+\\b");
  private static final String[] SUFFIXES = {"", "_total", "_seconds", "_seconds_bucket", "_seconds_count",
      "_seconds_sum", "_seconds_max"};

  private MetricContract() {
  }

  static Set<String> exportableNames() {
    Set<String> names = new TreeSet<>();
    for (Field field : MetricNames.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        String value = value(field);
        if (value.startsWith("failoverlab.")) {
          String base = value.replace('.', '_');
          for (String suffix : SUFFIXES) {
            names.add(base + suffix);
          }
        }
      }
    }
    return names;
  }

  /** The failoverlab_* metric names a PromQL expression (or a rules file) reads. */
  static Set<String> namesIn(String promql) {
    Set<String> names = new LinkedHashSet<>();
    Matcher matcher = OUR_METRIC.matcher(promql);
    while (matcher.find()) {
      names.add(matcher.group());
    }
    return names;
  }

  private static String value(Field field) {
    try {
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
