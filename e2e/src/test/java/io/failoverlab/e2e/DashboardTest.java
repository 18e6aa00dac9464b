package io.failoverlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.e2e.Dashboard.Panel;
import io.failoverlab.e2e.Dashboard.Query;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The "Redis Cluster Failover" dashboard and the alert rules, checked as code (no Grafana can run here). */
class DashboardTest {

  private final Dashboard dashboard = Dashboard.load();

  @Test
  void dashboardParsesWithItsTitleAndUid() {
    assertThat(dashboard.json().getString("title")).isEqualTo("Redis Cluster Failover");
    assertThat(dashboard.json().getString("uid")).isEqualTo("failoverlab-redis-cluster-failover");
    assertThat(dashboard.panels()).hasSizeGreaterThanOrEqualTo(10);
  }

  @Test
  void everyPanelQueriesTheProvisionedDatasource() {
    String provisionedUid = provisionedDatasourceUid();
    for (Panel panel : dashboard.panels()) {
      assertThat(panel.title()).as("panel %d title", panel.id()).isNotBlank();
      assertThat(panel.queries()).as("queries of panel \"%s\"", panel.title()).isNotEmpty();
      assertThat(panel.datasourceUid()).as("datasource of panel \"%s\"", panel.title()).isEqualTo(provisionedUid);
      for (Query query : panel.queries()) {
        assertThat(query.expr()).as("query %s of panel \"%s\"", query.refId(), panel.title()).isNotBlank();
        assertThat(query.prometheusExpr()).as("query %s of panel \"%s\"", query.refId(), panel.title()).isNotBlank();
      }
    }
  }

  @Test
  void everyMetricTheDashboardNamesIsOneTheServicesExport() {
    Set<String> exportable = MetricContract.exportableNames();
    Map<String, Set<String>> unknownByPanel = new LinkedHashMap<>();
    for (Panel panel : dashboard.panels()) {
      for (Query query : panel.queries()) {
        Set<String> names = MetricContract.namesIn(query.expr());
        assertThat(names).as("metrics of panel \"%s\" query %s", panel.title(), query.refId()).isNotEmpty();
        names.stream().filter(name -> !exportable.contains(name))
            .forEach(name -> unknownByPanel.computeIfAbsent(panel.title(), t -> new java.util.TreeSet<>()).add(name));
      }
    }
    assertThat(unknownByPanel).as("metrics no service exports (see MetricNames)").isEmpty();
  }

  @Test
  void theFailoversMomentsAreAnnotatedOnEveryTimeSeriesPanel() {
    List<Integer> timePanels = dashboard.panels().stream()
        .filter(panel -> panel.type().equals("timeseries") || panel.type().equals("state-timeline"))
        .map(Panel::id).toList();
    assertThat(timePanels).hasSizeGreaterThanOrEqualTo(8);
    Map<String, Dashboard.Annotation> byMilestone = new LinkedHashMap<>();
    for (Dashboard.Annotation annotation : dashboard.annotations()) {
      Matcher milestone = Pattern.compile("milestone=\"(\\w+)\"").matcher(annotation.query().expr());
      assertThat(milestone.find()).as("annotation %s reads one milestone", annotation.name()).isTrue();
      byMilestone.put(milestone.group(1), annotation);
      assertThat(annotation.datasourceUid()).as(annotation.name()).isEqualTo(provisionedDatasourceUid());
      assertThat(MetricContract.namesIn(annotation.query().expr())).as(annotation.name())
          .containsExactly("failoverlab_incident_milestone_timestamp_seconds")
          .allMatch(MetricContract.exportableNames()::contains);
      assertThat(annotation.query().expr()).as("seconds to Grafana's ms").endsWith("* 1000");
      assertThat(annotation.valueIsTime()).as("%s: the value is the moment", annotation.name()).isTrue();
      assertThat(annotation.panelIds()).as("%s on every time-series panel", annotation.name())
          .containsExactlyInAnyOrderElementsOf(timePanels);
    }
    assertThat(byMilestone.keySet()).containsExactly("fault_injected", "fail_agreed", "promoted");
  }

