package io.failoverlab.drill;

import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.IncidentReport.Milestones;
import io.failoverlab.measure.FailoverRecord;
import io.failoverlab.measure.Stats;
import io.failoverlab.measure.TextTable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * report.html: one self-contained page (inline CSS and SVG, no script, font or image to fetch) with
 * the verdict, the thresholds, the timeline chart, the failover table with its summary, each
 * failover's phases relative to its fault, and the errors by service and type.
 */
public final class DrillHtml {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  private static final String CSS = """
      body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 24px; color: #222; }
      h1 { font-size: 22px; margin: 0 0 8px 0; }
      h2 { font-size: 17px; margin: 28px 0 8px 0; }
      .verdict { display: inline-block; padding: 2px 10px; border-radius: 4px; color: #fff; }
      .passed { background: #2a9d3a; } .threshold_missed, .failed { background: #c0392b; }
      .error { border: 1px solid #c0392b; background: #fdecea; padding: 8px 12px; margin: 12px 0; }
      table { border-collapse: collapse; font-size: 13px; }
      th, td { border: 1px solid #ccc; padding: 4px 8px; }
      td { white-space: nowrap; }
      th { background: #f0f0f0; text-align: left; }
      td.num { text-align: right; font-variant-numeric: tabular-nums; }
      tr.summary td { background: #f7f7f7; font-weight: bold; }
      td.missed { color: #c0392b; font-weight: bold; } td.met { color: #2a9d3a; }
      .note { color: #555; font-size: 12px; }
      .chart { border: 1px solid #ddd; display: inline-block; }
      """;

  private DrillHtml() {
  }

  public static String render(DrillReport report) {
    StringBuilder html = new StringBuilder(64 * 1024);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>failover-lab drill report</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    header(html, report);
    thresholds(html, report);
    html.append("<h2>Timeline</h2>\n<div class=\"chart\">\n").append(TimelineSvg.render(report.timeline(), report.rows()))
        .append("</div>\n");
    if (report.timeline().droppedPoints() > 0) {
      html.append("<p class=\"note\">The oldest ").append(report.timeline().droppedPoints())
          .append(" per-second samples were dropped (the chart keeps the last hour).</p>\n");
    }
    failoverTable(html, report);
    phases(html, report);
    explanations(html, report);
    errors(html, report);
    if (report.clients().any()) {
      clients(html, report);
    }
    html.append("<p class=\"note\">Clock: ").append(Html.escape(report.clock()))
        .append(report.clock().endsWith(".") ? "" : ".").append(" Raw data: report.json.</p>\n");
    html.append("</body>\n</html>\n");
    return html.toString();
  }

  private static void header(StringBuilder html, DrillReport report) {
    String status = report.status();
    html.append("<h1>Failover drill <span class=\"verdict ").append(Html.escape(status)).append("\">")
        .append(Html.escape(status.replace('_', ' ').toUpperCase(java.util.Locale.ROOT))).append("</span></h1>\n");
    var settings = report.settings();
    html.append("<p>").append(report.rows().size()).append(" of ").append(settings.getInteger("failovers", 0))
        .append(" failovers completed; action <b>").append(Html.escape(settings.getString("action")))
        .append("</b>, target <b>").append(Html.escape(settings.getString("target"))).append("</b>, ")
        .append(Html.escape(settings.getString("mode"))).append(" cluster <b>")
        .append(Html.escape(settings.getString("cluster", settings.getString("redisNodes")))).append("</b>")
        .append(settings.getInteger("nodeTimeoutMs") == null ? ""
            : ", cluster-node-timeout " + settings.getInteger("nodeTimeoutMs") + " ms")
        .append(settings.getInteger("hangSeconds") == null ? "" : ", hang " + settings.getInteger("hangSeconds") + " s")
        .append(".<br>Started ").append(Html.escape(Instant.ofEpochMilli(report.startedAt())))
        .append(", finished ").append(Html.escape(Instant.ofEpochMilli(report.finishedAt())))
        .append(" (").append((report.finishedAt() - report.startedAt()) / 1000).append(" s).</p>\n");
    if (report.error() != null) {
      html.append("<div class=\"error\"><b>The drill did not complete:</b> ").append(Html.escape(report.error()))
          .append("</div>\n");
    }
  }

