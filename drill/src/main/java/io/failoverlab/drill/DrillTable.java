package io.failoverlab.drill;

import io.failoverlab.measure.FailoverRecord;
import io.failoverlab.measure.Stats;
import io.failoverlab.measure.TextTable;
import java.util.ArrayList;
import java.util.List;

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

    for (FailoverRecord row : report.rows()) {
      List<String> cells = new ArrayList<>(List.of(Integer.toString(row.index()), row.action()));
      cells.add(row.target());
      cells.add(row.promoted());
      for (DrillReport.Measure measure : DrillReport.MEASURES) {
        cells.add(TextTable.count(measure.value().apply(row)));
      }
      table.row(cells.toArray(String[]::new));
    }
    var stats = report.summary();
    for (String statistic : Stats.STATISTICS) {
      List<String> cells = new ArrayList<>(List.of(statistic, "", "", ""));
      for (DrillReport.Measure measure : DrillReport.MEASURES) {
        cells.add(TextTable.count(stats.get(measure.name()).whole(statistic)));
      }
      table.summaryRow(cells.toArray(String[]::new));
    }
    return table.render();
  }
}