  @Test
  void everyMetricAnAlertNamesIsOneTheServicesExport() {
    String rulesWithoutComments = Repo.read(Repo.ALERT_RULES).lines()
        .filter(line -> !line.strip().startsWith("#")).collect(Collectors.joining("\n"));
    Set<String> unknown = new java.util.TreeSet<>(MetricContract.namesIn(rulesWithoutComments));
    assertThat(unknown).as("metrics the alert rules read").isNotEmpty();
    unknown.removeAll(MetricContract.exportableNames());
    assertThat(unknown).as("metrics no service exports (see MetricNames)").isEmpty();
  }

  @Test
  void dashboardShowsWhatAFailoverDoes() {
    String everyQuery = dashboard.panels().stream().flatMap(panel -> panel.queries().stream())
        .map(Query::expr).collect(Collectors.joining("\n"));
    assertThat(MetricContract.namesIn(everyQuery)).contains(
        "failoverlab_operations_total",              // writes/reads by outcome, errors by type
        "failoverlab_operation_duration_seconds_bucket", // latency p99
        "failoverlab_outage_active",                 // outage state per service
        "failoverlab_node_role",                     // node roles over time
        "failoverlab_cluster_state_ok",
        "failoverlab_cluster_masters",
        "failoverlab_cluster_uncovered_slots",
        "failoverlab_failovers_total",
        "failoverlab_lost_writes_total",
        "failoverlab_unacknowledged_writes_total",
        "failoverlab_last_incident_phase_seconds",
        "failoverlab_last_outage_seconds");           // clients under test: their last outage
    Query writeErrors = dashboard.panel("Write errors per second by type").queries().get(0);
    assertThat(writeErrors.expr()).contains("service=\"writer\"", "outcome=\"error\"", "by (error_type)");
  }

  /** Panels 19 and 20: the clients under test, one series each (client:config), the services' router left out. */
  @Test
  void clientsUnderTestPanelsShowEachClientButNotTheServices() {
    for (int id : List.of(19, 20)) {
      Panel panel = dashboard.panels().stream().filter(p -> p.id() == id).findFirst()
          .orElseThrow(() -> new AssertionError("no panel " + id));
      assertThat(panel.title()).as("panel %d", id).startsWith("Clients under test");
      Query query = panel.queries().get(0);
      assertThat(query.expr()).as("panel \"%s\"", panel.title())
          .contains("client!=\"failoverlab-router\"", "by (client, config)");
      assertThat(query.legend()).as("legend of panel \"%s\"", panel.title()).isEqualTo("{{client}}:{{config}}");
    }
  }

