package io.failoverlab.drill;

import io.failoverlab.common.contract.ServiceName;
import io.failoverlab.drill.Timeline.Marker;
import io.failoverlab.drill.Timeline.MarkerKind;
import io.failoverlab.drill.Timeline.Point;
import io.failoverlab.measure.FailoverRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The drill's timeline as inline SVG: operations/s (top panel) and failed operations/s (bottom panel)
 * per service over the whole drill, with a vertical line at every fault, FAIL, promotion, cluster ok
 * and restart, and each failover's number above its fault. Drawn here by hand because the report must
 * open anywhere without scripts or downloads; every text goes through {@link Html#escape}.
 */
final class TimelineSvg {

  static final int WIDTH = 1200;
  private static final int LEFT = 64;
  private static final int RIGHT = 24;
  private static final int TOP = 64;
  private static final int OPS_HEIGHT = 210;
  private static final int GAP = 44;
  private static final int ERR_HEIGHT = 170;
  private static final int BOTTOM = 48;
  static final int HEIGHT = TOP + OPS_HEIGHT + GAP + ERR_HEIGHT + BOTTOM;
  private static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;
  private static final long MIN_SPAN_MS = 10_000;
  private static final java.time.format.DateTimeFormatter CLOCK =
      java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss").withZone(java.time.ZoneOffset.UTC);

  private static final Map<String, String> SERVICE_COLORS = Map.of(ServiceName.WRITER.label(), "#1f5fbf",
      ServiceName.READER.label(), "#e07b00");
  private static final String OTHER_SERVICE_COLOR = "#555555";

  private record Style(String color, String dash, double width) {
  }

  private static final Map<MarkerKind, Style> MARKER_STYLES = Map.of(
      MarkerKind.FAULT, new Style("#d62728", "", 2.0),
      MarkerKind.NODE_FAIL, new Style("#8e44ad", "6 3", 1.5),
      MarkerKind.PROMOTED, new Style("#2a9d3a", "", 1.5),
      MarkerKind.CLUSTER_OK, new Style("#6b6b6b", "2 3", 1.5),
      MarkerKind.RESTART, new Style("#8c564b", "8 3 2 3", 1.5));

  private TimelineSvg() {
  }

  static String render(Timeline.Data data, List<FailoverRecord> rows) {
    List<Point> points = data.points().stream().sorted(Comparator.comparingLong(Point::timestamp)).toList();
    List<Marker> markers = dedupe(data.markers());
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (Point point : points) {
      start = Math.min(start, point.timestamp() - point.intervalMs());
      end = Math.max(end, point.timestamp());
    }
    for (Marker marker : markers) {
      start = Math.min(start, marker.timestamp());
      end = Math.max(end, marker.timestamp());
    }
    StringBuilder svg = new StringBuilder();
    svg.append("<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
        .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"Operations and errors per second per service during the drill\" "
            + "font-family=\"DejaVu Sans, Liberation Sans, Arial, sans-serif\" font-size=\"12\">\n");
    svg.append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
        .append("\" fill=\"#ffffff\"/>\n");
    if (start == Long.MAX_VALUE) {
      svg.append("<text x=\"").append(WIDTH / 2).append("\" y=\"").append(HEIGHT / 2)
          .append("\" text-anchor=\"middle\" fill=\"#666\">no client stats were recorded</text>\n</svg>\n");
      return svg.toString();
    }
    if (end - start < MIN_SPAN_MS) {
      end = start + MIN_SPAN_MS;
    }
    Axis time = new Axis(start, end);
    List<String> services = data.services();

    legend(svg, services);
    int opsTop = TOP;
    int errTop = TOP + OPS_HEIGHT + GAP;
    panel(svg, "ops", "operations/s (succeeded)", opsTop, OPS_HEIGHT, time, points, services, Point::succeeded);
    panel(svg, "errors", "errors/s (failed operations, after retries)", errTop, ERR_HEIGHT, time, points, services,
        Point::failed);
    timeAxis(svg, time, errTop + ERR_HEIGHT);
    markers(svg, markers, time, List.of(new int[] {opsTop, opsTop + OPS_HEIGHT}, new int[] {errTop, errTop + ERR_HEIGHT}));
    faultLabels(svg, rows, time, opsTop);
    svg.append("</svg>\n");
    return svg.toString();
  }

  /** Maps epoch ms to x. */
  private record Axis(long start, long end) {
    double x(long t) {
      return LEFT + (t - start) * (double) PLOT_WIDTH / (end - start);
    }
  }

  private static void legend(StringBuilder svg, List<String> services) {
    double x = LEFT;
    int y = 18;
    for (String service : services) {
      String color = serviceColor(service);
      svg.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(y - 4).append("\" x2=\"").append(fmt(x + 22))
          .append("\" y2=\"").append(y - 4).append("\" stroke=\"").append(color).append("\" stroke-width=\"2.5\"/>");
      svg.append("<text x=\"").append(fmt(x + 28)).append("\" y=\"").append(y).append("\">")
          .append(Html.escape(service)).append("</text>\n");
      x += 40 + 8 * service.length();
    }
    x += 20;
    for (MarkerKind kind : MarkerKind.values()) {
      Style style = MARKER_STYLES.get(kind);
      svg.append("<line x1=\"").append(fmt(x + 6)).append("\" y1=\"").append(y - 13).append("\" x2=\"")
          .append(fmt(x + 6)).append("\" y2=\"").append(y + 4).append("\"").append(stroke(style)).append("/>");
      svg.append("<text x=\"").append(fmt(x + 14)).append("\" y=\"").append(y).append("\">")
          .append(Html.escape(kind.label())).append("</text>\n");
      x += 30 + 7.5 * kind.label().length();
    }
  }

  private static void panel(StringBuilder svg, String id, String title, int top, int height, Axis time,
                            List<Point> points, List<String> services, ToLongFunction<Point> count) {
    double max = 0;
    for (Point point : points) {
      max = Math.max(max, point.perSecond(count.applyAsLong(point)));
    }
    double step = niceStep(Math.max(max, 1) / 4);
    double ceiling = Math.max(step, Math.ceil(max / step) * step);
    svg.append("<g class=\"panel\" id=\"panel-").append(id).append("\">\n");
    svg.append("<text x=\"").append(LEFT).append("\" y=\"").append(top - 8)
        .append("\" font-weight=\"bold\">").append(Html.escape(title)).append("</text>\n");
    svg.append("<rect x=\"").append(LEFT).append("\" y=\"").append(top).append("\" width=\"").append(PLOT_WIDTH)
        .append("\" height=\"").append(height).append("\" fill=\"#fafafa\" stroke=\"#999\" stroke-width=\"1\"/>\n");
    for (double v = 0; v <= ceiling + step / 2; v += step) {
      double y = top + height - v / ceiling * height;
      svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(fmt(y)).append("\" x2=\"")
          .append(LEFT + PLOT_WIDTH).append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#e3e3e3\"/>");
      svg.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(y + 4))
          .append("\" text-anchor=\"end\" fill=\"#444\">").append(number(v)).append("</text>\n");
    }
    for (long tick : timeTicks(time)) {
      double x = time.x(tick);
      svg.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(top).append("\" x2=\"").append(fmt(x))
          .append("\" y2=\"").append(top + height).append("\" stroke=\"#eeeeee\"/>\n");
    }
    for (int s = 0; s < services.size(); s++) {
      String service = services.get(s);
      // Each later line is thinner, so where two services draw the same values (writer and reader at
      // the same rate, as in every drill) both stay visible: 5 px under 2 px leaves a 1.5 px edge each
      // side. With 4 under 2.5 the edge was under a pixel, blended by antialiasing into a faint line.
      String width = fmt(Math.max(1.5, 5.0 - 3.0 * s));
      StringBuilder coords = new StringBuilder();
      int n = 0;
      for (Point point : points) {
        if (!point.service().equals(service)) {
          continue;
        }
        double y = top + height - point.perSecond(count.applyAsLong(point)) / ceiling * height;
        coords.append(n++ == 0 ? "" : " ").append(fmt(time.x(point.timestamp()))).append(',').append(fmt(y));
      }
      svg.append("<polyline class=\"series\" data-service=\"").append(Html.escape(service))
          .append("\" data-measure=\"").append(id).append("\" fill=\"none\" stroke=\"").append(serviceColor(service))
          .append("\" stroke-width=\"").append(width).append("\" stroke-linejoin=\"round\" points=\"").append(coords).append("\">")
          .append("<title>").append(Html.escape(service + " " + title)).append("</title></polyline>\n");
    }
    svg.append("</g>\n");
  }

  private static void timeAxis(StringBuilder svg, Axis time, int bottom) {
    for (long tick : timeTicks(time)) {
      double x = time.x(tick);
      svg.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(bottom).append("\" x2=\"").append(fmt(x))
          .append("\" y2=\"").append(bottom + 5).append("\" stroke=\"#666\"/>");
      svg.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(bottom + 18)
          .append("\" text-anchor=\"middle\" fill=\"#444\">").append(elapsed(tick - time.start())).append("</text>\n");
    }
    svg.append("<text x=\"").append(LEFT + PLOT_WIDTH / 2).append("\" y=\"").append(bottom + 38)
        .append("\" text-anchor=\"middle\" fill=\"#444\">time since ")
        .append(CLOCK.format(java.time.Instant.ofEpochMilli(time.start()))).append(" UTC (m:ss)</text>\n");
  }

  /** A vertical line per marker in each panel ({@code spans}: top and bottom y), with its story as tooltip. */
  private static void markers(StringBuilder svg, List<Marker> markers, Axis time, List<int[]> spans) {
    svg.append("<g class=\"markers\">\n");
    for (Marker marker : markers) {
      Style style = MARKER_STYLES.get(marker.kind());
      double x = time.x(marker.timestamp());
      String title = Html.escape(marker.kind().label() + " at +" + elapsed(marker.timestamp() - time.start())
          + (marker.node() == null ? "" : " " + marker.node())
          + (marker.description() == null ? "" : ": " + marker.description()));
      for (int[] span : spans) {
        svg.append("<line class=\"marker marker-").append(marker.kind().key()).append("\" x1=\"").append(fmt(x))
            .append("\" y1=\"").append(span[0]).append("\" x2=\"").append(fmt(x)).append("\" y2=\"").append(span[1])
            .append("\"").append(stroke(style)).append("><title>").append(title).append("</title></line>\n");
      }
    }
    svg.append("</g>\n");
  }

  /** "#1 crash 127.0.0.1:7000" above each fault, or just "#1" when faults are too close for the long form. */
  private static void faultLabels(StringBuilder svg, List<FailoverRecord> rows, Axis time, int top) {
    double closest = Double.MAX_VALUE;
    for (int i = 1; i < rows.size(); i++) {
      closest = Math.min(closest, Math.abs(time.x(rows.get(i).faultAt()) - time.x(rows.get(i - 1).faultAt())));
    }
    boolean longForm = closest > 190;
    double lastEnd = Double.NEGATIVE_INFINITY;
    for (FailoverRecord row : rows) {
      double x = time.x(row.faultAt());
      if (x < LEFT || x > LEFT + PLOT_WIDTH) {
        continue;
      }
      String label = "#" + row.index() + (longForm ? " " + row.action() + " " + row.target() : "");
      if (x - 3 < lastEnd) {
        continue; // would overlap the previous label: the line and its tooltip still show it
      }
      svg.append("<text class=\"fault-label\" x=\"").append(fmt(x + 3)).append("\" y=\"").append(top - 24)
          .append("\" fill=\"#d62728\" font-weight=\"bold\">").append(Html.escape(label)).append("</text>\n");
      lastEnd = x + 3 + 7.2 * label.length();
    }
  }

  /** One CLUSTER_OK line per moment: the monitor may report state ok and slots covered at the same poll. */
  private static List<Marker> dedupe(List<Marker> markers) {
    Set<String> seen = new HashSet<>();
    List<Marker> kept = new ArrayList<>();
    for (Marker marker : markers) {
      if (seen.add(marker.kind() + "@" + marker.timestamp() + "@" + (marker.kind() == MarkerKind.CLUSTER_OK ? "" : marker.node()))) {
        kept.add(marker);
      }
    }
    return kept;
  }

  private static List<Long> timeTicks(Axis time) {
    long span = time.end() - time.start();
    long[] steps = {1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000,
        1_800_000, 3_600_000};
    long step = steps[steps.length - 1];
    for (long candidate : steps) {
      if (span / candidate <= 12) {
        step = candidate;
        break;
      }
    }
    List<Long> ticks = new ArrayList<>();
    for (long t = 0; t <= span; t += step) {
      ticks.add(time.start() + t);
    }
    return ticks;
  }

  static double niceStep(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double normalized = raw / magnitude;
    double nice = normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10;
    return nice * magnitude;
  }

  static String elapsed(long ms) {
    long seconds = Math.max(0, ms) / 1000;
    return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
  }

  private static String serviceColor(String service) {
    return SERVICE_COLORS.getOrDefault(service, OTHER_SERVICE_COLOR);
  }

  private static String stroke(Style style) {
    return " stroke=\"" + style.color() + "\" stroke-width=\"" + style.width() + "\""
        + (style.dash().isEmpty() ? "" : " stroke-dasharray=\"" + style.dash() + "\"");
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
