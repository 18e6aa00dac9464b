package io.failoverlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.e2e.Commands.Result;
import io.failoverlab.e2e.Dashboard.Panel;
import io.failoverlab.e2e.Dashboard.Query;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prometheus/ and the dashboard's queries as promtool sees them (Debian's prometheus package, which
 * e2e/prepare.sh installs): the configuration, the alert rules and their unit tests, and every
 * dashboard query parsed as PromQL.
 */
class PrometheusConfigIT {

  @Test
  void prometheusConfigurationAndItsRulesAreValid() {
    Result result = Commands.run(Repo.ROOT, List.of("promtool", "check", "config", Repo.PROMETHEUS_CONFIG.toString()));
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: 1 rule files found");
  }

  @Test
  void alertRulesPassTheirUnitTests() {
    Result result = Commands.run(Repo.ROOT, List.of("promtool", "test", "rules", Repo.ALERT_RULE_TESTS.toString()));
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  /** promtool has no "check this expression": each query becomes a recording rule, which promtool parses. */
  @Test
  void everyDashboardQueryIsValidPromQL(@TempDir Path dir) throws IOException {
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    int count = 0;
    for (Panel panel : Dashboard.load().panels()) {
      for (Query query : panel.queries()) {
        count++;
        rules.append("      # ").append(panel.title()).append(" / ").append(query.refId()).append('\n')
            .append("      - record: dashboard:panel_").append(panel.id()).append('_').append(query.refId()).append('\n')
            .append("        expr: '").append(query.prometheusExpr().replace("'", "''")).append("'\n");
      }
    }
    Path file = dir.resolve("dashboard-queries.yml");
    Files.writeString(file, rules);
    Result result = Commands.run(Repo.ROOT, List.of("promtool", "check", "rules", file.toString()));
    assertThat(result.exitCode()).as(rules + "\n" + result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: " + count + " rules found");
  }
}
