package io.failoverlab.bench;

import static io.failoverlab.measure.TextTable.ms;

import io.failoverlab.bench.BenchTables.Checked;
import io.failoverlab.bench.FailoverTiming.Phase;
import io.failoverlab.bench.TimingPhase.PointResult;
import io.failoverlab.measure.Stats;
import io.failoverlab.measure.TextTable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The timing curve's three tables, one per axis: for each point and phase, min / median / p95 / max
 * over its failovers beside the window the specification allows ({@link SpecWindow}), and how many
 * failovers fell outside it. Figures, not targets: nothing here is met or missed. Pure: no I/O.
 */
final class TimingTables {

  private TimingTables() {
  }

  static Checked nodeTimeouts(TimingPhase.Result result) {
    TimingOptions options = result.options();
    return table(result, "10. Failover timing against cluster-node-timeout (ms; shape " + options.shapes().get(0)
        + ", redis-server " + options.servers().get(0) + ")", "node timeout", options.timeoutAxis(),
        point -> point.point().nodeTimeoutMs() + " ms", true);
  }

  static Checked servers(TimingPhase.Result result) {
    TimingOptions options = result.options();
    return table(result, "10b. Failover timing by redis-server (ms; node timeout " + options.axisNodeTimeoutMs()
        + " ms, shape " + options.shapes().get(0) + ")", "redis-server", options.serverAxis(),
        point -> point.point().server() + (point.binary() == null ? "" : " " + point.binary().split(" ")[0]), false);
  }

  static Checked shapes(TimingPhase.Result result) {
    TimingOptions options = result.options();
    return table(result, "10c. Failover timing by cluster shape (ms; node timeout " + options.axisNodeTimeoutMs()
        + " ms, redis-server " + options.servers().get(0) + ")", "masters x replicas", options.shapeAxis(),
        point -> point.point().shape().toString(), false);
  }

  /** "2 above", "1 below, 2 above", or "-" when every failover was inside the window. */
  static String outside(PointResult point, Phase phase) {
    SpecWindow window = point.window(phase);
    int below = 0;
    int above = 0;
    for (FailoverTiming failover : point.failovers()) {
      Long value = phase.of(failover);
      if (value != null) {
        int side = window.compare(value);
        below += side < 0 ? 1 : 0;
        above += side > 0 ? 1 : 0;
      }
    }
    List<String> parts = new ArrayList<>();
    if (below > 0) {
      parts.add(below + " below");
    }
    if (above > 0) {
      parts.add(above + " above");
    }
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }

  /** The median, marked with '*' when it is outside the window. */
  static String median(PointResult point, Phase phase) {
    Double median = point.stats(phase).median();
    if (median == null) {
      return "-";
    }
    return ms(median) + (point.window(phase).compare(Math.round(median)) == 0 ? "" : "*");
  }

  private static Checked table(TimingPhase.Result result, String title, String axis, List<TimingPoint> points,
                               Function<PointResult, String> label, boolean explain) {
    TextTable table = new TextTable(title, 2, axis, "phase", "failovers", "min", "median", "p95", "max", "expected",
        "outside");
    List<String> elapsed = new ArrayList<>();
    List<String> binaries = new ArrayList<>();
    for (TimingPoint point : points) {
      PointResult measured = result.of(point);
      String name = label.apply(measured);
      boolean first = true;
      for (Phase phase : Phase.values()) {
        Stats stats = measured.stats(phase);
        table.row(first ? name : "", phase.label, Integer.toString(stats.count()), ms(stats.min()),
            median(measured, phase), ms(stats.p95()), ms(stats.max()), measured.window(phase).toString(),
            outside(measured, phase));
        first = false;
      }
      elapsed.add(name + " " + TimingPhase.seconds(measured.elapsedMs()) + " s");
      if (measured.binary() != null) {
        binaries.add(name + ": " + measured.binary());
      }
      if (measured.error() != null) {
        table.note(name + ": FAILED after " + measured.failovers().size() + " failovers: " + measured.error());
      }
    }
    if (explain) {
      table.note("Per point a fresh cluster (cluster-require-full-coverage no) and " + result.options().failovers()
          + " crash failover(s): SIGKILL of the current master of the next shard, round robin, restarted and healthy "
          + "before the next. Probe every " + TimingPhase.PROBE_PERIOD_MS + " ms, one command in flight per loop: "
          + "CLUSTER NODES of the other masters (PFAIL, FAIL), ROLE and a SET of the victim's replicas.");
      for (Phase phase : Phase.values()) {
        table.note(phase.label + ": " + phase.meaning);
      }
      table.note("expected: the specification's window (docs/FAILOVER-TIMING.md): PFAIL T..1.5T+200, detection "
          + "T..2T+300, election 500..1200 (rank 0), to writable 0..10, total their sums; * = median outside it");
    } else {
      table.note("Method, phases and windows as in table 10; * = median outside the window.");
    }
    table.note("redis-server: " + String.join("; ", binaries));
    table.note("elapsed per point: " + String.join(", ", elapsed));
    return new Checked(table, List.of());
  }
}
