package io.failoverlab.bench;

import io.failoverlab.bench.FailoverTiming.Phase;
import io.failoverlab.bench.TimingPhase.PointResult;
import io.failoverlab.measure.Stats;
import io.failoverlab.measure.TextTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * timing.html: the timing curve as one self-contained page (inline SVG and CSS, no script, nothing
 * fetched): a log-log chart of each phase's median (whisker to its p95) against the node timeout,
 * over the specification's window shaded in the phase's colour, then the three tables.
 */
final class TimingHtml {

  static final String FILE_NAME = "timing.html";

  /** The phases drawn (PFAIL lies under detection at this scale; it is in the tables). */
  static final List<Phase> CHARTED = List.of(Phase.DETECTION, Phase.ELECTION, Phase.WRITABLE, Phase.TOTAL);
  private static final List<String> COLOURS = List.of("#1f77b4", "#2ca02c", "#9467bd", "#d62728");

  private static final int WIDTH = 860;
  private static final int HEIGHT = 480;
  private static final int LEFT = 70;
  private static final int RIGHT = 190;
  private static final int TOP = 30;
  private static final int BOTTOM = 50;
  /** Log axes cannot show 0: a value under 1 ms is drawn at 1 ms. */
  private static final double FLOOR_MS = 1;

  private static final String CSS = """
      body { font-family: sans-serif; margin: 2em; color: #222; }
      table { border-collapse: collapse; margin: 1em 0 0.5em; font-size: 13px; }
      th, td { border: 1px solid #ccc; padding: 2px 8px; }
      td.n { text-align: right; font-variant-numeric: tabular-nums; }
      tr.summary td { background: #f4f4f4; }
      p.note { font-size: 12px; color: #555; margin: 0.1em 0; }
      svg text { font-size: 12px; }
      """;

  private TimingHtml() {
  }

