package io.failoverlab.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.TopologyEvent;
import io.failoverlab.testsupport.Ports;
import io.failoverlab.testsupport.TestDirs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Real drills through the real monitor (its chaos service on the event bus), on a local cluster with
 * node timeout 1000 ms. Ports 7600-7605 only (the lab module's DrillJarIT runs the jar on 7620-7625).
 * The report and its screenshot stay in target/drill-it/ to be looked at.
 */
class DrillIT {

  private static final Path OUT = Path.of("target", "drill-it");
  /** The incident closes after this much quiet: short, to keep the test short. */
  private static final Map<String, String> ENV = Map.of("INCIDENT_QUIET_MS", "1500");

  @Test
  void threeCrashFailoversCompleteAndTheReportAgreesWithTheMonitorsTopologyEvents() throws Exception {
    Path out = TestDirs.fresh(OUT.resolve("three-crashes"));
    List<TopologyEvent> events = new CopyOnWriteArrayList<>();
    Env env = new Env(Map.of("INCIDENT_QUIET_MS", "1500", "KEY_PREFIX", "drillit" + System.nanoTime()));
    DrillCommand drill = new DrillCommand(env, lab -> {
      try {
        lab.vertx().eventBus().<JsonObject>consumer(Addresses.TOPOLOGY_EVENT,
            message -> events.add(TopologyEvent.fromJson(message.body()))).completion().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    StringWriter printed = new StringWriter();
    StringWriter errors = new StringWriter();
    CommandLine command = new CommandLine(drill);
    command.setOut(new PrintWriter(printed, true));
    command.setErr(new PrintWriter(errors, true));

    int exit = command.execute("--port-base", "7600", "--node-timeout-ms", "1000", "--failovers", "3",
        "--out", out.toString());

    System.out.println("DrillIT drill output:\n" + printed);
    assertThat(exit).as("exit code; stderr: %s", errors).isZero();
    assertThat(printed.toString()).contains("drill passed");
    Ports.assertFree(7600, 7605);

    JsonObject report = new JsonObject(Files.readString(out.resolve("report.json")));
    assertThat(report.getString("status")).isEqualTo("passed");
    assertThat(report.getString("error")).isNull();
    long pollMs = report.getLong("pollIntervalMs");
    JsonArray rows = report.getJsonArray("failovers");
    assertThat(rows).hasSize(3);
    Set<String> shards = new HashSet<>();
    long previousHealthyAt = report.getLong("startedAt");
    for (int i = 0; i < rows.size(); i++) {
      JsonObject row = rows.getJsonObject(i);
      String what = "failover " + row.getInteger("index");
      JsonObject m = row.getJsonObject("milestones");
      long fault = row.getLong("faultAt");
      shards.add(row.getString("shard"));
      assertThat(row.getString("action")).isEqualTo("crash");
      assertThat(row.getString("failedNode")).as(what).isEqualTo(row.getString("target"));
      assertThat(row.getString("promotedNode")).as(what).isNotNull().isNotEqualTo(row.getString("target"));
      assertThat(m.getLong("faultInjectedAt")).as(what).isEqualTo(fault);
      Long fail = m.getLong("failAgreedAt");
      Long promoted = m.getLong("promotedAt");
      Long writer = m.getLong("writerRecoveredAt");
      Long reader = m.getLong("readerRecoveredAt");
      assertThat(List.of(fail, promoted, writer, reader)).as("%s milestones %s", what, m).doesNotContainNull();

      // Ordered: the previous failover was over, then fault <= FAIL <= promoted <= clients recovered.
      assertThat(fault).as("%s fault after the previous failover was healthy again", what).isGreaterThanOrEqualTo(previousHealthyAt);
      assertThat(fail).as("%s FAIL after the fault", what).isGreaterThanOrEqualTo(fault);
      assertThat(promoted).as("%s promoted after FAIL", what).isGreaterThanOrEqualTo(fail);
      // Client times are exact; the monitor's probe stamps the promotion at most one probe period late, and
      // says how late: no client recovers before the promotion minus that.
      JsonObject precision = row.getJsonObject("milestonePrecisionMs");
      long promotedPrecision = precision.getLong("promotedAt");
      assertThat(promotedPrecision).as("%s promotion stamped by the probe, not a poll (%s)", what, precision)
          .isLessThan(pollMs);
      assertThat(writer).as("%s writer recovered after the promotion", what)
          .isGreaterThanOrEqualTo(promoted - promotedPrecision);
      assertThat(reader).as("%s reader recovered after the promotion", what)
          .isGreaterThanOrEqualTo(promoted - promotedPrecision);
      assertThat(row.getJsonObject("durationsMs").getLong("clientRecoveryAfterPromotion"))
          .as("%s client recovery", what).isGreaterThanOrEqualTo(-promotedPrecision);
      assertThat(row.getLong("incidentClosedAt")).as(what).isGreaterThanOrEqualTo(Math.max(writer, reader));
      assertThat(row.getLong("restoredAt")).as("%s restarted after the incident closed", what)
          .isGreaterThanOrEqualTo(row.getLong("incidentClosedAt"));
      assertThat(row.getLong("healthyAt")).as(what).isGreaterThanOrEqualTo(row.getLong("restoredAt"));
      previousHealthyAt = row.getLong("healthyAt");

      // And they are the monitor's own topology events, as published on the event bus.
      TopologyEvent failEvent = first(events, TopologyEvent.Type.NODE_FAIL, row.getString("failedNode"), fault)
          .orElseThrow(() -> new AssertionError(what + ": no NODE_FAIL event of " + row.getString("failedNode")));
      TopologyEvent promotedEvent = first(events, TopologyEvent.Type.PROMOTED, row.getString("promotedNode"), fault)
          .orElseThrow(() -> new AssertionError(what + ": no PROMOTED event of " + row.getString("promotedNode")));
      // The poll saw them too, later: a poll stamps a change at its start, up to an interval after the fact.
      assertThat(fail).as("%s failAgreedAt by the probe, NODE_FAIL event by a poll", what)
          .isLessThanOrEqualTo(failEvent.timestamp() + pollMs);
      assertThat(promoted).as("%s promotedAt by the probe, PROMOTED event by a poll", what)
          .isLessThanOrEqualTo(promotedEvent.timestamp() + pollMs);
      assertThat(promotedEvent.data().getString("slots")).isEqualTo(row.getString("shard"));
      assertThat(promotedEvent.data().getString("previousMaster")).isEqualTo(row.getString("failedNode"));

      JsonObject d = row.getJsonObject("durationsMs");
      assertThat(d.getLong("detection")).isEqualTo(fail - fault);
      assertThat(d.getLong("election")).isEqualTo(promoted - fail);
      assertThat(d.getLong("writeUnavailability")).isPositive();
    }
    assertThat(shards).as("round-robin hit every shard once").hasSize(3);

    // The printed table: a header, three rows, the four summary rows.
    assertThat(printed.toString()).contains("detection ms").contains("write unavail. ms");
    for (String label : List.of("min", "median", "p95", "max")) {
      assertThat(printed.toString().lines()).anyMatch(line -> line.startsWith(label + " "));
    }
    JsonObject summary = report.getJsonObject("summary");
    assertThat(summary.getJsonObject("writeUnavailability").getInteger("count")).isEqualTo(3);

    // The timeline holds both services' seconds and every fault, FAIL, promotion and restart.
    JsonObject timeline = report.getJsonObject("timeline");
    List<String> services = timeline.getJsonArray("points").stream()
        .map(p -> ((JsonObject) p).getString("service")).distinct().sorted().toList();
    assertThat(services).containsExactly("reader", "writer");
    Map<String, Long> markers = new java.util.TreeMap<>();
    timeline.getJsonArray("markers").forEach(mk -> markers.merge(((JsonObject) mk).getString("kind"), 1L, Long::sum));
    assertThat(markers).containsEntry("fault", 3L).containsEntry("node_fail", 3L).containsEntry("promoted", 3L)
        .containsEntry("restart", 3L);

    assertTheHtmlRendersTheChart(out.resolve("report.html"), out.resolve("report.png"));
  }

  private static void assertTheHtmlRendersTheChart(Path html, Path png) throws Exception {
    String dom = HeadlessChromium.dumpDom(html);
    assertThat(dom).contains("<svg id=\"timeline\"");
    for (String service : List.of("writer", "reader")) {
      assertThat(dom).contains("data-service=\"" + service + "\" data-measure=\"ops\"")
          .contains("data-service=\"" + service + "\" data-measure=\"errors\"");
    }
    assertThat(dom).contains("class=\"marker marker-fault\"").contains("class=\"marker marker-promoted\"");

    HeadlessChromium.screenshot(html, png);
    assertThat(png).exists();
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as("a PNG image").isNotNull();
    assertThat(image.getWidth()).isEqualTo(1400);
    Set<Integer> colors = new HashSet<>();
    int writerBlue = 0;
    int readerOrange = 0;
    int faultRed = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        colors.add(rgb);
        writerBlue += near(rgb, 0x1f5fbf) ? 1 : 0;
        readerOrange += near(rgb, 0xe07b00) ? 1 : 0;
        faultRed += near(rgb, 0xd62728) ? 1 : 0;
      }
    }
    assertThat(colors.size()).as("distinct colours in the screenshot (a blank page has one)").isGreaterThan(50);
    // The chart's lines are on screen: the writer's blue, the reader's orange, the faults' red.
    assertThat(writerBlue).as("writer-blue pixels").isGreaterThan(300);
    assertThat(readerOrange).as("reader-orange pixels").isGreaterThan(300);
    assertThat(faultRed).as("fault-red pixels").isGreaterThan(100);
    System.out.println("DrillIT screenshot: " + png.toAbsolutePath());
  }

  private static boolean near(int rgb, int target) {
    int dr = ((rgb >> 16) & 0xff) - ((target >> 16) & 0xff);
    int dg = ((rgb >> 8) & 0xff) - ((target >> 8) & 0xff);
    int db = (rgb & 0xff) - (target & 0xff);
    return dr * dr + dg * dg + db * db < 30 * 30;
  }

  private static Optional<TopologyEvent> first(List<TopologyEvent> events, TopologyEvent.Type type, String node, long since) {
    return events.stream().filter(e -> e.type() == type && node.equals(e.node()) && e.timestamp() >= since).findFirst();
  }
}
