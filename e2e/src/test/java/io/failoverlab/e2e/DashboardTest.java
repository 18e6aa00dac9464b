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
        "failoverlab_last_incident_phase_seconds");
    Query writeErrors = dashboard.panel("Write errors per second by type").queries().get(0);
    assertThat(writeErrors.expr()).contains("service=\"writer\"", "outcome=\"error\"", "by (error_type)");
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
