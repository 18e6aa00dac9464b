package io.failoverlab.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.failoverlab.common.config.ConfigException;
import io.failoverlab.common.config.Env;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MonitorSettingsTest {

  @Test
  void defaultsSuitTheLocalCluster() {
    MonitorSettings settings = MonitorSettings.fromEnv(new Env(Map.of()));
    assertThat(settings.pollIntervalMs()).isEqualTo(200);
    assertThat(settings.probeIntervalMs()).as("the incident clock's period: at most 10 ms").isEqualTo(5);
    assertThat(settings.incidentQuietMs()).isEqualTo(3000);
    assertThat(settings.incidentHistory()).isEqualTo(50);
    assertThat(settings.http().port()).isEqualTo(8080);
    assertThat(settings.redis().seeds()).hasSize(1);
    assertThat(settings.dataDir()).as("no journal: history in memory, as before").isEmpty();
    assertThat(settings.journalMaxBytes()).isEqualTo(64L * 1024 * 1024);
  }

  @Test
  void readsItsVariables() {
    MonitorSettings settings = MonitorSettings.fromEnv(new Env(Map.of("MONITOR_POLL_MS", "20", "MONITOR_PROBE_MS", "2",
        "INCIDENT_QUIET_MS", "500", "INCIDENT_HISTORY", "3", "HTTP_PORT", "0",
        "REDIS_NODES", "10.0.0.1:6379,10.0.0.2:6379", "MONITOR_DATA_DIR", "/var/lib/monitor",
        "MONITOR_JOURNAL_MAX_BYTES", "1048576")));
    assertThat(settings.dataDir()).contains(java.nio.file.Path.of("/var/lib/monitor"));
    assertThat(settings.journalMaxBytes()).isEqualTo(1_048_576);
    assertThat(settings.pollIntervalMs()).isEqualTo(20);
    assertThat(settings.probeIntervalMs()).isEqualTo(2);
    assertThat(settings.incidentQuietMs()).isEqualTo(500);
    assertThat(settings.incidentHistory()).isEqualTo(3);
    assertThat(settings.http().port()).isZero();
    assertThat(settings.redis().seeds()).hasSize(2);
  }

  @ParameterizedTest
  @CsvSource({"MONITOR_POLL_MS, 19", "MONITOR_POLL_MS, fast", "INCIDENT_QUIET_MS, -1", "INCIDENT_HISTORY, 0",
      "INCIDENT_HISTORY, many", "MONITOR_PROBE_MS, 0", "MONITOR_PROBE_MS, 1001",
      "MONITOR_JOURNAL_MAX_BYTES, 65535", "MONITOR_JOURNAL_MAX_BYTES, 1073741825", "MONITOR_JOURNAL_MAX_BYTES, 64MiB"})
  void aBadValueFailsNamingTheVariable(String variable, String value) {
    assertThatThrownBy(() -> MonitorSettings.fromEnv(new Env(Map.of(variable, value))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(variable + ":")
        .satisfies(error -> assertThat(((ConfigException) error).variable()).isEqualTo(variable));
  }
}
