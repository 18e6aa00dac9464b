package io.failoverlab.lab.drill;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The drill's plain-text table: one row per failover, then min / median / p95 / max of every measure.
 * Text columns are left-aligned, numbers right-aligned; a value the monitor could not measure is "-".
 */
public final class DrillTable {

  private static final int TEXT_COLUMNS = 4;

  private DrillTable() {
  }

  public static String render(DrillReport report) {
    List<String> header = new ArrayList<>(List.of("failover", "action", "target", "promoted"));
    DrillReport.MEASURES.forEach(measure -> header.add(measure.title()));

    List<List<String>> body = new ArrayList<>();
    for (FailoverRow row : report.rows()) {
      List<String> cells = new ArrayList<>(List.of(Integer.toString(row.index()), row.action(),
          text(row.target()), text(row.promotedNode())));
      for (DrillReport.Measure measure : DrillReport.MEASURES) {
        cells.add(number(measure.value().apply(row)));
      }
      body.add(cells);
    }
    List<List<String>> summary = new ArrayList<>();
    var stats = report.summary();
    List<Function<DurationStats, Long>> pickers = List.of(DurationStats::min, DurationStats::median,
        DurationStats::p95, DurationStats::max);
    List<String> labels = List.of("min", "median", "p95", "max");
    for (int i = 0; i < labels.size(); i++) {
      List<String> cells = new ArrayList<>(List.of(labels.get(i), "", "", ""));
      for (DrillReport.Measure measure : DrillReport.MEASURES) {
        cells.add(number(pickers.get(i).apply(stats.get(measure.name()))));
      }
      summary.add(cells);
    }

    int[] widths = new int[header.size()];
    for (List<String> line : concat(List.of(header), body, summary)) {
      for (int c = 0; c < line.size(); c++) {
        widths[c] = Math.max(widths[c], line.get(c).length());
      }
    }
    StringBuilder text = new StringBuilder();
    line(text, header, widths);
    rule(text, widths);
    body.forEach(cells -> line(text, cells, widths));
    if (!body.isEmpty()) {
      rule(text, widths);
    }
    summary.forEach(cells -> line(text, cells, widths));
    return text.toString();
  }

  @SafeVarargs
  private static List<List<String>> concat(List<List<String>>... parts) {
    List<List<String>> all = new ArrayList<>();
    for (List<List<String>> part : parts) {
      all.addAll(part);
    }
    return all;
  }

  private static void line(StringBuilder text, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      if (c > 0) {
        line.append("  ");
      }
      String cell = cells.get(c);
      String pad = " ".repeat(widths[c] - cell.length());
      line.append(c < TEXT_COLUMNS ? cell + pad : pad + cell);
    }
    text.append(line.toString().stripTrailing()).append('\n');
  }

  private static void rule(StringBuilder text, int[] widths) {
    int total = 0;
    for (int width : widths) {
      total += width;
    }
    text.append("-".repeat(total + 2 * (widths.length - 1))).append('\n');
  }

  private static String text(String value) {
    return value == null ? "-" : value;
  }

  private static String number(Long value) {
    return value == null ? "-" : Long.toString(value);
  }
}
