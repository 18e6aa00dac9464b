package io.failoverlab.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.failoverlab.common.config.Env;
import io.failoverlab.common.config.EventBusSettings;
import io.vertx.core.eventbus.EventBusOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsSetupTest {

  private final EventBusSettings settings = EventBusSettings.fromEnv(new Env(Map.of(
      "EVENTBUS_CLUSTER_MEMBERS", "writer,reader,monitor", "EVENTBUS_PUBLIC_HOST", "reader")));

  @Test
  void hazelcastFindsMembersOnlyFromTheListAndNeverPhonesHome() {
    Config config = MetricsSetup.hazelcastConfig(settings);
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("writer:5701", "reader:5701", "monitor:5701");
    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(config.getNetworkConfig().getPublicAddress()).isEqualTo("reader:5701");
    assertThat(config.getNetworkConfig().isPortAutoIncrement()).isFalse();
    assertThat(config.getClusterName()).isEqualTo("failoverlab");
    assertThat(config.getMultiMapConfigs()).containsKey("__vertx.subs");
  }

  @Test
  void aConfiguredHostIsTheOnlyInterfaceHazelcastBinds() {
    Config config = MetricsSetup.hazelcastConfig(EventBusSettings.fromEnv(new Env(Map.of(
        "EVENTBUS_CLUSTER_MEMBERS", "10.1.2.3,10.1.2.4", "EVENTBUS_PUBLIC_HOST", "10.1.2.3", "EVENTBUS_HOST", "10.1.2.3"))));
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.1.2.3");
    assertThat(MetricsSetup.hazelcastConfig(settings).getNetworkConfig().getInterfaces().isEnabled()).isFalse();
  }

  @Test
  void eventBusAnnouncesThePublicHost() {
    EventBusOptions options = MetricsSetup.eventBusOptions(settings);
    assertThat(options.getHost()).isEqualTo("0.0.0.0");
    assertThat(options.getClusterPublicHost()).isEqualTo("reader");
    assertThat(options.getPort()).isEqualTo(EventBusSettings.DEFAULT_PORT);
    assertThat(options.getClusterPublicPort()).isEqualTo(EventBusSettings.DEFAULT_PORT);
  }
}