  /** Writes {@code dir}/timing.html (creating dir); returns its path. */
  static Path write(Path dir, TimingPhase.Result result, List<TextTable> tables) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE_NAME);
    Files.writeString(file, render(result, tables), StandardCharsets.UTF_8);
    return file;
  }

  static String render(TimingPhase.Result result, List<TextTable> tables) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>failover-lab: failover timing against cluster-node-timeout</title>\n<style>\n").append(CSS)
        .append("</style>\n</head>\n<body>\n<h1>Failover timing against cluster-node-timeout</h1>\n")
        .append("<p>Each point: a fresh local cluster and ").append(result.options().failovers())
        .append(" crash failovers. Milliseconds after the SIGKILL, as the bench's probe saw them.</p>\n")
        .append(chart(result));
    for (TextTable table : tables) {
      html.append(table(table));
    }
    return html.append("</body>\n</html>\n").toString();
  }

  /** The SVG chart of the node-timeout axis. */
  static String chart(TimingPhase.Result result) {
    List<PointResult> points = result.options().timeoutAxis().stream().map(result::of).toList();
    double xMin = points.stream().mapToDouble(p -> p.point().nodeTimeoutMs()).min().orElse(100) / 1.4;
    double xMax = points.stream().mapToDouble(p -> p.point().nodeTimeoutMs()).max().orElse(1000) * 1.4;
    double highest = 10;
    for (PointResult point : points) {
      for (Phase phase : CHARTED) {
        highest = Math.max(highest, point.window(phase).to());
        Stats stats = point.stats(phase);
        highest = Math.max(highest, stats.p95() == null ? 0 : stats.p95());
      }
    }
    double yMax = Math.pow(10, Math.ceil(Math.log10(highest * 1.2)));
    Scale scale = new Scale(xMin, xMax, FLOOR_MS, yMax);
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
        .append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"failover phases against cluster-node-timeout\">\n")
        .append("<title>Failover phases against cluster-node-timeout (log-log): median, whisker to p95, "
            + "shaded: the specification's window</title>\n");
    axes(svg, scale, points);
    for (int i = 0; i < CHARTED.size(); i++) {
      band(svg, scale, points, CHARTED.get(i), COLOURS.get(i));
    }
    for (int i = 0; i < CHARTED.size(); i++) {
      series(svg, scale, points, CHARTED.get(i), COLOURS.get(i));
    }
    legend(svg);
    return svg.append("</svg>\n").toString();
  }

  /** Log-log mapping of (node timeout, ms) to the plot area. */
  private record Scale(double xMin, double xMax, double yMin, double yMax) {

    double x(double nodeTimeout) {
      return LEFT + (Math.log10(nodeTimeout) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))
          * (WIDTH - LEFT - RIGHT);
    }

    double y(double ms) {
      double clamped = Math.max(yMin, Math.min(yMax, ms));
      return HEIGHT - BOTTOM - (Math.log10(clamped) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))
          * (HEIGHT - TOP - BOTTOM);
    }
  }

  private static void axes(StringBuilder svg, Scale scale, List<PointResult> points) {
    int bottom = HEIGHT - BOTTOM;
    svg.append(line(LEFT, TOP, LEFT, bottom, "#333")).append(line(LEFT, bottom, WIDTH - RIGHT, bottom, "#333"));
    for (double ms = scale.yMin(); ms <= scale.yMax() * 1.001; ms *= 10) {
      double y = scale.y(ms);
      svg.append(line(LEFT, y, WIDTH - RIGHT, y, "#eee")).append(text(LEFT - 6, y + 4, "end", label(ms)));
    }
    for (PointResult point : points) {
      double x = scale.x(point.point().nodeTimeoutMs());
      svg.append(line(x, TOP, x, bottom, "#eee"))
          .append(text(x, bottom + 16, "middle", Integer.toString(point.point().nodeTimeoutMs())));
    }
    svg.append(text((LEFT + WIDTH - RIGHT) / 2.0, HEIGHT - 12, "middle", "cluster-node-timeout (ms, log)"))
        .append("<text x=\"16\" y=\"").append(fmt((TOP + bottom) / 2.0))
        .append("\" text-anchor=\"middle\" transform=\"rotate(-90 16 ").append(fmt((TOP + bottom) / 2.0))
        .append(")\">ms after the kill / phase length (log)</text>\n");
  }

  /** The window as a shaded polygon: its upper edge left to right, its lower edge back. */
  private static void band(StringBuilder svg, Scale scale, List<PointResult> points, Phase phase, String colour) {
    List<String> upper = new ArrayList<>();
    List<String> lower = new ArrayList<>();
    for (PointResult point : points) {
      double x = scale.x(point.point().nodeTimeoutMs());
      SpecWindow window = point.window(phase);
      upper.add(fmt(x) + "," + fmt(scale.y(window.to())));
      lower.add(0, fmt(x) + "," + fmt(scale.y(window.from())));
    }
    upper.addAll(lower);
    svg.append("<polygon class=\"window ").append(phase.key()).append("\" points=\"").append(String.join(" ", upper))
        .append("\" fill=\"").append(colour).append("\" fill-opacity=\"0.13\" stroke=\"none\"/>\n");
  }

  /** Medians joined by a line, a whisker from each median to its p95, a ring where the median left the window. */
  private static void series(StringBuilder svg, Scale scale, List<PointResult> points, Phase phase, String colour) {
    List<String> medians = new ArrayList<>();
    StringBuilder marks = new StringBuilder();
    for (PointResult point : points) {
      Stats stats = point.stats(phase);
      if (stats.median() == null) {
        continue;
      }
      double x = scale.x(point.point().nodeTimeoutMs());
      double y = scale.y(stats.median());
      double p95 = scale.y(stats.p95());
      medians.add(fmt(x) + "," + fmt(y));
      boolean outside = point.window(phase).compare(Math.round(stats.median())) != 0;
      marks.append(line(x, y, x, p95, colour)).append(line(x - 4, p95, x + 4, p95, colour))
          .append("<circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(y)).append("\" r=\"")
          .append(outside ? "5" : "3.5").append("\" fill=\"").append(colour).append('"')
          .append(outside ? " stroke=\"#000\" stroke-width=\"2\"" : "").append("><title>")
          .append(escape(phase.label + " at " + point.point().nodeTimeoutMs() + " ms: median " + TextTable.ms(stats.median())
              + ", p95 " + TextTable.ms(stats.p95()) + ", expected " + point.window(phase)
              + (outside ? " (median outside)" : "")))
          .append("</title></circle>\n");
    }
    if (medians.size() > 1) {
      svg.append("<polyline class=\"median ").append(phase.key()).append("\" points=\"")
          .append(String.join(" ", medians)).append("\" fill=\"none\" stroke=\"").append(colour)
          .append("\" stroke-width=\"2\"/>\n");
    }
    svg.append(marks);
  }

  private static void legend(StringBuilder svg) {
    double x = WIDTH - RIGHT + 20;
    double y = TOP + 10;
    for (int i = 0; i < CHARTED.size(); i++) {
      String colour = COLOURS.get(i);
      svg.append("<rect x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y - 9)).append("\" width=\"22\" height=\"12\" ")
          .append("fill=\"").append(colour).append("\" fill-opacity=\"0.13\"/>")
          .append(line(x, y - 3, x + 22, y - 3, colour)).append(text(x + 28, y + 1, "start", CHARTED.get(i).label));
      y += 22;
    }
    svg.append(text(x, y + 6, "start", "line: median; whisker: p95"))
        .append(text(x, y + 22, "start", "shade: the spec's window"))
        .append(text(x, y + 38, "start", "ringed: median outside it"))
        .append(text(x, y + 54, "start", "values < 1 ms drawn at 1 ms"));
  }

  /** A text table as an HTML table: title as caption, summary rows shaded, notes under it. */
  static String table(TextTable table) {
    StringBuilder html = new StringBuilder("<table>\n");
    if (table.title() != null) {
      html.append("<caption><strong>").append(escape(table.title())).append("</strong></caption>\n");
    }
    html.append("<tr>");
    table.header().forEach(cell -> html.append("<th>").append(escape(cell)).append("</th>"));
    html.append("</tr>\n");
    table.rows().forEach(row -> html.append(row(row, "")));
    table.summaryRows().forEach(row -> html.append(row(row, " class=\"summary\"")));
    html.append("</table>\n");
    table.notes().forEach(note -> html.append("<p class=\"note\">").append(escape(note)).append("</p>\n"));
    return html.toString();
  }

  private static String row(List<String> cells, String attributes) {
    StringBuilder html = new StringBuilder("<tr").append(attributes).append('>');
    for (String cell : cells) {
      boolean number = !cell.isEmpty() && (Character.isDigit(cell.charAt(0)) || cell.equals("-"));
      html.append(number ? "<td class=\"n\">" : "<td>").append(escape(cell)).append("</td>");
    }
    return html.append("</tr>\n").toString();
  }

  /** Text and attribute values put into the page. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String line(double x1, double y1, double x2, double y2, String colour) {
    return "<line x1=\"" + fmt(x1) + "\" y1=\"" + fmt(y1) + "\" x2=\"" + fmt(x2) + "\" y2=\"" + fmt(y2)
        + "\" stroke=\"" + colour + "\"/>\n";
  }

  private static String text(double x, double y, String anchor, String text) {
    return "<text x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\" text-anchor=\"" + anchor + "\">" + escape(text) + "</text>\n";
  }

  private static String label(double ms) {
    return ms >= 1000 ? fmt(ms / 1000) + " s" : fmt(ms) + " ms";
  }

  private static String fmt(double value) {
    String text = String.format(Locale.ROOT, "%.1f", value);
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }
}
