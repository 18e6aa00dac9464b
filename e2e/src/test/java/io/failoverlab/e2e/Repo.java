package io.failoverlab.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository the tests check: the root comes from the build (failoverlab.root). */
final class Repo {

  static final Path ROOT = Path.of(System.getProperty("failoverlab.root", "..")).toAbsolutePath().normalize();
  static final Path COMPOSE_FILE = ROOT.resolve("docker-compose.yml");
  static final Path DASHBOARD = ROOT.resolve("grafana/dashboards/redis-cluster-failover.json");
  static final Path DATASOURCES = ROOT.resolve("grafana/provisioning/datasources/prometheus.yml");
  static final Path DASHBOARD_PROVIDERS = ROOT.resolve("grafana/provisioning/dashboards/failoverlab.yml");
  static final Path PROMETHEUS_CONFIG = ROOT.resolve("prometheus/prometheus.yml");
  static final Path ALERT_RULES = ROOT.resolve("prometheus/rules/failoverlab.yml");
  static final Path ALERT_RULE_TESTS = ROOT.resolve("prometheus/tests/failoverlab_test.yml");

  private Repo() {
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
