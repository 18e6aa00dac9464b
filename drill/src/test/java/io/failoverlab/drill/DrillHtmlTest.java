package io.failoverlab.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.measure.FailoverRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DrillHtmlTest {

  @Test
  void escapeReplacesEveryCharacterThatMeansSomethingInHtml() {
    assertThat(Html.escape("<a href=\"x\" title='y'>&amp;</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
    assertThat(Html.escape(null)).isEmpty();
    assertThat(Html.escape("127.0.0.1:7000")).isEqualTo("127.0.0.1:7000");
  }

  @Test
  void everyTextFromTheClusterOrTheMonitorIsEscaped() {
    List<FailoverRecord> rows = new ArrayList<>();
    String evil = "<script>alert('x')</script>";
    rows.add(DrillFixtures.row(1, evil, "127.0.0.1:7003<b>", 5_000, 1600L, 800L, -100L, 2200L, 0, 0));
    String html = DrillHtml.render(DrillFixtures.report(rows, DrillFixtures.options(),
        "monitor said: <img src=x onerror=alert(1)> & \"more\""));

    assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("127.0.0.1:7003<b>");
    assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
        .contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;more&quot;")
        .contains("127.0.0.1:7003&lt;b&gt;");
  }

  @Test
  void thePageIsSelfContainedWithAnInlineSvgChartOfBothServices() {
    String html = DrillHtml.render(DrillFixtures.report(DrillFixtures.threeRows(),
        DrillFixtures.options().withThresholds(1L, null, null), null));

    assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>").contains("</html>");
    // Nothing to fetch: no script, stylesheet link, image, font or url() anywhere.
    assertThat(html).doesNotContain("<script").doesNotContain("<link").doesNotContain("<img")
        .doesNotContain("@import").doesNotContain("url(").doesNotContain("@font-face");
    assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContain("http://")
        .doesNotContain("https://");

    assertThat(count(html, "<svg ")).isEqualTo(1);
    assertThat(html).contains("<svg id=\"timeline\"");
    for (String service : List.of("writer", "reader")) {
      for (String measure : List.of("ops", "errors")) {
        Matcher polyline = Pattern.compile("<polyline class=\"series\" data-service=\"" + service
            + "\" data-measure=\"" + measure + "\"[^>]* points=\"([^\"]*)\"").matcher(html);
        assertThat(polyline.find()).as("%s %s series", service, measure).isTrue();
        assertThat(polyline.group(1).split(" ")).as("%s %s points", service, measure).hasSize(35);
      }
    }
    // Three faults, FAILs, promotions and restarts, one line per panel each; cluster ok too.
    assertThat(count(html, "class=\"marker marker-fault\"")).isEqualTo(6);
    assertThat(count(html, "class=\"marker marker-node_fail\"")).isEqualTo(6);
    assertThat(count(html, "class=\"marker marker-promoted\"")).isEqualTo(6);
    assertThat(count(html, "class=\"marker marker-cluster_ok\"")).isEqualTo(6);
    assertThat(count(html, "class=\"marker marker-restart\"")).isEqualTo(6);
    assertThat(html).contains(">#1 crash 127.0.0.1:7000<").contains(">#3 crash 127.0.0.1:7002<");

    // The tables: failovers with summary, phases relative to the fault, thresholds.
    assertThat(html).contains("<table id=\"failovers\">").contains("<table id=\"phases\">")
        .contains("<td class=\"num\">2247</td>").contains(">median</td>").contains(">p95</td>")
        .contains("THRESHOLD MISSED").contains("--max-unavailability-ms").contains(">missed<");
  }

  @Test
  void aChartWithoutSamplesSaysSo() {
    DrillReport empty = new DrillReport(DrillFixtures.options().toJson(), DrillFixtures.T0, DrillFixtures.T0 + 1000,
        "the lab stopped", DrillReport.DEFAULT_CLOCK, null, List.of(), List.of(), Timeline.Data.empty());
    String html = DrillHtml.render(empty);
    assertThat(html).contains("<svg id=\"timeline\"").contains("no client stats were recorded")
        .contains("The drill did not complete");
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }
}