  /**
   * docker-compose.yml runs the clients under test (redis-py, predis, the Java libraries) in three
   * containers of one image, each a member of the clustered event bus like the services, and
   * Prometheus scrapes them; the Docker end-to-end test checks they run, recover and show on the panels.
   */
  @Test
  void composeRunsTheClientsUnderTestOnTheClusteredEventBusAndPrometheusScrapesThem() {
    String compose = Repo.read(Repo.COMPOSE_FILE);
    Map<String, String> clients = new LinkedHashMap<>();
    clients.put("client-redis-py", "CLIENTS: ${CLIENTS_REDIS_PY:-redis-py:tuned}");
    clients.put("client-predis", "CLIENTS: ${CLIENTS_PREDIS:-predis,predis:tuned}");
    clients.put("client-jvm", "CLIENTS: ${CLIENTS_JVM:-vertx-redis-client:tuned,lettuce:tuned,jedis,jedis:tuned,"
        + "redisson,redisson:tuned}");
    assertThat(compose).contains("EVENTBUS_CLUSTER_MEMBERS: writer,reader,monitor,client-redis-py,client-predis,client-jvm",
        "dockerfile: clients/Dockerfile", "image: ${CLIENTS_IMAGE:-failoverlab/clients-service:latest}",
        "CLIENTS_BASE_IMAGE: ${CLIENTS_BASE_IMAGE:-eclipse-temurin:17-jre}", "CLIENTS_DIR: /app/clients");
    clients.forEach((service, list) -> {
      int at = compose.indexOf("\n  " + service + ":\n");
      assertThat(at).as("service %s in %s", service, Repo.COMPOSE_FILE).isPositive();
      int end = compose.indexOf("\n\n", at + 1);
      String block = compose.substring(at, end < 0 ? compose.length() : end);
      assertThat(block).as("service %s", service).contains("<<: *clients", "EVENTBUS_PUBLIC_HOST: " + service, list);
    });
    String prometheus = Repo.read(Repo.PROMETHEUS_CONFIG);
    assertThat(prometheus).contains("job_name: clients",
        "targets: [\"client-redis-py:8083\", \"client-predis:8083\", \"client-jvm:8083\"]");
    String dockerfile = Repo.read(Repo.ROOT.resolve("clients/Dockerfile"));
    assertThat(dockerfile).contains("ARG CLIENTS_BASE_IMAGE=eclipse-temurin:17-jre", "ARG INSTALL_PACKAGES=yes",
        "COPY clients/target/clients-service.jar", "USER 10001:10001", "HEALTHCHECK");
    String ignore = Repo.read(Repo.ROOT.resolve(".dockerignore"));
    assertThat(ignore).contains("!clients/target/clients-service.jar", "!clients/clients.conf",
        "!clients/python/client.py", "!clients/php/client.php").doesNotContain("!clients/node");
  }

  @Test
  void panelsHaveUniqueIdsAndDoNotOverlap() {
    Set<Integer> ids = new HashSet<>();
    List<String> overlaps = new ArrayList<>();
    for (Panel panel : dashboard.panels()) {
      assertThat(ids.add(panel.id())).as("panel id %d is unique", panel.id()).isTrue();
      assertThat(panel.gridPos().getInteger("x") + panel.gridPos().getInteger("w"))
          .as("panel \"%s\" fits the 24-column grid", panel.title()).isLessThanOrEqualTo(24);
    }
    List<Panel> panels = dashboard.panels();
    for (int i = 0; i < panels.size(); i++) {
      for (int j = i + 1; j < panels.size(); j++) {
        if (overlap(panels.get(i).gridPos(), panels.get(j).gridPos())) {
          overlaps.add(panels.get(i).title() + " / " + panels.get(j).title());
        }
      }
    }
    assertThat(overlaps).isEmpty();
  }

  @Test
  void grafanaIsProvisionedWithTheDashboardAndAnonymousViewers() {
    String compose = Repo.read(Repo.COMPOSE_FILE);
    String providers = Repo.read(Repo.DASHBOARD_PROVIDERS);
    assertThat(providers).contains("path: /etc/grafana/dashboards");
    assertThat(compose).contains("./grafana/dashboards:/etc/grafana/dashboards:ro",
        "./grafana/provisioning:/etc/grafana/provisioning:ro",
        "GF_AUTH_ANONYMOUS_ENABLED: \"true\"",
        "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: /etc/grafana/dashboards/" + Repo.DASHBOARD.getFileName());
    assertThat(Repo.read(Repo.DATASOURCES)).contains("url: http://prometheus:9090");
  }

  private static String provisionedDatasourceUid() {
    Matcher uid = Pattern.compile("(?m)^\\s+uid:\\s*(\\S+)\\s*$").matcher(Repo.read(Repo.DATASOURCES));
    assertThat(uid.find()).as("a uid in " + Repo.DATASOURCES).isTrue();
    return uid.group(1);
  }

  private static boolean overlap(io.vertx.core.json.JsonObject a, io.vertx.core.json.JsonObject b) {
    return a.getInteger("x") < b.getInteger("x") + b.getInteger("w")
        && b.getInteger("x") < a.getInteger("x") + a.getInteger("w")
        && a.getInteger("y") < b.getInteger("y") + b.getInteger("h")
        && b.getInteger("y") < a.getInteger("y") + a.getInteger("h");
  }
}