  private static void thresholds(StringBuilder html, DrillReport report) {
    html.append("<h2>Thresholds</h2>\n");
    if (report.thresholds().isEmpty()) {
      html.append("<p class=\"note\">None set (--max-unavailability-ms, --max-lost-writes, --max-healthy-shard-errors).</p>\n");
      return;
    }
    html.append("<table>\n<tr><th>option</th><th>measure</th><th>limit</th><th>actual</th><th>result</th></tr>\n");
    for (ThresholdCheck check : report.thresholds()) {
      html.append("<tr><td>").append(Html.escape(check.option())).append("</td><td>").append(Html.escape(check.measure()))
          .append(check.worstFailover() == null ? "" : " (failover " + check.worstFailover() + ")")
          .append("</td><td class=\"num\">").append(check.limit()).append("</td><td class=\"num\">").append(check.actual())
          .append("</td><td class=\"").append(check.passed() ? "met\">met" : "missed\">missed").append("</td></tr>\n");
    }
    html.append("</table>\n");
  }

  private static void failoverTable(StringBuilder html, DrillReport report) {
    html.append("<h2>Failovers</h2>\n<table id=\"failovers\">\n<tr><th>#</th><th>action</th><th>target</th>")
        .append("<th>shard</th><th>failed</th><th>promoted</th><th>incident</th>");
    for (DrillReport.Measure measure : DrillReport.MEASURES) {
      html.append("<th>").append(Html.escape(measure.title())).append("</th>");
    }
    html.append("<th>unknown-outcome writes</th></tr>\n");
    for (FailoverRecord row : report.rows()) {
      IncidentReport incident = row.incident();
      html.append("<tr><td class=\"num\">").append(row.index()).append("</td>");
      for (String text : List.of(row.action(), nz(row.target()), nz(row.shard()),
          nz(incident == null ? null : incident.failedNode()), nz(row.promoted()),
          nz(incident == null ? null : incident.id()))) {
        html.append("<td>").append(Html.escape(text)).append("</td>");
      }
      for (DrillReport.Measure measure : DrillReport.MEASURES) {
        html.append(num(measure.value().apply(row)));
      }
      html.append(num(row.unknownOutcomeWrites())).append("</tr>\n");
    }
    Map<String, Stats> summary = report.summary();
    for (String statistic : Stats.STATISTICS) {
      html.append("<tr class=\"summary\"><td colspan=\"7\">").append(statistic).append("</td>");
      for (DrillReport.Measure measure : DrillReport.MEASURES) {
        html.append(num(summary.get(measure.name()).whole(statistic)));
      }
      html.append("<td></td></tr>\n");
    }
    html.append("</table>\n<p class=\"note\">detection: fault to FAIL agreed; election: FAIL to promotion; ")
        .append("client recovery: promotion to the writer's first success on the failed shard; write unavailability: ")
        .append("the writer's first failure to its first success on that shard. p95 is nearest-rank.</p>\n");
  }

