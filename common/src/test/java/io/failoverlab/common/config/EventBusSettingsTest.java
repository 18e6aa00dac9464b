package io.failoverlab.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.failoverlab.common.topology.HostAndPort;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventBusSettingsTest {

  @Test
  void localEventBusUnlessMembersAreListed() {
    EventBusSettings settings = EventBusSettings.fromEnv(new Env(Map.of("EVENTBUS_PUBLIC_HOST", "writer")));
    assertThat(settings.clustered()).isFalse();
    assertThat(EventBusSettings.fromEnv(new Env(Map.of()))).hasToString("local");
  }

  @Test
  void membersWithoutAPortUseTheClusterPort() {
    EventBusSettings settings = EventBusSettings.fromEnv(new Env(Map.of(
        "EVENTBUS_CLUSTER_MEMBERS", "writer, reader:5801,monitor",
        "EVENTBUS_PUBLIC_HOST", "writer",
        "EVENTBUS_CLUSTER_PORT", "5800")));
    assertThat(settings.clustered()).isTrue();
    assertThat(settings.members()).containsExactly(new HostAndPort("writer", 5800), new HostAndPort("reader", 5801),
        new HostAndPort("monitor", 5800));
    assertThat(settings.publicHost()).isEqualTo("writer");
    assertThat(settings.host()).isEqualTo("0.0.0.0");
    assertThat(settings.port()).isEqualTo(EventBusSettings.DEFAULT_PORT);
    assertThat(settings.clusterName()).isEqualTo("failoverlab");
  }

  @Test
  void everyBadValueNamesItsVariable() {
    assertThatThrownBy(() -> EventBusSettings.fromEnv(new Env(Map.of("EVENTBUS_CLUSTER_MEMBERS", "writer"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("EVENTBUS_PUBLIC_HOST:");
    assertThatThrownBy(() -> EventBusSettings.fromEnv(new Env(Map.of(
        "EVENTBUS_CLUSTER_MEMBERS", "writer:http", "EVENTBUS_PUBLIC_HOST", "writer"))))
        .hasMessageStartingWith("EVENTBUS_CLUSTER_MEMBERS:").hasMessageContaining("writer:http");
    assertThatThrownBy(() -> EventBusSettings.fromEnv(new Env(Map.of(
        "EVENTBUS_CLUSTER_MEMBERS", "bad_host", "EVENTBUS_PUBLIC_HOST", "writer"))))
        .hasMessageStartingWith("EVENTBUS_CLUSTER_MEMBERS:");
    assertThatThrownBy(() -> EventBusSettings.fromEnv(new Env(Map.of("EVENTBUS_CLUSTER_MEMBERS", " , "))))
        .hasMessageStartingWith("EVENTBUS_CLUSTER_MEMBERS:");
    assertThatThrownBy(() -> EventBusSettings.fromEnv(new Env(Map.of("EVENTBUS_PUBLIC_HOST", "-x"))))
        .hasMessageStartingWith("EVENTBUS_PUBLIC_HOST:");
    assertThatThrownBy(() -> EventBusSettings.fromEnv(new Env(Map.of("EVENTBUS_HOST", "eth0"))))
        .hasMessageStartingWith("EVENTBUS_HOST:");
    assertThatThrownBy(() -> EventBusSettings.fromEnv(new Env(Map.of("EVENTBUS_PORT", "0"))))
        .hasMessageStartingWith("EVENTBUS_PORT:");
    assertThatThrownBy(() -> EventBusSettings.fromEnv(new Env(Map.of("EVENTBUS_PORT", "5701"))))
        .hasMessageStartingWith("EVENTBUS_PORT:").hasMessageContaining("EVENTBUS_CLUSTER_PORT");
    assertThatThrownBy(() -> EventBusSettings.fromEnv(new Env(Map.of("EVENTBUS_CLUSTER_NAME", "a b"))))
        .hasMessageStartingWith("EVENTBUS_CLUSTER_NAME:");
  }
}
