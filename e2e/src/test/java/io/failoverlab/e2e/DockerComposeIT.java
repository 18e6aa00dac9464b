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
 * queries are run against Prometheus instead), with the three containers of clients under test
 * (redis-py, predis, and the Java libraries: compose's default nine). One scenario, in order: the stack comes
 * up healthy, a master is crashed through the kill endpoint, every client under test serves every shard
 * again within {@link #CLIENT_RECOVERY_DEADLINE} of the promotion, the cluster and both services'
 * clients recover and the monitor's incident holds both clients' outages (which only the clustered
 * event bus can bring it), the crashed node rejoins, every dashboard query and alert expression returns
 * data from Prometheus, the write-error panel shows the spike and then zero, the clients-under-test
 * panels show every client and the outage the kill caused, and {@code down -v} leaves nothing behind.
 *
 * <p>Figures of the run (timings, the spike) go to the log and to target/e2e-report.json.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerComposeIT {

  private static final Logger LOG = LoggerFactory.getLogger(DockerComposeIT.class);
  /** The containers of the clients under test, each with the clients compose gives it (CLIENTS), as labels. */
  private static final Map<String, List<String>> CLIENTS_UNDER_TEST = clientsUnderTest();
  private static final List<String> SERVICES = concat(List.of("prometheus", "writer", "reader", "monitor"),
      List.copyOf(CLIENTS_UNDER_TEST.keySet()), List.of());
  /**
   * How long after the promotion a client under test may take to serve every shard again. Generous: the
   * default configurations of Lettuce and vertx-redis-client wait out a 60 s command timeout on the dead
   * node first (measured 56-63 s after the promotion here).
   */
  private static final Duration CLIENT_RECOVERY_DEADLINE = Duration.ofSeconds(90);
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
  private static final Map<String, Integer> clientPorts = new LinkedHashMap<>();
  private static PrometheusApi prometheus;

  // Carried from one step of the scenario to the next.
  private static String killedNode;
  private static String killedNodeId;
  private static String killedService;
  private static long killedAtMs;
  private static JsonObject incident;

  @BeforeAll
  static void bringTheStackUp() throws IOException {
    for (String jar : List.of("writer-service/target/writer-service.jar", "reader-service/target/reader-service.jar",
        "monitor-service/target/monitor-service.jar", "clients/target/clients-service.jar")) {
      assertThat(Repo.ROOT.resolve(jar)).as("the Dockerfiles copy the fat jar: build it first (./mvnw -B package -DskipTests)")
          .exists();
    }
    Files.createDirectories(LOGS);
    int[] ports = freePorts(4 + CLIENTS_UNDER_TEST.size());
    monitorPort = ports[0];
    writerPort = ports[1];
    readerPort = ports[2];
    prometheus = new PrometheusApi("http://127.0.0.1:" + ports[3]);
    int next = 4;
    for (String service : CLIENTS_UNDER_TEST.keySet()) {
      clientPorts.put(service, ports[next++]);
    }

    Map<String, String> env = new LinkedHashMap<>();
    env.put("REDIS_IMAGE", System.getenv().getOrDefault("E2E_REDIS_IMAGE", "local/redis:7.0"));
    env.put("JRE_IMAGE", System.getenv().getOrDefault("E2E_JRE_IMAGE", "local/jre:17"));
    env.put("PROMETHEUS_IMAGE", System.getenv().getOrDefault("E2E_PROMETHEUS_IMAGE", "local/prometheus:2.42"));
    env.put("WRITER_IMAGE", "failoverlab-e2e/writer-service:test");
    env.put("READER_IMAGE", "failoverlab-e2e/reader-service:test");
    env.put("MONITOR_IMAGE", "failoverlab-e2e/monitor-service:test");
    // The clients service's base already has redis-py and predis: no apt, so no network, at build time.
    env.put("CLIENTS_BASE_IMAGE", System.getenv().getOrDefault("E2E_CLIENTS_BASE_IMAGE", "local/clients-base:17"));
    env.put("CLIENTS_INSTALL_PACKAGES", "no");
    env.put("CLIENTS_IMAGE", "failoverlab-e2e/clients-service:test");
    env.put("CLIENT_REDIS_PY_PORT", Integer.toString(clientPorts.get("client-redis-py")));
    env.put("CLIENT_PREDIS_PORT", Integer.toString(clientPorts.get("client-predis")));
    env.put("CLIENT_JVM_PORT", Integer.toString(clientPorts.get("client-jvm")));
    // Compose's defaults, pinned: a CLIENTS_* of the caller's own must not change what is checked.
    env.put("CLIENTS_REDIS_PY", String.join(",", CLIENTS_UNDER_TEST.get("client-redis-py")));
    env.put("CLIENTS_PREDIS", String.join(",", CLIENTS_UNDER_TEST.get("client-predis")));
    env.put("CLIENTS_JVM", String.join(",", CLIENTS_UNDER_TEST.get("client-jvm")));
    // Nine JVMs and two interpreters on the 2 cores of a CI machine: at compose's 200 INCR/s per client
    // the stack used 175% of them at rest and a JVM starved for up to a minute at start (Lettuce's
    // connect blocked 66 s). What is checked here is that each client runs, recovers and shows, not at
    // what rate: a quarter of it leaves the host room.
    env.put("CLIENT_RATE", "50");
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
        .withStartupTimeout(Duration.ofMinutes(8));
    // Nine JVMs starting at once on two cores: client-jvm (six libraries) was healthy after 218, 244 s,
    // and once after more than 4 minutes (its event loops starved for seconds while classes loaded, one
    // library's first connect alone took a minute). A slow start is not what this test checks.
    for (String service : SERVICES) {
      compose.waitingFor(service, Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(7)));
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
    LOG.info("event=e2e_stack_healthy project={} seconds={} monitor=http://127.0.0.1:{} prometheus=http://127.0.0.1:{} "
        + "clients={}", project, report.getDouble("stackHealthySeconds"), monitorPort, ports[3], clientPorts);
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
    // Each clients container runs the clients compose gives it, each one started (none failed to).
    JsonObject started = new JsonObject();
    CLIENTS_UNDER_TEST.forEach((service, labels) -> {
      assertThat(Http.get(clientUrl(service, "/health/ready")).status()).as("ready: " + service).isEqualTo(200);
      Map<String, JsonObject> clients = clientStats(service);
      assertThat(clients.keySet()).as("clients of " + service).containsExactlyElementsOf(labels);
      clients.forEach((label, client) -> {
        assertThat(client.getString("state")).as(label + " in " + service + ": " + client.encode()).isEqualTo("running");
        started.put(label, client.getString("version"));
      });
    });
    report.put("clientsUnderTestVersions", started);
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
      // The clients job has one target per clients container.
      Map<String, String> clientTargets = new TreeMap<>();
      targets.forEach(t -> {
        JsonObject target = (JsonObject) t;
        if ("clients".equals(target.getJsonObject("labels").getString("job"))) {
          clientTargets.put(target.getJsonObject("labels").getString("instance"), target.getString("health"));
        }
      });
      Map<String, String> expected = new TreeMap<>();
      CLIENTS_UNDER_TEST.keySet().forEach(service -> expected.put(service + ":8083", "up"));
      assertThat(clientTargets).as("targets of job clients").isEqualTo(expected);
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
      assertClientsUnderTestServeEveryShard();
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
    String killedShard = master.getString("slots");
    Set<String> shards = nodes.stream().filter(node -> "master".equals(node.getString("role")))
        .map(node -> node.getString("slots")).collect(Collectors.toCollection(java.util.TreeSet::new));
    killedService = serviceAt(killedNode.substring(0, killedNode.lastIndexOf(':')));
    Set<String> replicas = nodes.stream().filter(r -> killedNode.equals(r.getString("master")))
        .map(r -> r.getString("address")).collect(Collectors.toSet());

    killedAtMs = System.currentTimeMillis();
    Http.Response accepted = Http.post(monitorUrl("/api/chaos/crash"), new JsonObject().put("node", killedNode).encode(),
        Map.of("Authorization", "Bearer " + TOKEN, "Content-Type", "application/json"));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    String actionId = new JsonObject(accepted.body()).getString("id");
    // 202 says the crash was accepted; the action's record says whether SHUTDOWN went through.
    JsonObject action = await("the crash " + actionId + " to finish").atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200)).until(() -> chaosAction(actionId),
            found -> found != null && !"running".equals(found.getString("status")));
    assertThat(action.getString("status")).as("the crash of " + killedNode + ": " + action.encode()).isEqualTo("done");
    LOG.info("event=e2e_master_crashed node={} service={} replicas={}", killedNode, killedService, replicas);

    // Every client under test serves every shard again: checked before the incident may close, which it
    // cannot while one of them is still in an outage, so that a client that does not recover is named.
    long promotedAtMs = await("the promotion after the kill of " + killedNode).atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).until(() -> promotedAtOf(killedNode), found -> found != null);
    report.put("killToPromotionMs", promotedAtMs - killedAtMs);
    JsonObject recovery = awaitClientsUnderTestRecovered(shards, killedShard, promotedAtMs);
    report.put("clientsUnderTestRecovery", recovery);
    List<String> unrecovered = recovery.fieldNames().stream()
        .filter(label -> recovery.getJsonObject(label).getLong("recoveredMsAfterPromotion") == null).sorted().toList();
    assertThat(unrecovered).as(() -> "clients under test that did not serve every shard again within "
        + CLIENT_RECOVERY_DEADLINE.toSeconds() + " s of the promotion (a second that started after it with successes on "
        + shards + "): " + unrecovered + "\n" + unrecovered.stream()
            .map(label -> label + ": " + recovery.getJsonObject(label).encode()).collect(Collectors.joining("\n")))
        .isEmpty();

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
    // The clients under test's outages come from three more containers over the same bus.
    Set<String> labels = CLIENTS_UNDER_TEST.values().stream().flatMap(List::stream).collect(Collectors.toSet());
    List<String> clientOutages = phasesByService.keySet().stream().filter(labels::contains).toList();
    report.getJsonObject("incident").put("clientsUnderTestWithOutages", new JsonArray(clientOutages));
    assertThat(clientOutages).as("outages of clients under test in " + incident.encodePrettily()).isNotEmpty();

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
    Set<Integer> queried = new java.util.TreeSet<>();
    for (Panel panel : Dashboard.load().panels()) {
      for (Query query : panel.queries()) {
        queries++;
        queried.add(panel.id());
        if (prometheus.query(query.prometheusExpr()).isEmpty()) {
          empty.add(panel.title() + " / " + query.refId() + ": " + query.prometheusExpr());
        }
      }
    }
    report.put("dashboardQueriesWithData", queries - empty.size() + "/" + queries);
    assertThat(queried).as("panels queried").contains(CLIENT_ERRORS_PANEL, LAST_OUTAGE_PANEL);
    assertThat(empty).as("dashboard queries without data").isEmpty();
  }

  /** The annotations mark the incident's own moments: each query's value (ms) is that milestone of the incident. */
  @Test
  @Order(5)
  void theDashboardsAnnotationsMarkTheIncidentsMoments() {
    assumeTrue(incident != null, "needs the incident of the crash step");
    JsonObject milestones = incident.getJsonObject("milestones");
    Map<String, String> milestoneOf = Map.of("fault_injected", "faultInjectedAt", "fail_agreed", "failAgreedAt",
        "promoted", "promotedAt");
    JsonObject marked = new JsonObject();
    for (Dashboard.Annotation annotation : Dashboard.load().annotations()) {
      JsonArray result = prometheus.query(annotation.query().prometheusExpr());
      assertThat(result).as("annotation %s: %s", annotation.name(), annotation.query().expr()).hasSize(1);
      JsonObject series = result.getJsonObject(0);
      long atMs = Math.round(Double.parseDouble(series.getJsonArray("value").getString(1)));
      String milestone = milestoneOf.get(series.getJsonObject("metric").getString("milestone"));
      marked.put(annotation.name(), atMs - killedAtMs);
      assertThat(atMs).as("annotation %s = the incident's %s", annotation.name(), milestone)
          .isEqualTo(milestones.getLong(milestone));
    }
    report.put("annotationsMsAfterKill", marked);
    assertThat(marked.fieldNames()).hasSize(3);
  }

  @Test
  @Order(6)
  void clientsUnderTestPanelsShowEveryClientAndTheOutageTheKillCaused() {
    assumeTrue(incident != null, "needs the incident of the crash step");
    Set<String> labels = CLIENTS_UNDER_TEST.values().stream().flatMap(List::stream)
        .collect(Collectors.toCollection(java.util.TreeSet::new));
    Dashboard dashboard = Dashboard.load();
    // Errors per second by client: a series for every client, and errors during the incident.
    String errors = panel(dashboard, CLIENT_ERRORS_PANEL).queries().get(0).prometheusExpr();
    assertThat(seriesLabels(prometheus.query(errors))).as(errors).isEqualTo(labels);
    long from = killedAtMs / 1000 - 2;
    long to = incident.getLong("closedAt") / 1000 + 2;
    JsonObject peakErrors = new JsonObject();
    for (Object row : prometheus.queryRange(errors, from, to, 1)) {
      JsonObject series = (JsonObject) row;
      double peak = 0;
      for (Object sample : series.getJsonArray("values")) {
        peak = Math.max(peak, Double.parseDouble(((JsonArray) sample).getString(1)));
      }
      peakErrors.put(label(series.getJsonObject("metric")), round(peak));
    }
    report.put("clientErrorsPanelPeakDuringIncident", peakErrors);
    assertThat(peakErrors.stream().mapToDouble(e -> ((Number) e.getValue()).doubleValue()).max().orElse(0))
        .as("errors/s of the clients under test during the incident: " + peakErrors).isGreaterThan(0);
    // Unavailability in their last outage: every client, and the kill's outage for at least one.
    String lastOutage = panel(dashboard, LAST_OUTAGE_PANEL).queries().get(0).prometheusExpr();
    JsonArray outages = prometheus.query(lastOutage);
    assertThat(seriesLabels(outages)).as(lastOutage).isEqualTo(labels);
    JsonObject seconds = new JsonObject();
    outages.forEach(series -> seconds.put(label(((JsonObject) series).getJsonObject("metric")), value((JsonObject) series)));
    report.put("lastOutagePanelSeconds", seconds);
    assertThat(seconds.stream().mapToDouble(e -> ((Number) e.getValue()).doubleValue()).max().orElse(0))
        .as("last outage of the clients under test: " + seconds).isGreaterThan(0);
  }

  @Test
  @Order(7)
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

  /**
   * Last before the teardown: a restart resets the monitor's meters, which the dashboard and alert
   * steps above read. Its journal, in the monitor-data volume, brings the incident back as it was.
   */
  @Test
  @Order(8)
  void theMonitorRestartedServesTheIncidentAgainFromItsJournal() {
    assumeTrue(incident != null, "needs the incident of the crash step");
    String id = incident.getString("id");
    JsonObject before = Http.get(monitorUrl("/api/incidents/" + id)).json();
    docker().restartContainerCmd(container("monitor").getContainerId()).withTimeout(20).exec();
    JsonObject after = await("the monitor back with incident " + id).atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> {
          Http.Response response = Http.get(monitorUrl("/api/incidents/" + id));
          return response.status() == 200 ? new JsonObject(response.body()) : null;
        }, found -> found != null);
    assertThat(after).as("the incident after the restart").isEqualTo(before);
    assertThat(Http.get(monitorUrl("/stats")).json().getJsonObject("journal").getBoolean("ok"))
        .as("the journal writes to its volume").isTrue();
    JsonArray listed = Http.get(monitorUrl("/api/incidents?limit=1")).json().getJsonArray("incidents");
    assertThat(listed).isNotEmpty();
  }

  @Test
  @Order(9)
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

  private static final int CLIENT_ERRORS_PANEL = 19;
  private static final int LAST_OUTAGE_PANEL = 20;

  /** docker-compose.yml's clients containers and their CLIENTS, as the labels the clients get. */
  private static Map<String, List<String>> clientsUnderTest() {
    Map<String, List<String>> clients = new LinkedHashMap<>();
    clients.put("client-redis-py", List.of("redis-py:tuned"));
    clients.put("client-predis", List.of("predis:default", "predis:tuned"));
    clients.put("client-jvm", List.of("vertx-redis-client:tuned", "lettuce:tuned", "jedis:default", "jedis:tuned",
        "redisson:default", "redisson:tuned"));
    return java.util.Collections.unmodifiableMap(clients);
  }

  /** The kill endpoint's record of one action (status running, done or failed), or null. */
  private JsonObject chaosAction(String id) {
    JsonArray actions = Http.get(monitorUrl("/api/chaos")).json().getJsonArray("actions");
    for (int i = 0; i < actions.size(); i++) {
      if (id.equals(actions.getJsonObject(i).getString("id"))) {
        return actions.getJsonObject(i);
      }
    }
    return null;
  }

  private static String clientUrl(String service, String path) {
    return "http://127.0.0.1:" + clientPorts.get(service) + path;
  }

  /** A clients container's /stats: each client's state, settings, totals, outages and last second, by label. */
  private static Map<String, JsonObject> clientStats(String service) {
    Map<String, JsonObject> clients = new LinkedHashMap<>();
    Http.get(clientUrl(service, "/stats")).json().getJsonArray("clients")
        .forEach(c -> clients.put(((JsonObject) c).getString("client"), (JsonObject) c));
    return clients;
  }

  /** Every client under test is running and succeeded on every shard in its last second. */
  private static void assertClientsUnderTestServeEveryShard() {
    int masters = (int) nodes(topology().getJsonObject("snapshot")).stream()
        .filter(node -> "master".equals(node.getString("role"))).count();
    for (String service : CLIENTS_UNDER_TEST.keySet()) {
      clientStats(service).forEach((label, client) -> {
        assertThat(client.getString("state")).as(label + ": " + client.encode()).isEqualTo("running");
        JsonObject lastSecond = client.getJsonObject("lastSecond");
        assertThat(lastSecond).as("last second of " + label).isNotNull();
        assertThat(lastSecond.getJsonObject("succeededByShard").stream()
            .filter(e -> ((Number) e.getValue()).longValue() > 0).count())
            .as(label + " succeeded on every shard in its last second: " + lastSecond.encode()).isEqualTo(masters);
      });
    }
  }

  /**
   * Watches every client under test from the kill on until each has had a second that started at or after
   * the promotion with successes on every shard in {@code shards}, or until {@link #CLIENT_RECOVERY_DEADLINE}
   * after the promotion. Per client: when that second ended (ms after the kill and after the promotion;
   * null if it did not come), its outage on the killed shard as the client recorded it, the errors in the
   * seconds watched, and its last stats if it did not recover.
   */
  private static JsonObject awaitClientsUnderTestRecovered(Set<String> shards, String killedShard, long promotedAtMs) {
    Map<String, JsonObject> results = new TreeMap<>();
    Map<String, Set<Long>> windowsSeen = new TreeMap<>();
    CLIENTS_UNDER_TEST.forEach((service, labels) -> labels.forEach(label -> {
      results.put(label, new JsonObject().put("container", service).put("recoveredMsAfterKill", null)
          .put("recoveredMsAfterPromotion", null).put("failedOperationsWatched", 0L));
      windowsSeen.put(label, new java.util.HashSet<>());
    }));
    Map<String, JsonObject> last = new TreeMap<>();
    long deadline = promotedAtMs + CLIENT_RECOVERY_DEADLINE.toMillis();
    while (System.currentTimeMillis() < deadline
        && results.values().stream().anyMatch(r -> r.getLong("recoveredMsAfterPromotion") == null)) {
      for (String service : CLIENTS_UNDER_TEST.keySet()) {
        Map<String, JsonObject> stats;
        try {
          stats = clientStats(service);
        } catch (RuntimeException unanswered) {
          continue; // counted as not recovered yet; the deadline decides
        }
        stats.forEach((label, client) -> {
          JsonObject result = results.get(label);
          if (result == null) {
            return;
          }
          last.put(label, client);
          JsonObject ended = client.getJsonObject("outages", new JsonObject()).getJsonObject("lastEnded");
          if (ended != null && killedShard.equals(ended.getString("shard")) && !result.containsKey("outageMs")
              && ended.getLong("startedAt") >= killedAtMs - 1000) {
            result.put("outageMs", ended.getLong("durationMs"))
                .put("outageEndedMsAfterKill", ended.getLong("timestamp") - killedAtMs);
          }
          JsonObject second = client.getJsonObject("lastSecond");
          if (second == null || !windowsSeen.get(label).add(second.getLong("timestamp"))) {
            return;
          }
          long start = second.getLong("timestamp") - second.getLong("intervalMs");
          if (start >= killedAtMs) {
            result.put("failedOperationsWatched", result.getLong("failedOperationsWatched") + second.getLong("failed"));
          }
          JsonObject byShard = second.getJsonObject("succeededByShard");
          boolean everyShard = shards.stream().allMatch(shard -> byShard.getLong(shard, 0L) > 0);
          if (result.getLong("recoveredMsAfterPromotion") == null && start >= promotedAtMs && everyShard) {
            result.put("recoveredMsAfterKill", second.getLong("timestamp") - killedAtMs)
                .put("recoveredMsAfterPromotion", second.getLong("timestamp") - promotedAtMs);
          }
        });
      }
      sleep(250);
    }
    JsonObject recovery = new JsonObject();
    results.forEach((label, result) -> {
      if (result.getLong("recoveredMsAfterPromotion") == null && last.containsKey(label)) {
        JsonObject client = last.get(label);
        result.put("state", client.getString("state")).put("failure", client.getString("failure"))
            .put("lastSecond", client.getJsonObject("lastSecond")).put("outages", client.getJsonObject("outages"))
            .put("errorClasses", client.getJsonObject("errorClasses"));
      }
      recovery.put(label, result);
    });
    LOG.info("event=e2e_clients_under_test_recovery shard={} recovery={}", killedShard, recovery.encode());
    return recovery;
  }

  /** When the monitor saw the replica of {@code node} promoted, in the incident the kill opened; null before. */
  private static Long promotedAtOf(String node) {
    JsonArray incidents = Http.get(monitorUrl("/api/incidents")).json().getJsonArray("incidents");
    for (Object item : incidents) {
      JsonObject candidate = (JsonObject) item;
      if (node.equals(candidate.getString("failedNode")) && candidate.getLong("openedAt") >= killedAtMs - 1000) {
        return candidate.getJsonObject("milestones").getLong("promotedAt");
      }
    }
    return null;
  }

  private static Panel panel(Dashboard dashboard, int id) {
    return dashboard.panels().stream().filter(panel -> panel.id() == id).findFirst()
        .orElseThrow(() -> new AssertionError("the dashboard has no panel " + id));
  }

  /** "client:config" of each series (the clients-under-test panels' legend). */
  private static Set<String> seriesLabels(JsonArray result) {
    Set<String> labels = new java.util.TreeSet<>();
    result.forEach(series -> labels.add(label(((JsonObject) series).getJsonObject("metric"))));
    return labels;
  }

  private static String label(JsonObject metric) {
    return metric.getString("client") + ":" + metric.getString("config");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

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
