package io.failoverlab.lab.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.drill.Drill;
import io.failoverlab.drill.DrillOptions;
import io.failoverlab.drill.DrillReport;
import io.failoverlab.drill.DrillTable;
import io.failoverlab.drill.DrillTarget;
import io.failoverlab.localcluster.LocalNode;
import io.failoverlab.measure.FailoverRecord;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabOptions;
import io.failoverlab.testsupport.RedisCli;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The soak (long: {@code -Psoak}, see docs/RELIABILITY.md): the drill runner makes 30 failovers in a row
 * on a lab (cluster on 8300-8305, node timeout 1000 ms), crash, hang and graceful in turn, round robin
 * over the shards, with the writer and the reader at 300 operations per second each; it restarts every
 * crashed node and waits until the cluster is healthy and in sync before the next failover. In this
 * JVM (the lab's) it measures heap after GC, open file descriptors and the Redis connections the nodes
 * report, after warm-up and at the end, and checks that every incident closed and that each service's
 * {@code /stats} agrees with its {@code /metrics}. Set {@code -Dsoak.failovers=N} for a shorter run.
 */
class SoakIT {

  private static final int BASE = 8300;
  private static final int FAILOVERS = Integer.getInteger("soak.failovers", 30);
  /** Heap after GC may grow by this much over the run: bounded histories (incidents, events) fill up. */
  private static final long HEAP_MARGIN_BYTES = 16L << 20;
  private static final int FD_MARGIN = 8;
  private static final int CONNECTION_MARGIN = 3;
  private static final Duration SETTLE = Duration.ofSeconds(60);

  /** One measurement of the lab's JVM and its cluster. */
  record Sample(String when, long heapAfterGcBytes, long openFds, long redisConnections) {
    String describe() {
      return String.format("%-22s heap after GC %6.1f MiB, open fds %4d, Redis connections %3d", when,
          heapAfterGcBytes / 1048576.0, openFds, redisConnections);
    }
  }

  private final List<Sample> samples = new ArrayList<>();
  private final Map<String, String> statsBefore = new HashMap<>();
  private final Map<String, String> metrics = new HashMap<>();
  private final Map<String, String> statsAfter = new HashMap<>();
  private JsonArray incidents;
  private JsonObject monitorStats;

  @Test
  void thirtyMixedFailoversInARowLeaveNoLeakAndEveryCountAgrees() throws Exception {
    BlockedThreadWatch blocked = BlockedThreadWatch.install();
    try {
      DrillReport report = runDrill();
      print(report);
      assertThat(report.error()).as("the drill's error").isNull();
      assertThat(report.rows()).hasSize(FAILOVERS);
      for (FailoverRecord row : report.rows()) {
        assertThat(row.action()).as("failover %d", row.index()).isEqualTo(List.of("crash", "hang", "failover")
            .get((row.index() - 1) % 3));
        // A hung master may wake up before its replica wins the election: then nobody is promoted (the
        // drill still waited for its incident to close and the cluster to be healthy). A crash or a
        // graceful failover always promotes.
        if (!row.action().equals("hang")) {
          assertThat(row.promoted()).as("failover %d promoted a replica", row.index()).isNotNull();
        }
        if (row.action().equals("failover")) {
          assertThat(row.lostWrites()).as("a graceful failover loses nothing (failover %d)", row.index()).isZero();
        }
      }
      assertNoLeak();
      assertEveryIncidentClosed(report);
      assertStatsAgreeWithMetrics();
      assertThat(blocked.warnings()).as("Vert.x blocked-thread warnings").isEmpty();
    } finally {
      blocked.close();
    }
  }

  private DrillReport runDrill() throws Exception {
    LabOptions lab = LabOptions.defaults().withPortBase(BASE).withNodeTimeoutMs(1000).withHttpPorts(0, 0, 0);
    DrillOptions options = new DrillOptions(FAILOVERS, DrillOptions.MIXED, DrillOptions.defaultHangSeconds(1000),
        DrillTarget.roundRobin(), null, null, null, Path.of("target", "soak"), lab, null, Duration.ofSeconds(120));
    Env env = new Env(Map.of("WRITER_RATE", "300", "READER_RATE", "300", "MONITOR_POLL_MS", "100",
        "INCIDENT_QUIET_MS", "1000", "KEY_PREFIX", "soak" + System.nanoTime()));
    PrintWriter out = new PrintWriter(System.out, true);
    DrillReport report = new Drill(options, env, out, new Drill.Listener() {
      @Override
      public void labStarted(Lab started) {
        await().atMost(SETTLE).until(() -> succeeded(started, "writer") > 0 && succeeded(started, "reader") > 0);
        samples.add(sample("start", started));
      }

      @Override
      public void failoverDone(Lab running, FailoverRecord row) {
        // After one of each action: every code path has run once, the warm-up is over.
        if (row.index() == 3 || (row.index() % 10 == 0 && row.index() < FAILOVERS)) {
          samples.add(sample("after failover " + row.index(), running));
          // A forced GC can stall the clients past their 250 ms deadline and open an incident of its
          // own: let it close before the next fault, so it cannot blur that failover's incident.
          awaitNoActiveIncident(running);
        }
      }

      @Override
      public void drillDone(Lab running) {
        try {
          samples.add(sample("end", running));
          awaitNoActiveIncident(running);
          awaitSettled(running);
          for (String service : List.of("writer", "reader", "monitor")) {
            statsBefore.put(service, http(running, service, "/stats"));
            metrics.put(service, http(running, service, "/metrics"));
            statsAfter.put(service, http(running, service, "/stats"));
          }
          incidents = new JsonObject(http(running, "monitor", "/api/incidents")).getJsonArray("incidents");
          monitorStats = new JsonObject(statsAfter.get("monitor"));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }).run();
    Path dir = Path.of("target", "soak");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("report.json"), report.toJson().encodePrettily() + "\n");
    return report;
  }

  private static void awaitNoActiveIncident(Lab lab) {
    await().atMost(SETTLE).pollInterval(Duration.ofMillis(200)).until(() ->
        new JsonObject(http(lab, "monitor", "/stats")).getJsonObject("incidents").getValue("active") == null);
  }

  /** Connections and descriptors of the last failover's restart need a moment to be closed and counted. */
  private void awaitSettled(Lab lab) {
    Sample start = samples.get(0);
    await().atMost(SETTLE).pollInterval(Duration.ofSeconds(1)).until(() ->
        openFds() <= start.openFds() + FD_MARGIN && redisConnections(lab) <= start.redisConnections() + CONNECTION_MARGIN);
  }

  // ---- assertions

  private void assertNoLeak() {
    Sample start = samples.get(0);
    Sample warm = samples.stream().filter(s -> s.when().equals("after failover 3")).findFirst().orElse(start);
    assertThat(samples).as("samples").hasSizeGreaterThanOrEqualTo(2);
    Sample end = samples.get(samples.size() - 1);
    assertThat(end.when()).isEqualTo("end");
    assertThat(end.heapAfterGcBytes()).as("heap after GC at the end vs after warm-up (%s)", warm.describe())
        .isLessThanOrEqualTo(warm.heapAfterGcBytes() + HEAP_MARGIN_BYTES);
    assertThat(end.openFds()).as("open file descriptors at the end vs at the start").isLessThanOrEqualTo(
        start.openFds() + FD_MARGIN);
    assertThat(end.redisConnections()).as("Redis connections at the end vs at the start")
        .isBetween(start.redisConnections() - CONNECTION_MARGIN, start.redisConnections() + CONNECTION_MARGIN);
  }

  private void assertEveryIncidentClosed(DrillReport report) {
    assertThat(incidents).isNotNull();
    List<JsonObject> list = incidents.stream().map(JsonObject.class::cast).toList();
    assertThat(list).as("incidents").allMatch(i -> "closed".equals(i.getString("state")));
    assertThat(monitorStats.getJsonObject("incidents").getValue("active")).as("active incident").isNull();
    for (FailoverRecord row : report.rows()) {
      assertThat(list).as("incident %s of failover %d", row.incident().id(), row.index())
          .anyMatch(i -> i.getString("id").equals(row.incident().id()));
    }
  }

  private void assertStatsAgreeWithMetrics() {
    for (String service : List.of("writer", "reader")) {
      JsonObject before = new JsonObject(statsBefore.get(service)).getJsonObject("totals");
      JsonObject after = new JsonObject(statsAfter.get(service)).getJsonObject("totals");
      String text = metrics.get(service);
      String op = service.equals("writer") ? "incr" : "get";
      Map<String, String> mine = Map.of("service", service);
      between(service + " succeeded", before.getLong("succeeded"),
          sum(text, "failoverlab_operations_total", Map.of("service", service, "outcome", "success")), after.getLong("succeeded"));
      between(service + " failed", before.getLong("failed"),
          sum(text, "failoverlab_operations_total", Map.of("service", service, "outcome", "error")), after.getLong("failed"));
      between(service + " skipped", before.getLong("skipped"),
          sum(text, "failoverlab_skipped_operations_total", Map.of("service", service, "op", op)), after.getLong("skipped"));
      between(service + " lost writes", before.getLong("lostWrites"), sum(text, "failoverlab_lost_writes_total", mine),
          after.getLong("lostWrites"));
      for (String type : after.getJsonObject("commandErrors").fieldNames()) {
        between(service + " command errors " + type, before.getJsonObject("commandErrors").getLong(type, 0L),
            sum(text, "failoverlab_command_errors_total", Map.of("service", service, "error_type", type)),
            after.getJsonObject("commandErrors").getLong(type));
      }
      between(service + " outages", new JsonObject(statsBefore.get(service)).getJsonObject("outages").getLong("started"),
          sum(text, "failoverlab_outages_total", mine),
          new JsonObject(statsAfter.get(service)).getJsonObject("outages").getLong("started"));
    }
    JsonObject writerAfter = new JsonObject(statsAfter.get("writer")).getJsonObject("totals");
    between("writer unacknowledged writes", new JsonObject(statsBefore.get("writer")).getJsonObject("totals")
        .getLong("unacknowledgedWrites"), sum(metrics.get("writer"), "failoverlab_unacknowledged_writes_total",
        Map.of("service", "writer")), writerAfter.getLong("unacknowledgedWrites"));
    String monitorMetrics = metrics.get("monitor");
    assertThat(sum(monitorMetrics, "failoverlab_incidents_total", Map.of()))
        .as("incidents opened: /metrics vs /stats").isEqualTo(monitorStats.getJsonObject("incidents").getLong("opened"));
    assertThat(sum(monitorMetrics, "failoverlab_topology_events_total", Map.of()))
        .as("topology events: /metrics vs /stats").isEqualTo(monitorStats.getLong("topologyEvents"));
    assertThat(sum(monitorMetrics, "failoverlab_failovers_total", Map.of())).as("promotions the monitor saw")
        .isGreaterThanOrEqualTo(FAILOVERS);
  }

  private static void between(String what, long statsBefore, long metric, long statsAfter) {
    assertThat(metric).as("%s: /metrics between two reads of /stats", what).isBetween(statsBefore, statsAfter);
  }

  // ---- measurements

  private Sample sample(String when, Lab lab) {
    return new Sample(when, heapAfterGc(), openFds(), redisConnections(lab));
  }

  /** Right after a full collection (System.gc() is one under G1): what is still referenced. */
  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long openFds() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** connected_clients summed over the nodes, less the redis-cli asking (replication links are not counted). */
  private static long redisConnections(Lab lab) {
    long total = 0;
    for (LocalNode node : lab.cluster().nodes()) {
      String clients = RedisCli.at(node.port()).run("INFO", "clients");
      Matcher matcher = Pattern.compile("connected_clients:(\\d+)").matcher(clients);
      assertThat(matcher.find()).as("INFO clients of %d", node.port()).isTrue();
      total += Long.parseLong(matcher.group(1)) - 1;
    }
    return total;
  }

  private static long succeeded(Lab lab, String service) throws IOException {
    return new JsonObject(http(lab, service, "/stats")).getJsonObject("totals").getLong("succeeded");
  }

  private static String http(Lab lab, String service, String path) throws IOException {
    int port = switch (service) {
      case "writer" -> lab.writer().httpPort();
      case "reader" -> lab.reader().httpPort();
      default -> lab.monitor().httpPort();
    };
    RawHttp.Answer answer = RawHttp.exchange(port, RawHttp.request("GET", path, null));
    assertThat(answer.status()).as("%s %s", service, path).isEqualTo(200);
    return answer.body();
  }

  /** Sum of the Prometheus series of {@code name} whose labels include {@code labels}. */
  static long sum(String text, String name, Map<String, String> labels) {
    double total = 0;
    boolean found = false;
    Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{([^}]*)})? ([0-9.eE+-]+)$", Pattern.MULTILINE);
    Matcher matcher = line.matcher(text);
    while (matcher.find()) {
      Map<String, String> seriesLabels = new HashMap<>();
      if (matcher.group(2) != null) {
        for (Matcher pair = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(matcher.group(2)); pair.find(); ) {
          seriesLabels.put(pair.group(1), pair.group(2));
        }
      }
      if (seriesLabels.entrySet().containsAll(labels.entrySet())) {
        total += Double.parseDouble(matcher.group(3));
        found = true;
      }
    }
    assertThat(found).as("a series %s%s in /metrics", name, labels).isTrue();
    return (long) total;
  }

  private void print(DrillReport report) {
    StringBuilder text = new StringBuilder("\nsoak: ").append(FAILOVERS).append(" failovers (crash, hang, failover in turn)")
        .append(" in ").append((report.finishedAt() - report.startedAt()) / 1000).append(" s\n");
    samples.forEach(s -> text.append("soak: ").append(s.describe()).append('\n'));
    text.append(DrillTable.render(report));
    if (statsAfter.containsKey("writer")) {
      for (String service : List.of("writer", "reader")) {
        JsonObject totals = new JsonObject(statsAfter.get(service)).getJsonObject("totals");
        text.append("soak: ").append(service).append(" totals ").append(totals.encode()).append('\n');
      }
      text.append("soak: monitor incidents ").append(monitorStats.getJsonObject("incidents").getLong("opened"))
          .append(" opened, ").append(incidents.stream().filter(i -> "closed".equals(((JsonObject) i).getString("state")))
              .count()).append(" kept and closed; topology events ").append(monitorStats.getLong("topologyEvents")).append('\n');
    }
    System.out.println(text);
  }
}
