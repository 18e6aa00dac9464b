package io.failoverlab.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.failoverlab.common.topology.HostAndPort;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

  /** Any enum does for choice(); this one has the two values READER_READ_FROM takes. */
  private enum ReadFrom { MASTER, REPLICA }


  @Test
  void defaultsApplyWhenUnsetOrBlank() {
    RedisSettings settings = RedisSettings.fromEnv(new Env(Map.of("REDIS_PASSWORD", " ")));
    assertThat(settings.seeds()).containsExactly(HostAndPort.parse("127.0.0.1:7000"));
    assertThat(settings.password()).isNull();
    assertThat(settings.commandTimeoutMs()).isEqualTo(250);
  }

  @Test
  void everyBadValueNamesItsVariable() {
    assertThatThrownBy(() -> RedisSettings.fromEnv(new Env(Map.of("REDIS_NODES", "nohost"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("REDIS_NODES:");
    assertThatThrownBy(() -> RedisSettings.fromEnv(new Env(Map.of("REDIS_NODES", "a:99999"))))
        .hasMessageStartingWith("REDIS_NODES:");
    assertThatThrownBy(() -> RedisSettings.fromEnv(new Env(Map.of("REDIS_COMMAND_TIMEOUT_MS", "fast"))))
        .hasMessageStartingWith("REDIS_COMMAND_TIMEOUT_MS:").hasMessageContaining("fast");
    assertThatThrownBy(() -> RedisSettings.fromEnv(new Env(Map.of("REDIS_COMMAND_TIMEOUT_MS", "5000"))))
        .hasMessageStartingWith("REDIS_COMMAND_TIMEOUT_MS:").hasMessageContaining("REDIS_OPERATION_TIMEOUT_MS");
    assertThatThrownBy(() -> HttpSettings.fromEnv(new Env(Map.of("HTTP_PORT", "-1")), 8080))
        .hasMessageStartingWith("HTTP_PORT:");
    assertThatThrownBy(() -> new Env(Map.of("X", "maybe")).bool("X", false)).hasMessageStartingWith("X:");
    assertThatThrownBy(() -> new Env(Map.of("READ", "primary")).choice("READ", ReadFrom.MASTER, ReadFrom.class))
        .hasMessageStartingWith("READ:").hasMessageContaining("[master, replica]");
  }

  @Test
  void valuesAreParsed() {
    Env env = new Env(Map.of("REDIS_NODES", "10.0.0.1:6379, [::1]:7000", "FLAG", "yes", "READ", "Replica"));
    assertThat(env.addresses("REDIS_NODES", "x:1")).containsExactly(
        HostAndPort.parse("10.0.0.1:6379"), new HostAndPort("::1", 7000));
    assertThat(env.bool("FLAG", false)).isTrue();
    assertThat(env.choice("READ", ReadFrom.MASTER, ReadFrom.class)).isEqualTo(ReadFrom.REPLICA);
    assertThat(env.with(Map.of("FLAG", "no")).bool("FLAG", true)).isFalse();
  }
}
