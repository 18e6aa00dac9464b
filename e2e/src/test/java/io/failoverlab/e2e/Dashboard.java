package io.failoverlab.e2e;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Grafana dashboard as the tests see it: its panels, their PromQL queries, its Prometheus annotations. */
record Dashboard(JsonObject json, List<Panel> panels, List<Annotation> annotations) {

  /**
   * What Grafana puts for {@code $__rate_interval} with the provisioned datasource's 1 s scrape
   * interval at the finest resolution: max(4 x scrape interval, step + scrape interval) = 4 s.
   */
  static final String RATE_INTERVAL = "4s";
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?\\w+}?");

  record Query(String refId, String expr, String legend) {

    /** The query as Prometheus gets it from Grafana: Grafana's variables replaced. */
    String prometheusExpr() {
      String expr = this.expr.replace("$__rate_interval", RATE_INTERVAL);
      Matcher unknown = VARIABLE.matcher(expr);
      if (unknown.find()) {
        throw new IllegalStateException("query uses a variable the tests cannot substitute: " + unknown.group());
      }
      return expr;
    }
  }

  record Panel(int id, String type, String title, JsonObject gridPos, String datasourceUid, List<Query> queries) {
  }

  /**
   * A Prometheus annotation: {@code query} marks moments; with {@code valueIsTime} each value is a
   * time in ms ("series value as timestamp"); shown on the panels {@code panelIds} (all when empty).
   */
  record Annotation(String name, String datasourceUid, Query query, boolean valueIsTime, List<Integer> panelIds) {
  }

  static Dashboard load() {
    return parse(Repo.DASHBOARD);
  }

  static Dashboard parse(Path file) {
    JsonObject json = new JsonObject(Repo.read(file));
    List<Panel> panels = new ArrayList<>();
    JsonArray list = json.getJsonArray("panels", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      JsonObject panel = list.getJsonObject(i);
      List<Query> queries = new ArrayList<>();
      JsonArray targets = panel.getJsonArray("targets", new JsonArray());
      for (int t = 0; t < targets.size(); t++) {
        JsonObject target = targets.getJsonObject(t);
        queries.add(new Query(target.getString("refId"), target.getString("expr"), target.getString("legendFormat")));
      }
      JsonObject datasource = panel.getJsonObject("datasource", new JsonObject());
      panels.add(new Panel(panel.getInteger("id", -1), panel.getString("type"), panel.getString("title"),
          panel.getJsonObject("gridPos", new JsonObject()), datasource.getString("uid"), List.copyOf(queries)));
    }
    List<Annotation> annotations = new ArrayList<>();
    JsonArray annotationList = json.getJsonObject("annotations", new JsonObject()).getJsonArray("list", new JsonArray());
    for (int i = 0; i < annotationList.size(); i++) {
      JsonObject annotation = annotationList.getJsonObject(i);
      JsonObject datasource = annotation.getJsonObject("datasource", new JsonObject());
      if (!"prometheus".equals(datasource.getString("type"))) {
        continue;
      }
      List<Integer> ids = new ArrayList<>();
      annotation.getJsonObject("filter", new JsonObject()).getJsonArray("ids", new JsonArray())
          .forEach(id -> ids.add(((Number) id).intValue()));
      annotations.add(new Annotation(annotation.getString("name"), datasource.getString("uid"),
          new Query("Anno", annotation.getString("expr"), null), annotation.getBoolean("useValueForTime", false),
          List.copyOf(ids)));
    }
    return new Dashboard(json, List.copyOf(panels), List.copyOf(annotations));
  }

  Panel panel(String title) {
    return panels.stream().filter(panel -> title.equals(panel.title())).findFirst()
        .orElseThrow(() -> new AssertionError("the dashboard has no panel \"" + title + "\""));
  }
}