  private static void phases(StringBuilder html, DrillReport report) {
    html.append("<h2>Phases (ms after the fault)</h2>\n<table id=\"phases\">\n<tr><th>#</th><th>fault at (UTC)</th>")
        .append("<th>first client error</th><th>PFAIL seen</th><th>FAIL agreed</th><th>promoted</th><th>cluster ok</th>")
        .append("<th>writer recovered</th><th>reader recovered</th><th>incident closed</th><th>restarted</th>")
        .append("<th>healthy again</th><th>precision: PFAIL / FAIL / promoted</th></tr>\n");
    for (FailoverRecord row : report.rows()) {
      Milestones m = row.milestones();
      html.append("<tr><td class=\"num\">").append(row.index()).append("</td><td>")
          .append(Html.escape(TIME.format(Instant.ofEpochMilli(row.faultAt())))).append("</td>");
      for (Long at : java.util.Arrays.asList(m.firstClientErrorAt(), m.suspectedAt(), m.failAgreedAt(), m.promotedAt(),
          m.clusterOkAt(),
          m.writerRecoveredAt(), m.readerRecoveredAt(), row.incident() == null ? null : row.incident().closedAt(),
          row.restoredAt(), row.healthyAt())) {
        html.append(at == null ? "<td class=\"num\">-</td>" : "<td class=\"num\">" + signed(at - row.faultAt()) + "</td>");
      }
      Map<String, Long> precision = row.incident() == null ? Map.of() : row.incident().milestonePrecisionMs();
      html.append("<td class=\"num\">");
      String separator = "";
      for (String milestone : List.of("suspectedAt", "failAgreedAt", "promotedAt")) {
        Long ms = precision.get(milestone);
        html.append(separator).append(ms == null ? "-" : ms + " ms");
        separator = " / ";
      }
      html.append("</td></tr>\n");
    }
    html.append("</table>\n<p class=\"note\">Precision: how late a topology milestone may be stamped, the period of ")
        .append("the monitor's probe of the failed shard that saw it (a few ms), or of its poll where the probe did not.")
        .append("</p>\n");
  }

  /** Each incident's own account of what happened, in words. */
  private static void explanations(StringBuilder html, DrillReport report) {
    html.append("<h2>What happened</h2>\n<dl id=\"explanations\">\n");
    for (FailoverRecord row : report.rows()) {
      html.append("<dt>failover ").append(row.index()).append("</dt><dd>");
      List<String> lines = row.incident() == null ? List.of("no incident") : row.incident().explanation();
      html.append(Html.escape(String.join(" ", lines))).append("</dd>\n");
    }
    html.append("</dl>\n");
  }

  private static void errors(StringBuilder html, DrillReport report) {
    html.append("<h2>Errors by service and type</h2>\n<table id=\"errors\">\n<tr><th>#</th><th>service</th>")
        .append("<th>command errors by type</th><th>healthy-shard errors</th></tr>\n");
    for (FailoverRecord row : report.rows()) {
      if (row.incident() == null) {
        continue;
      }
      Map<String, Map<String, Long>> byService = new java.util.TreeMap<>(Timeline::serviceOrder);
      byService.putAll(row.incident().errorsByService());
      for (Map.Entry<String, Map<String, Long>> service : byService.entrySet()) {
        StringBuilder types = new StringBuilder();
        new java.util.TreeMap<>(service.getValue()).forEach((type, count) ->
            types.append(types.length() == 0 ? "" : ", ").append(type).append(' ').append(count));
        html.append("<tr><td class=\"num\">").append(row.index()).append("</td><td>").append(Html.escape(service.getKey()))
            .append("</td><td>").append(Html.escape(types)).append("</td>")
            .append(num(row.incident().healthyShardErrors().get(service.getKey()))).append("</tr>\n");
      }
    }
    html.append("</table>\n");
  }

  /** The clients under test, as the text report prints them (one row per client and configuration). */
  private static void clients(StringBuilder html, DrillReport report) {
    TextTable table = report.clientTable();
    html.append("<h2>Clients under test</h2>\n<table id=\"clients\">\n<tr>");
    table.header().forEach(title -> html.append("<th>").append(Html.escape(title)).append("</th>"));
    html.append("</tr>\n");
    for (List<String> row : table.rows()) {
      html.append("<tr>");
      for (int i = 0; i < row.size(); i++) {
        html.append(i < 2 ? "<td>" : "<td class=\"num\">").append(Html.escape(row.get(i))).append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</table>\n");
    for (String note : table.notes()) {
      html.append("<p class=\"note\">").append(Html.escape(note)).append("</p>\n");
    }
  }

  private static String nz(String value) {
    return value == null ? "-" : value;
  }

  private static String num(Long value) {
    return "<td class=\"num\">" + (value == null ? "-" : value.toString()) + "</td>";
  }

  private static String signed(long value) {
    return value >= 0 ? "+" + value : Long.toString(value);
  }
}
