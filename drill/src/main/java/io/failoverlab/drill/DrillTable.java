package io.failoverlab.drill;

import io.failoverlab.measure.TextTable;
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
    TextTable table = new TextTable(null, TEXT_COLUMNS, header.toArray(String[]::new));

    for (FailoverRow row : report.rows()) {
      List<String> cells = new ArrayList<>(List.of(Integer.toString(row.index()), row.action()));
      cells.add(row.target());
      cells.add(row.promotedNode());
      for (DrillReport.Measure measure : DrillReport.MEASURES) {
        cells.add(TextTable.count(measure.value().apply(row)));
      }
      table.row(cells.toArray(String[]::new));
    }
    var stats = report.summary();
    List<Function<DurationStats, Long>> pickers = List.of(DurationStats::min, DurationStats::median,
        DurationStats::p95, DurationStats::max);
    List<String> labels = List.of("min", "median", "p95", "max");
    for (int i = 0; i < labels.size(); i++) {
      List<String> cells = new ArrayList<>(List.of(labels.get(i), "", "", ""));
      for (DrillReport.Measure measure : DrillReport.MEASURES) {
        cells.add(TextTable.count(pickers.get(i).apply(stats.get(measure.name()))));
      }
      table.summaryRow(cells.toArray(String[]::new));
    }
    return table.render();
  }
}
