package io.failoverlab.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.metrics.MetricsSetup;
import io.failoverlab.localcluster.LocalClusterConfig;
import io.failoverlab.monitor.journal.Journal;
import io.failoverlab.monitor.journal.JournalBounds;
import io.failoverlab.monitor.journal.JournalRecord;
import io.failoverlab.monitor.journal.JournalTest;
import io.failoverlab.monitor.journal.Reports;
import io.failoverlab.testsupport.JavaJar;
import io.failoverlab.testsupport.ProcessOutput;
import io.failoverlab.testsupport.ProcessRun;
import io.failoverlab.testsupport.TestCluster;
import io.failoverlab.testsupport.TestDirs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The monitor's journal against real files and a real local cluster (ports 8400-8405, node timeout
 * 1000 ms; the monitor's jar on 8410): an incident back identical after a restart, one open at a
 * SIGKILL back as interrupted (and a second jar on its directory refused), the API's pages over a restored history, bad and unreadable journals,
 * a full disk and a read-only one (small tmpfs mounts), and two monitors on one directory.
 */
class JournalIT {

  private static final int PORT_BASE = 8400;
  private static final int JAR_HTTP_PORT = 8410;
  private static final Path JAR = Path.of("target", "monitor-service.jar");
  private static final Duration FAILOVER_WAIT = Duration.ofSeconds(60);
  private static final long T0 = 1_790_000_000_000L;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static TestCluster redis;
  private static Path root;
  private final List<String> deployments = new java.util.ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    root = Files.createTempDirectory("journal-it-");
    redis = TestCluster.start(LocalClusterConfig.defaults().withPortBase(PORT_BASE).withNodeTimeoutMs(1000)
        .withRequireFullCoverage(false), Duration.ofSeconds(120));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (redis != null) {
      redis.close();
    }
    TestDirs.delete(root);
  }

  @BeforeEach
  void clusterIsWhole() throws Exception {
    redis.restoreCrashedNodes(Duration.ofSeconds(60));
  }

  @AfterEach
  void undeployMonitors() throws Exception {
    for (String id : deployments) {
      redis.vertx().undeploy(id).await(30, TimeUnit.SECONDS);
    }
    deployments.clear();
  }

  @Test
  void aClosedIncidentAndTheTopologyEventsComeBackIdenticalAfterARestart() throws Exception {
    Path dir = root.resolve("restart");
    Deployed first = deploy(dir);
    String crashed = crashAMaster(first.monitor);
    JsonObject incident = awaitClosedIncident(first.port, crashed);
    JsonObject before = get(first.port, "/api/incidents/" + incident.getString("id")).json();
    JsonArray events = get(first.port, "/api/topology").json().getJsonArray("recentEvents");
    undeploy(first);

    Deployed second = deploy(dir);
    assertThat(get(second.port, "/api/incidents/" + incident.getString("id")).json()).isEqualTo(before);
    JsonArray restored = get(second.port, "/api/topology").json().getJsonArray("recentEvents");
    assertThat(restored.getList()).as("the topology events seen before the restart").containsAll(events.getList());
    assertThat(get(second.port, "/stats").json().getJsonObject("journal").getBoolean("ok")).isTrue();
    System.out.printf("MEASURED journal: one crash failover's incident %d bytes as JSON; journal %d bytes after it%n",
        before.encode().length(), Files.size(dir.resolve(Journal.FILE)));
  }

  @Test
  void aSecondMonitorOnTheSameDirectoryRefusesToStartNamingTheLock() throws Exception {
    Path dir = root.resolve("locked");
    deploy(dir);
    MonitorVerticle second = new MonitorVerticle(settings(dir, Map.of()), MetricsSetup.newRegistry());
    assertThatThrownBy(() -> redis.vertx().deployVerticle(second).await(30, TimeUnit.SECONDS))
        .hasMessageContaining("MONITOR_DATA_DIR: ").hasMessageContaining(dir.resolve("monitor.lock").toString())
        .hasMessageContaining("pid " + ProcessHandle.current().pid());
  }

  @Test
  void theApiPagesThroughARestoredHistoryAndNewIdsFollowIt() throws Exception {
    Path dir = root.resolve("pages");
    writeJournal(dir, 120);
    Deployed monitor = deploy(dir, Map.of("INCIDENT_HISTORY", "100"));

    JsonObject all = get(monitor.port, "/api/incidents").json();
    assertThat(ids(all)).hasSize(100).startsWith("inc-120").endsWith("inc-21");
    assertThat(all.getString("next")).isNull();
    JsonObject page = get(monitor.port, "/api/incidents?limit=50").json();
    assertThat(ids(page)).hasSize(50).startsWith("inc-120").endsWith("inc-71");
    assertThat(page.getString("next")).isEqualTo("inc-71");
    JsonObject next = get(monitor.port, "/api/incidents?limit=50&before=inc-71").json();
    assertThat(ids(next)).hasSize(50).startsWith("inc-70").endsWith("inc-21");
    assertThat(next.getString("next")).isNull();
    assertThat(ids(get(monitor.port, "/api/incidents?before=inc-21").json())).isEmpty();
    assertThat(ids(get(monitor.port, "/api/incidents?before=inc-5000&limit=1").json())).containsExactly("inc-120");
    assertThat(get(monitor.port, "/api/incidents/inc-77").json())
        .isEqualTo(new JsonObject(Reports.incident(77, T0 + 77 * 60_000L, true).toJson().encode()));

    for (String bad : List.of("limit=0", "limit=1001", "limit=x", "limit=", "limit=1&limit=2")) {
      Answer answer = get(monitor.port, "/api/incidents?" + bad);
      assertThat(answer.status()).as(bad).isEqualTo(400);
      assertThat(answer.json().getString("error")).as(bad).startsWith("limit: ");
    }
    for (String bad : List.of("before=x", "before=inc-", "before=71", "before=")) {
      Answer answer = get(monitor.port, "/api/incidents?" + bad);
      assertThat(answer.status()).as(bad).isEqualTo(400);
      assertThat(answer.json().getString("error")).as(bad).startsWith("before: ");
    }

    String crashed = crashAMaster(monitor.monitor);
    JsonObject incident = awaitClosedIncident(monitor.port, crashed);
    assertThat(incident.getString("id")).as("after the restored ones, not inc-1").isEqualTo("inc-121");
  }

  @Test
  void aTornLastRecordAndACorruptedOneAreSkippedNamedCountedAndKeptAside() throws Exception {
    Path dir = root.resolve("corrupted");
    writeJournal(dir, 5);
    Path file = dir.resolve(Journal.FILE);
    byte[] bytes = Files.readAllBytes(file);
    int third = nthLine(bytes, 2);
    bytes[third + 300] ^= 0x20;
    Files.write(file, bytes);
    Files.write(file, "0badc0de {\"kind\":\"incid".getBytes(), StandardOpenOption.APPEND);
    byte[] original = Files.readAllBytes(file);

    Deployed monitor = deploy(dir);
    assertThat(ids(get(monitor.port, "/api/incidents").json())).containsExactly("inc-5", "inc-4", "inc-2", "inc-1");
    assertThat(get(monitor.port, "/metrics").body()).contains("failoverlab_monitor_journal_skipped_records_total 2.0")
        .contains("failoverlab_monitor_journal_failing 0.0");
    try (Stream<Path> files = Files.list(dir)) {
      Path aside = files.filter(path -> path.getFileName().toString().startsWith(Journal.FILE + ".unreadable-"))
          .findFirst().orElseThrow();
      assertThat(Files.readAllBytes(aside)).as("kept aside as it was").isEqualTo(original);
    }
  }

  @Test
  void aFileOfGarbageAndAnEmptyFileLetTheMonitorStart() throws Exception {
    Path garbage = root.resolve("garbage");
    Files.createDirectories(garbage);
    byte[] noise = new byte[50_000];
    new java.util.Random(15).nextBytes(noise);
    Files.write(garbage.resolve(Journal.FILE), noise);
    Deployed first = deploy(garbage);
    assertThat(ids(get(first.port, "/api/incidents").json())).isEmpty();
    assertThat(get(first.port, "/metrics").body()).containsPattern("failoverlab_monitor_journal_skipped_records_total [1-9]");
    undeploy(first);

    Path empty = root.resolve("empty");
    Files.createDirectories(empty);
    Files.createFile(empty.resolve(Journal.FILE));
    Deployed second = deploy(empty);
    assertThat(ids(get(second.port, "/api/incidents").json())).isEmpty();
    assertThat(get(second.port, "/stats").json().getJsonObject("journal").getBoolean("ok")).isTrue();
  }

  @Test
  void onAFullDiskTheMonitorKeepsPollingAndServingAndTheJournalCatchesUpWhenThereIsRoom() throws Exception {
    try (Tmpfs disk = Tmpfs.mount(root.resolve("full"), "256k")) {
      Path dir = disk.dir().resolve("monitor");
      Deployed monitor = deploy(dir);
      Path filler = disk.dir().resolve("filler");
      fill(filler);

      String crashed = crashAMaster(monitor.monitor);
      JsonObject incident = awaitClosedIncident(monitor.port, crashed);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(get(monitor.port, "/metrics").body()).contains("failoverlab_monitor_journal_failing 1.0"));
      assertThat(get(monitor.port, "/metrics").body()).containsPattern("failoverlab_monitor_journal_dropped_records_total [1-9]");
      Answer ready = get(monitor.port, "/health/ready");
      assertThat(ready.status()).as("still ready: it serves from memory").isEqualTo(200);
      JsonObject journal = check(ready.json(), "journal");
      assertThat(journal.getBoolean("ok")).isFalse();
      assertThat(journal.getString("error")).contains("No space left on device");
      long pollsBefore = get(monitor.port, "/stats").json().getJsonObject("poller").getLong("polls");
      await().atMost(Duration.ofSeconds(5)).until(() ->
          get(monitor.port, "/stats").json().getJsonObject("poller").getLong("polls") > pollsBefore + 5);

      Files.delete(filler);
      // The crashed node back: its topology events are the next writes, and the first one rewrites the journal.
      redis.cluster().restart(Integer.parseInt(crashed.substring(crashed.lastIndexOf(':') + 1))).await(30, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(get(monitor.port, "/metrics").body()).contains("failoverlab_monitor_journal_failing 0.0"));
      JsonObject served = get(monitor.port, "/api/incidents/" + incident.getString("id")).json();
      undeploy(monitor);

      Deployed again = deploy(dir);
      assertThat(get(again.port, "/api/incidents/" + incident.getString("id")).json())
          .as("written once the disk had room").isEqualTo(served);
      undeploy(again);
    }
  }

  @Test
  void onAReadOnlyDirectoryTheMonitorStartsWithWhatIsThereAndSaysItCannotWrite() throws Exception {
    try (Tmpfs disk = Tmpfs.mount(root.resolve("ro"), "1m")) {
      Path dir = disk.dir().resolve("monitor");
      writeJournal(dir, 3);
      Files.write(dir.resolve(Journal.FILE), "torn".getBytes(), StandardOpenOption.APPEND);
      byte[] original = Files.readAllBytes(dir.resolve(Journal.FILE));
      disk.readOnly();

      Deployed monitor = deploy(dir);
      assertThat(ids(get(monitor.port, "/api/incidents").json())).containsExactly("inc-3", "inc-2", "inc-1");
      Answer ready = get(monitor.port, "/health/ready");
      assertThat(ready.status()).isEqualTo(200);
      assertThat(check(ready.json(), "journal").getString("error")).contains("Read-only file system");
      assertThat(get(monitor.port, "/metrics").body()).contains("failoverlab_monitor_journal_failing 1.0")
          .contains("failoverlab_monitor_journal_skipped_records_total 1.0");
      assertThat(Files.readAllBytes(dir.resolve(Journal.FILE))).as("left in place, untouched").isEqualTo(original);
      undeploy(monitor);
    }
  }

  /**
   * The monitor's jar, SIGKILLed while a failover is under way: after a restart the incident closed
   * before is back identical, and the open one is closed as interrupted with the milestones it had.
   */
  @Test
  void aMonitorKilledMidFailoverKeepsItsClosedIncidentsAndInterruptsTheOpenOne() throws Exception {
    Path dir = root.resolve("killed");
    Process jar = startJar(dir);
    try {
      TopologySnapshot snapshot = TopologySnapshot.fromJson(get(JAR_HTTP_PORT, "/api/topology").json()
          .getJsonObject("snapshot"));
      String first = masterWithReplica(snapshot);
      redis.cluster().crash(port(first)).await(20, TimeUnit.SECONDS);
      JsonObject closed = awaitClosedIncident(JAR_HTTP_PORT, first);
      JsonObject closedBefore = get(JAR_HTTP_PORT, "/api/incidents/" + closed.getString("id")).json();
      redis.cluster().restart(port(first)).await(30, TimeUnit.SECONDS);
      redis.cluster().awaitHealthy(Duration.ofSeconds(60)).await(70, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(30)).until(() -> get(JAR_HTTP_PORT, "/stats").json()
          .getJsonObject("incidents").getString("active") == null);

      String second = masterWithReplica(TopologySnapshot.fromJson(get(JAR_HTTP_PORT, "/api/topology").json()
          .getJsonObject("snapshot")));
      redis.cluster().crash(port(second)).await(20, TimeUnit.SECONDS);
      // In the middle of the failover: FAIL agreed, the incident open.
      JsonObject open = await().atMost(FAILOVER_WAIT).pollInterval(Duration.ofMillis(20)).until(
          () -> openIncidentOf(second), found -> found != null
              && found.getJsonObject("milestones").getLong("failAgreedAt") != null);
      jar.destroyForcibly();
      assertThat(jar.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(jar.exitValue()).as("SIGKILL").isEqualTo(137);

      jar = startJar(dir);
      assertThat(get(JAR_HTTP_PORT, "/api/incidents/" + closed.getString("id")).json()).isEqualTo(closedBefore);
      JsonObject interrupted = get(JAR_HTTP_PORT, "/api/incidents/" + open.getString("id")).json();
      assertThat(interrupted.getBoolean("interrupted")).as(interrupted.encodePrettily()).isTrue();
      assertThat(interrupted.getString("state")).isEqualTo("closed");
      JsonObject had = open.getJsonObject("milestones");
      JsonObject kept = interrupted.getJsonObject("milestones");
      for (String milestone : had.fieldNames()) {
        if (had.getValue(milestone) != null) {
          assertThat(kept.getLong(milestone)).as(milestone).isEqualTo(had.getLong(milestone));
        }
      }
      assertThat(interrupted.getLong("closedAt")).isGreaterThanOrEqualTo(had.getLong("failAgreedAt"));

      // A second monitor process on the same directory: refused before it starts anything, the lock named.
      ProcessRun refused = ProcessRun.of(jar(dir, JAR_HTTP_PORT + 1), Duration.ofSeconds(60));
      assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
      assertThat(refused.output()).contains("invalid configuration: MONITOR_DATA_DIR")
          .contains(dir.resolve("monitor.lock").toString()).contains("pid " + jar.pid());
      assertThat(get(JAR_HTTP_PORT, "/health/ready").status()).as("the first one unharmed").isEqualTo(200);
    } finally {
      jar.destroyForcibly();
      jar.waitFor(10, TimeUnit.SECONDS);
    }
  }

  // ---- helpers

  private record Deployed(MonitorVerticle monitor, String id, int port) {
  }

  private record Answer(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private Deployed deploy(Path dir) throws Exception {
    return deploy(dir, Map.of());
  }

  private Deployed deploy(Path dir, Map<String, String> extra) throws Exception {
    MonitorVerticle monitor = new MonitorVerticle(settings(dir, extra), MetricsSetup.newRegistry());
    String id = redis.vertx().deployVerticle(monitor).await(30, TimeUnit.SECONDS);
    deployments.add(id);
    await().atMost(Duration.ofSeconds(10)).until(() -> monitor.latestSnapshot() != null
        && monitor.latestSnapshot().nodes().size() == 6);
    return new Deployed(monitor, id, monitor.httpPort());
  }

  private void undeploy(Deployed deployed) throws Exception {
    deployments.remove(deployed.id);
    redis.vertx().undeploy(deployed.id).await(30, TimeUnit.SECONDS);
  }

  private static MonitorSettings settings(Path dir, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("REDIS_NODES", "127.0.0.1:" + PORT_BASE, "HTTP_PORT", "0",
        "MONITOR_POLL_MS", "100", "INCIDENT_QUIET_MS", "1000", "MONITOR_DATA_DIR", dir.toString()));
    env.putAll(extra);
    return MonitorSettings.fromEnv(new Env(env));
  }

  private static ProcessBuilder jar(Path dir, int httpPort) {
    ProcessBuilder builder = JavaJar.command(JAR);
    builder.environment().putAll(Map.of("REDIS_NODES", "127.0.0.1:" + PORT_BASE, "HTTP_PORT",
        Integer.toString(httpPort), "MONITOR_POLL_MS", "100", "INCIDENT_QUIET_MS", "1000",
        "MONITOR_DATA_DIR", dir.toString()));
    return builder;
  }

  private static Process startJar(Path dir) throws Exception {
    Process process = jar(dir, JAR_HTTP_PORT).start();
    ProcessOutput.follow(process);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> get(JAR_HTTP_PORT, "/health/ready").status() == 200);
    return process;
  }

  private static String crashAMaster(MonitorVerticle monitor) throws Exception {
    String master = masterWithReplica(monitor.latestSnapshot());
    redis.cluster().crash(port(master)).await(20, TimeUnit.SECONDS);
    return master;
  }

  private static String masterWithReplica(TopologySnapshot snapshot) {
    return snapshot.nodes().stream()
        .filter(node -> TopologyFacts.MASTER.equals(node.role()) && TopologyFacts.hasSlots(node))
        .filter(node -> snapshot.nodes().stream().anyMatch(r -> node.address().equals(r.master()) && r.linkUp()))
        .map(NodeStatus::address).findFirst().orElseThrow();
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  private static JsonObject awaitClosedIncident(int httpPort, String failedNode) {
    return await().atMost(FAILOVER_WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
      for (Object item : get(httpPort, "/api/incidents").json().getJsonArray("incidents")) {
        JsonObject incident = (JsonObject) item;
        if (failedNode.equals(incident.getString("failedNode")) && "closed".equals(incident.getString("state"))
            && incident.getString("promotedNode") != null) {
          return incident;
        }
      }
      return null;
    }, found -> found != null);
  }

  private static JsonObject openIncidentOf(String failedNode) {
    for (Object item : get(JAR_HTTP_PORT, "/api/incidents").json().getJsonArray("incidents")) {
      JsonObject incident = (JsonObject) item;
      if ("open".equals(incident.getString("state")) && failedNode.equals(incident.getString("failedNode"))) {
        return incident;
      }
    }
    return null;
  }

  private static Answer get(int port, String path) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("incidents").stream().map(item -> ((JsonObject) item).getString("id")).toList();
  }

  /** One check's data in a /health/ready answer. */
  private static JsonObject check(JsonObject health, String id) {
    return health.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(each -> id.equals(each.getString("id"))).findFirst().orElseThrow().getJsonObject("data");
  }

  /** A journal of closed incidents inc-1..inc-n, one a minute, as a monitor of an earlier run wrote it. */
  private static void writeJournal(Path dir, int n) {
    try (Journal journal = Journal.open(dir, new JournalBounds(10_000, 200, 50, 64L * 1024 * 1024))) {
      for (int i = 1; i <= n; i++) {
        journal.append(JournalRecord.incident(Reports.incident(i, T0 + i * 60_000L, true), T0 + i * 60_000L + 6000));
      }
      JournalTest.awaitWritten(journal, n);
    }
  }

  private static int nthLine(byte[] bytes, int newlines) {
    int seen = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n' && ++seen == newlines) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("fewer lines");
  }

  /** Writes {@code file} until the file system refuses: the disk is full. */
  private static void fill(Path file) throws IOException {
    byte[] chunk = new byte[4096];
    try (var out = Files.newOutputStream(file)) {
      while (true) {
        out.write(chunk);
        out.flush();
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).contains("No space left on device");
    }
  }
}
