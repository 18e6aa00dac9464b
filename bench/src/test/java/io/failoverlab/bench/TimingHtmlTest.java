package io.failoverlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.bench.TimingPhase.PointResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimingHtmlTest {

  private static TimingPhase.Result result() {
    TimingOptions options = TimingTest.options(List.of(500, 1000, 5000));
    List<PointResult> points = new ArrayList<>();
    for (int timeout : options.nodeTimeoutsMs()) {
      points.add(new PointResult(new TimingPoint(timeout, options.shapes().get(0), RedisServerChoice.system()),
          "7.0.15 (/usr/bin/redis-server)", List.of(
              TimingTest.failover(1, timeout + 50L, timeout + 100L, timeout + 900L, timeout + 900L),
              TimingTest.failover(2, timeout + 60L, timeout + 300L, timeout + 1100L, timeout + 1102L)), 5000, null));
    }
    return TimingTest.result(options, points);
  }

  @Test
  void thePageHasTheChartWithItsWindowsAndMediansAndTheTables() {
    TimingPhase.Result result = result();
    List<BenchTables.Checked> tables = List.of(TimingTables.nodeTimeouts(result), TimingTables.servers(result),
        TimingTables.shapes(result));

    String page = TimingHtml.render(result, tables.stream().map(BenchTables.Checked::table).toList());

    assertThat(page).startsWith("<!DOCTYPE html>").contains("<svg", "</svg>");
    for (FailoverTiming.Phase phase : TimingHtml.CHARTED) {
      assertThat(page).as(phase.label).contains("class=\"window " + phase.key() + "\"",
          "class=\"median " + phase.key() + "\"");
    }
    // x axis: one tick per node timeout; y axis: decades.
    assertThat(page).contains(">500</text>", ">1000</text>", ">5000</text>", ">1 s</text>", ">10 ms</text>");
    assertThat(page).contains("<caption><strong>10. Failover timing against cluster-node-timeout",
        "<caption><strong>10b. Failover timing by redis-server", "<caption><strong>10c. Failover timing by cluster shape",
        "<td class=\"n\">1000-1700</td>");
    assertThat(page).as("self-contained").doesNotContain("<script", "src=\"http", "href=\"http");
  }

  @Test
  void aMedianOutsideItsWindowIsRingedAndTextIsEscaped() {
    TimingPhase.Result result = result();
    String chart = TimingHtml.chart(result);
    // Detection at T=500 is 550 (inside 500-950): no ring; election 800-1000 inside; nothing ringed.
    assertThat(chart).doesNotContain("(median outside)", "stroke-width=\"2\"><title>");

    TimingOptions options = TimingTest.options(List.of(1000));
    PointResult slow = new PointResult(new TimingPoint(1000, options.shapes().get(0), RedisServerChoice.system()),
        null, List.of(TimingTest.failover(1, 1050L, 1100L, 5100L, 5100L)), 1, null);
    assertThat(TimingHtml.chart(TimingTest.result(options, List.of(slow))))
        .contains("election at 1000 ms: median 4000, p95 4000, expected 500-1200 (median outside)");
    assertThat(TimingHtml.escape("<a & \"b\">")).isEqualTo("&lt;a &amp; &quot;b&quot;&gt;");
  }

  @Test
  void writeCreatesTheDirectoryAndTheFile(@TempDir Path dir) throws Exception {
    Path file = TimingHtml.write(dir.resolve("out"), result(), List.of());
    assertThat(file.getFileName().toString()).isEqualTo("timing.html");
    assertThat(Files.readString(file)).contains("<svg");
  }
}
