package io.failoverlab.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.measure.FailoverRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrillTableTest {

  @Test
  void oneRowPerFailoverThenTheSummaryWithAlignedColumns() {
    List<FailoverRecord> rows = new ArrayList<>(DrillFixtures.threeRows());
    // A graceful failover: no FAIL, no writer outage; the monitor leaves those durations null.
    rows.add(DrillFixtures.row(4, "127.0.0.1:7003", "127.0.0.1:7000", 35_000, null, null, null, null, 0, 0));
    String table = DrillTable.render(DrillFixtures.report(rows, DrillFixtures.options(), null));
    List<String> lines = table.lines().toList();

    assertThat(lines).hasSize(1 + 1 + 4 + 1 + 4);
    assertThat(lines.get(0)).startsWith("failover  action  target").contains("detection ms", "election ms",
        "client recovery ms", "write unavail. ms", "lost writes", "healthy-shard errors");
    assertThat(lines.get(1)).matches("-+");
    assertThat(lines.get(2).split("\\s+")).containsExactly("1", "crash", "127.0.0.1:7000", "127.0.0.1:7003",
        "1646", "870", "-154", "2247", "0", "0");
    assertThat(lines.get(5).split("\\s+")).containsExactly("4", "crash", "127.0.0.1:7003", "127.0.0.1:7000",
        "-", "-", "-", "-", "0", "0");
    assertThat(lines.get(6)).matches("-+");
    assertThat(lines.get(7).split("\\s+")).containsExactly("min", "1589", "604", "-159", "2097", "0", "0");
    assertThat(lines.get(8).split("\\s+")).containsExactly("median", "1604", "870", "-154", "2247", "0", "0");
    assertThat(lines.get(9).split("\\s+")).containsExactly("p95", "1646", "1006", "-85", "2383", "2", "3");
    assertThat(lines.get(10).split("\\s+")).containsExactly("max", "1646", "1006", "-85", "2383", "2", "3");

    // Numbers are right-aligned under their header: every body line ends where the header ends.
    int width = lines.get(0).length();
    for (String line : lines.subList(2, lines.size())) {
      assertThat(line).as(line).hasSize(width);
    }
    int unavailabilityEnd = lines.get(0).indexOf("write unavail. ms") + "write unavail. ms".length();
    assertThat(lines.get(2).substring(0, unavailabilityEnd)).endsWith(" 2247");
    assertThat(lines.get(9).substring(0, unavailabilityEnd)).endsWith(" 2383");
  }

  @Test
  void aDrillWithoutFailoversStillPrintsItsHeaderAndEmptySummary() {
    String table = DrillTable.render(DrillFixtures.report(List.of(), DrillFixtures.options(), "boom"));
    assertThat(table.lines().toList()).hasSize(1 + 1 + 4);
    assertThat(table.lines().skip(2).toList()).allMatch(line -> line.matches("(min|median|p95|max)(\\s+-)+"));
  }
}
