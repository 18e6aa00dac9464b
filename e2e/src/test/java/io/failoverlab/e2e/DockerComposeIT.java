package io.failoverlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Network;
import io.failoverlab.e2e.Dashboard.Panel;
import io.failoverlab.e2e.Dashboard.Query;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.DockerComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The real docker-compose.yml, run by Testcontainers through the local {@code docker-compose}
 * (Compose v1; no image registry here, so the public images are swapped for the stand-ins
 * e2e/prepare.sh builds): every service but Grafana (no Grafana image can exist here; the dashboard's
 * queries are run against Prometheus instead). One scenario, in order: the stack comes up healthy, a
 * master is crashed through the kill endpoint, the cluster and both clients recover and the monitor's
 * incident holds both clients' outages (which only the clustered event bus can bring it), the
 * crashed node rejoins, every dashboard query and alert expression returns data from Prometheus, the
 * write-error panel shows the spike and then zero, and {@code down -v} leaves nothing behind.
 *
 * <p>Figures of the run (timings, the spike) go to the log and to target/e2e-report.json.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerComposeIT {

  private static final Logger LOG = LoggerFactory.getLogger(DockerComposeIT.class);
  private static final List<String> SERVICES = List.of("prometheus", "writer", "reader", "monitor");
  private static final List<String> REDIS_NODES = List.of("redis-1", "redis-2", "redis-3", "redis-4", "redis-5", "redis-6");
  /** Alerts a master crash must trigger (their expression returns data during the incident). */
  private static final List<String> INCIDENT_ALERTS = List.of("RedisClusterDown", "WriteErrorSpike", "FailoverInProgress");
  private static final Pattern TRAILING_COMPARISON = Pattern.compile("\\s*(==|!=|>=|<=|>|<)\\s*[0-9.eE+-]+\\s*$");
  private static final String TOKEN = "e2e-" + UUID.randomUUID();
  private static final Path LOGS = Repo.ROOT.resolve("e2e/target/e2e-logs");
  private static final Path REPORT = Repo.ROOT.resolve("e2e/target/e2e-report.json");

  private static final long startedAtNanos = System.nanoTime();
  private static final JsonObject report = new JsonObject();
  private static DockerComposeContainer<?> stack;
  private static String project;
  private static int monitorPort;
  private static int writerPort;
  private static int readerPort;
  private static PrometheusApi prometheus;

  // Carried from one step of the scenario to the next.
  private static String killedNode;
  private static String killedNodeId;
  private static String killedService;
  private static long killedAtMs;
  private static JsonObject incident;

  @BeforeAll
  static void bringTheStackUp() throws IOException {
    for (String service : List.of("writer-service", "reader-service", "monitor-service")) {
      Path jar = Repo.ROOT.resolve(service + "/target/" + service + ".jar");
      assertThat(jar).as("the Dockerfiles copy the fat jar: build it first (./mvnw -B package -DskipTests)").exists();
    }
    Files.createDirectories(LOGS);
    int[] ports = freePorts(4);
    monitorPort = ports[0];
    writerPort = ports[1];
    readerPort = ports[2];
    prometheus = new PrometheusApi("http://127.0.0.1:" + ports[3]);

    Map<String, String> env = new LinkedHashMap<>();
    env.put("REDIS_IMAGE", System.getenv().getOrDefault("E2E_REDIS_IMAGE", "local/redis:7.0"));
    env.put("JRE_IMAGE", System.getenv().getOrDefault("E2E_JRE_IMAGE", "local/jre:17"));
    env.put("PROMETHEUS_IMAGE", System.getenv().getOrDefault("E2E_PROMETHEUS_IMAGE", "local/prometheus:2.42"));
    env.put("WRITER_IMAGE", "failoverlab-e2e/writer-service:test");
    env.put("READER_IMAGE", "failoverlab-e2e/reader-service:test");
    env.put("MONITOR_IMAGE", "failoverlab-e2e/monitor-service:test");
    env.put("MONITOR_PORT", Integer.toString(monitorPort));
    env.put("WRITER_PORT", Integer.toString(writerPort));
    env.put("READER_PORT", Integer.toString(readerPort));
    env.put("PROMETHEUS_PORT", Integer.toString(ports[3]));
    env.put("CHAOS_TOKEN", TOKEN);

    DockerComposeContainer<?> compose = new DockerComposeContainer<>("failoverlabe2e", Repo.COMPOSE_FILE.toFile())
        .withPull(false)
        .withBuild(true)
        .withEnv(env)
        .withServices(SERVICES.toArray(String[]::new))
        .withRemoveVolumes(true)
        .withStartupTimeout(Duration.ofMinutes(5));
    for (String service : SERVICES) {
      compose.waitingFor(service, Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(4)));
    }
    for (String service : concat(SERVICES, REDIS_NODES, List.of("redis-init"))) {
      Path log = LOGS.resolve(service + ".log");
      Files.deleteIfExists(log);
      compose.withLogConsumer(service, frame -> append(log, frame.getUtf8String()));
    }
    stack = compose;
    stack.start();
    project = container("writer").getContainerInfo().getConfig().getLabels().get("com.docker.compose.project");
    report.put("stackHealthySeconds", seconds(System.nanoTime() - startedAtNanos));
    LOG.info("event=e2e_stack_healthy project={} seconds={} monitor=http://127.0.0.1:{} prometheus=http://127.0.0.1:{}",
        project, report.getDouble("stackHealthySeconds"), monitorPort, ports[3]);
  }

  @AfterAll
  static void tearDown() throws IOException {
    if (stack != null) {
      stack.stop();
      stack = null;
    }
    report.put("totalSeconds", seconds(System.nanoTime() - startedAtNanos));
    Files.writeString(REPORT, report.encodePrettily());
    LOG.info("event=e2e_report file={} report={}", REPORT, report.encode());
  }

  @Test
  @Order(1)
  void stackComesUpWithAFormedClusterAndAClusteredEventBus() {
    assertThat(container("redis-init").getCurrentContainerInfo().getState().getExitCodeLong())
        .as("redis-init formed the cluster and exited 0").isZero();
    await("a formed cluster in the monitor's view").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonObject snapshot = topology().getJsonObject("snapshot");
      assertThat(snapshot).isNotNull();
      List<JsonObject> nodes = nodes(snapshot);
      assertThat(nodes).hasSize(6).allMatch(node -> node.getBoolean("reachable"));
      assertThat(nodes).filteredOn(node -> "master".equals(node.getString("role"))).hasSize(3)
          .allMatch(node -> !node.getString("slots", "").isEmpty());
      assertThat(nodes).filteredOn(node -> "replica".equals(node.getString("role"))).hasSize(3)
          .allMatch(node -> node.getBoolean("linkUp"));
      assertThat(snapshot.getInteger("uncoveredSlots")).isZero();
    });
    for (int port : List.of(writerPort, readerPort, monitorPort)) {
      assertThat(Http.get("http://127.0.0.1:" + port + "/health/ready").status()).as("ready on " + port).isEqualTo(200);
    }
    // The writer's and reader's per-second stats reach the monitor in another container: the bus is clustered.
    await("client stats over the clustered event bus").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(Http.get(monitorUrl("/stats")).json().getLong("clientMessages")).isGreaterThan(2));
    await("Prometheus scrapes every service").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonArray targets = prometheus.activeTargets();
      Map<String, String> health = new TreeMap<>();
      targets.forEach(t -> health.put(((JsonObject) t).getJsonObject("labels").getString("job"),
          ((JsonObject) t).getString("health")));
      assertThat(health).containsEntry("writer", "up").containsEntry("reader", "up")
          .containsEntry("monitor", "up").containsEntry("prometheus", "up");
    });
  }

  @Test
  @Order(2)
  void crashingAMasterPromotesItsReplicaAndTheIncidentHasBothClientsOutages() {
    await("a quiet cluster before the kill").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      String active = Http.get(monitorUrl("/stats")).json().getJsonObject("incidents").getString("active");
      assertThat(active).as(() -> "open incident before the kill: " + Http.get(monitorUrl("/api/incidents/" + active)).body()
          + "\nwriter outages: " + Http.get("http://127.0.0.1:" + writerPort + "/stats").json().getJsonObject("outages")
          + "\nreader outages: " + Http.get("http://127.0.0.1:" + readerPort + "/stats").json().getJsonObject("outages"))
          .isNull();
      assertClientHealthy(writerPort);
      assertClientHealthy(readerPort);
      // Start-up errors are long gone, so the write-error panel reads zero for seconds before the kill.
      JsonArray recentErrors = prometheus.query(
          "sum(increase(failoverlab_operations_total{service=\"writer\", outcome=\"error\"}[15s]))");
      assertThat(recentErrors).isNotEmpty();
      assertThat(value(recentErrors.getJsonObject(0))).as("write errors in the last 15 s").isZero();
    });
    List<JsonObject> nodes = nodes(topology().getJsonObject("snapshot"));
    JsonObject master = nodes.stream()
        .filter(node -> "master".equals(node.getString("role")))
        .filter(node -> nodes.stream().anyMatch(r -> node.getString("address").equals(r.getString("master")) && r.getBoolean("linkUp")))
        .findFirst().orElseThrow(() -> new AssertionError("no master with a replica in sync: " + nodes));
    killedNode = master.getString("address");
    killedNodeId = master.getString("id");
    killedService = serviceAt(killedNode.substring(0, killedNode.lastIndexOf(':')));
    Set<String> replicas = nodes.stream().filter(r -> killedNode.equals(r.getString("master")))
        .map(r -> r.getString("address")).collect(Collectors.toSet());

    killedAtMs = System.currentTimeMillis();
    Http.Response accepted = Http.post(monitorUrl("/api/chaos/crash"), new JsonObject().put("node", killedNode).encode(),
        Map.of("Authorization", "Bearer " + TOKEN, "Content-Type", "application/json"));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    LOG.info("event=e2e_master_crashed node={} service={} replicas={}", killedNode, killedService, replicas);

    incident = await("the incident of " + killedNode + " to close").atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> closedIncidentOf(killedNode), found -> found != null);
    report.put("killToIncidentClosedMs", incident.getLong("closedAt") - killedAtMs);
    report.put("incident", new JsonObject()
        .put("failedNode", incident.getString("failedNode"))
        .put("promotedNode", incident.getString("promotedNode"))
        .put("milestonesMsAfterKill", relativeMilestones(incident.getJsonObject("milestones")))
        .put("durationsMs", incident.getJsonObject("durationsMs"))
        .put("errorsByService", incident.getJsonObject("errorsByService"))
        .put("healthyShardErrors", incident.getJsonObject("healthyShardErrors"))
        .put("lostWrites", incident.getLong("lostWrites"))
        .put("unknownOutcomeWrites", incident.getLong("unknownOutcomeWrites")));

    assertThat(incident.getString("promotedNode")).as("promoted").isIn(replicas);
    JsonObject milestones = incident.getJsonObject("milestones");
    for (String milestone : List.of("faultInjectedAt", "failAgreedAt", "promotedAt", "writerRecoveredAt", "readerRecoveredAt")) {
      assertThat(milestones.getLong(milestone)).as(milestone + " in " + incident.encodePrettily()).isNotNull();
    }
    assertThat(milestones.getLong("writerRecoveredAt")).isGreaterThan(milestones.getLong("faultInjectedAt"));
    // Outage events are published by the writer and reader containers: only the clustered event bus brings them here.
    Map<String, Set<String>> phasesByService = new TreeMap<>();
    incident.getJsonArray("outages").forEach(o -> phasesByService
        .computeIfAbsent(((JsonObject) o).getString("service"), s -> new java.util.TreeSet<>())
        .add(((JsonObject) o).getString("phase")));
    assertThat(phasesByService).as("outages in " + incident.encodePrettily())
        .containsEntry("writer", Set.of("start", "end")).containsEntry("reader", Set.of("start", "end"));
    assertThat(incident.getJsonObject("errorsByService").fieldNames()).contains("writer", "reader");

    List<JsonObject> after = nodes(topology().getJsonObject("snapshot"));
    assertThat(after).filteredOn(node -> incident.getString("promotedNode").equals(node.getString("address")))
        .singleElement().matches(node -> "master".equals(node.getString("role")), "is master");
    assertThat(container(killedService).getCurrentContainerInfo().getState().getRunning())
        .as("SHUTDOWN stopped " + killedService + " and no restart policy started it again").isFalse();
    await("both clients error-free again").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertClientHealthy(writerPort);
      assertClientHealthy(readerPort);
    });
  }

  @Test
  @Order(3)
  void crashedNodeRejoinsAsAReplicaWhenStartedAgain() {
    assumeTrue(incident != null, "needs the incident of the crash step");
    // What `docker compose start redis-N` does: its nodes.conf, kept in the volume, makes it rejoin as itself.
    docker().startContainerCmd(container(killedService).getContainerId()).exec();
    await(killedService + " back as a replica of the promoted node").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      JsonObject node = nodes(topology().getJsonObject("snapshot")).stream()
          .filter(n -> killedNodeId.equals(n.getString("id"))).findFirst().orElseThrow();
      assertThat(node.getBoolean("reachable")).isTrue();
      assertThat(node.getString("role")).isEqualTo("replica");
      assertThat(node.getString("masterId")).isNotNull();
      assertThat(node.getString("master")).isEqualTo(incident.getString("promotedNode"));
      assertThat(node.getBoolean("linkUp")).isTrue();
    });
  }

  @Test
  @Order(4)
  void writeErrorPanelShowsTheSpikeDuringTheIncidentAndZeroAfter() {
    assumeTrue(incident != null, "needs the incident of the crash step");
    String expr = writeErrorQuery().prometheusExpr();
    long killSecond = killedAtMs / 1000;
    long writerRecoveredSecond = incident.getJsonObject("milestones").getLong("writerRecoveredAt") / 1000;
    // Zero after recovery: once the rate window has passed the last error, every error type reads 0.
    await("write errors back to zero").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonArray now = prometheus.query(expr);
      assertThat(now).as(expr).isNotEmpty();
      now.forEach(series -> assertThat(value((JsonObject) series)).as("now: " + series).isZero());
    });
    long endSecond = System.currentTimeMillis() / 1000;
    Map<Long, Double> total = new TreeMap<>();
    Map<String, Double> peakByType = new TreeMap<>();
    for (Object row : prometheus.queryRange(expr, killSecond - 10, endSecond, 1)) {
      JsonObject series = (JsonObject) row;
      String type = series.getJsonObject("metric").getString("error_type");
      for (Object sample : series.getJsonArray("values")) {
        long at = ((JsonArray) sample).getLong(0);
        double value = Double.parseDouble(((JsonArray) sample).getString(1));
        total.merge(at, value, Double::sum);
        peakByType.merge(type, value, Math::max);
      }
    }
    Map<Long, Double> before = filter(total, at -> at >= killSecond - 8 && at < killSecond);
    Map<Long, Double> during = filter(total, at -> at >= killSecond && at <= writerRecoveredSecond + 6);
    Map<Long, Double> after = filter(total, at -> at > writerRecoveredSecond + 6);
    double peak = during.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    JsonObject byType = new JsonObject();
    peakByType.forEach((type, value) -> {
      if (value > 0) {
        byType.put(type, round(value));
      }
    });
    JsonObject perSecond = new JsonObject();
    total.forEach((at, value) -> {
      if (at >= killSecond - 2 && at <= writerRecoveredSecond + 8) {
        perSecond.put("t" + (at - killSecond), round(value));
      }
    });
    report.put("writeErrorSpike", new JsonObject()
        .put("query", expr)
        .put("peakWriteErrorsPerSecond", round(peak))
        .put("peakByErrorType", byType)
        .put("secondsAboveZero", total.values().stream().filter(v -> v > 0).count())
        .put("perSecondFromKill", perSecond)
        .put("maxAfterRecovery", round(after.values().stream().mapToDouble(Double::doubleValue).max().orElse(-1))));
    assertThat(before.values()).as("write errors/s before the kill " + before).isNotEmpty().allMatch(v -> v == 0);
    assertThat(peak).as("write errors/s during the incident " + during).isGreaterThan(0);
    assertThat(after.values()).as("write errors/s after recovery " + after).isNotEmpty().allMatch(v -> v == 0);
  }

  @Test
  @Order(5)
  void everyDashboardQueryReturnsData() {
    assumeTrue(incident != null, "needs the incident of the crash step");
    List<String> empty = new ArrayList<>();
    int queries = 0;
    for (Panel panel : Dashboard.load().panels()) {
      for (Query query : panel.queries()) {
        queries++;
        if (prometheus.query(query.prometheusExpr()).isEmpty()) {
          empty.add(panel.title() + " / " + query.refId() + ": " + query.prometheusExpr());
        }
      }
    }
    report.put("dashboardQueriesWithData", queries - empty.size() + "/" + queries);
    assertThat(empty).as("dashboard queries without data").isEmpty();
  }

  @Test
  @Order(6)
  void everyAlertIsLoadedReadsDataAndTheIncidentTriggeredItsAlerts() {
    assumeTrue(incident != null, "needs the incident of the crash step");
    Map<String, String> alerts = new TreeMap<>();
    prometheus.ruleGroups().forEach(group -> ((JsonObject) group).getJsonArray("rules").forEach(r -> {
      JsonObject rule = (JsonObject) r;
      if ("alerting".equals(rule.getString("type"))) {
        assertThat(rule.getString("health")).as(rule.encode()).isEqualTo("ok");
        alerts.put(rule.getString("name"), rule.getString("query"));
      }
    }));
    assertThat(alerts).containsKeys("RedisClusterDown", "WriteErrorSpike", "LostWrites", "FailoverInProgress");
    long from = killedAtMs / 1000 - 2;
    long to = incident.getLong("closedAt") / 1000 + 2;
    JsonObject fired = new JsonObject();
    alerts.forEach((name, expr) -> {
      String measure = TRAILING_COMPARISON.matcher(expr).replaceFirst("");
      assertThat(measure).as("alert %s is <measure> <comparison>", name).isNotEqualTo(expr);
      assertThat(prometheus.query(measure)).as("alert %s reads data: %s", name, measure).isNotEmpty();
      fired.put(name, !prometheus.queryRange(expr, from, to, 1).isEmpty());
    });
    report.put("alertExpressionTrueDuringIncident", fired);
    for (String name : INCIDENT_ALERTS) {
      assertThat(fired.getBoolean(name)).as("%s's expression held during the incident: %s", name, alerts.get(name)).isTrue();
    }
    // Rules are evaluated, not only loaded: the alert without a `for` fired.
    assertThat(prometheus.queryRange("ALERTS{alertname=\"FailoverInProgress\", alertstate=\"firing\"}", from, to, 1))
        .as("FailoverInProgress fired").isNotEmpty();
  }

  @Test
  @Order(7)
  void downRemovesEveryContainerNetworkAndVolume() {
    assumeTrue(stack != null, "the stack never came up");
    stack.stop();
    stack = null;
    DockerClient docker = docker();
    String label = "com.docker.compose.project=" + project;
    assertThat(docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of("com.docker.compose.project", project)).exec()).as("containers").isEmpty();
    assertThat(docker.listNetworksCmd().exec()).extracting(Network::getName).as("networks")
        .noneMatch(name -> name.startsWith(project + "_"));
    var volumes = docker.listVolumesCmd().withFilter("label", List.of(label)).exec().getVolumes();
    assertThat(volumes == null ? List.of() : volumes).as("volumes").isEmpty();
    assertThat(docker.listVolumesCmd().exec().getVolumes()).as("volumes by name")
        .noneMatch(volume -> volume.getName().startsWith(project + "_"));
  }

  // ---- helpers

  /** The query of the dashboard's write-error panel: the one that must show the spike. */
  private static Query writeErrorQuery() {
    return Dashboard.load().panel("Write errors per second by type").queries().get(0);
  }

  /** The value of one series of an instant query's result. */
  private static double value(JsonObject series) {
    return Double.parseDouble(series.getJsonArray("value").getString(1));
  }

  private static void assertClientHealthy(int port) {
    JsonObject lastSecond = Http.get("http://127.0.0.1:" + port + "/stats").json().getJsonObject("lastSecond");
    assertThat(lastSecond).as("stats of :" + port).isNotNull();
    assertThat(lastSecond.getLong("failed")).as("failed in the last second, :" + port).isZero();
    assertThat(lastSecond.getLong("succeeded")).as("succeeded in the last second, :" + port).isPositive();
  }

  private static JsonObject closedIncidentOf(String node) {
    JsonArray incidents = Http.get(monitorUrl("/api/incidents")).json().getJsonArray("incidents");
    for (Object item : incidents) {
      JsonObject candidate = (JsonObject) item;
      if (node.equals(candidate.getString("failedNode")) && "closed".equals(candidate.getString("state"))
          && candidate.getLong("openedAt") >= killedAtMs - 1000) {
        return candidate;
      }
    }
    return null;
  }

  private static JsonObject relativeMilestones(JsonObject milestones) {
    JsonObject relative = new JsonObject();
    milestones.forEach(e -> relative.put(e.getKey(), e.getValue() == null ? null : ((Number) e.getValue()).longValue() - killedAtMs));
    return relative;
  }

  private static JsonObject topology() {
    return Http.get(monitorUrl("/api/topology")).json();
  }

  private static List<JsonObject> nodes(JsonObject snapshot) {
    List<JsonObject> nodes = new ArrayList<>();
    snapshot.getJsonArray("nodes").forEach(node -> nodes.add((JsonObject) node));
    return nodes;
  }

  private static String monitorUrl(String path) {
    return "http://127.0.0.1:" + monitorPort + path;
  }

  private static ContainerState container(String service) {
    return stack.getContainerByServiceName(service)
        .orElseThrow(() -> new AssertionError("no container for service " + service));
  }

  /** The compose service whose container has this IP on the project's network. */
  private static String serviceAt(String ip) {
    for (String service : REDIS_NODES) {
      InspectContainerResponse info = container(service).getCurrentContainerInfo();
      for (ContainerNetwork network : info.getNetworkSettings().getNetworks().values()) {
        if (ip.equals(network.getIpAddress())) {
          return service;
        }
      }
    }
    throw new AssertionError("no Redis container has address " + ip);
  }

  private static DockerClient docker() {
    return DockerClientFactory.instance().client();
  }

  private static int[] freePorts(int count) throws IOException {
    // Held open together so they differ; ephemeral ports, never the 7100-7799 range other tests use.
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  private static void append(Path file, String text) {
    try {
      Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<Long, Double> filter(Map<Long, Double> series, Predicate<Long> at) {
    return series.entrySet().stream().filter(e -> at.test(e.getKey()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
  }

  private static List<String> concat(List<String> a, List<String> b, List<String> c) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    all.addAll(c);
    return all;
  }

  private static double seconds(long nanos) {
    return Math.round(nanos / 1e8) / 10.0;
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
