package io.failoverlab.localcluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalClusterConfigTest {

  @Test
  void defaults() {
    LocalClusterConfig config = LocalClusterConfig.defaults();
    assertThat(config).isEqualTo(new LocalClusterConfig(7000, 3, 1, 2000, true, null, null));
    assertThat(config.nodeCount()).isEqualTo(6);
    assertThat(config.ports()).containsExactly(7000, 7001, 7002, 7003, 7004, 7005);
  }

  @Test
  void withersChangeOneField() {
    LocalClusterConfig config = LocalClusterConfig.defaults()
        .withPortBase(7200).withMasters(4).withReplicasPerMaster(2).withNodeTimeoutMs(1000)
        .withRequireFullCoverage(false).withPassword("secret");
    assertThat(config).isEqualTo(new LocalClusterConfig(7200, 4, 2, 1000, false, "secret", null));
    assertThat(config.toString()).doesNotContain("secret");
  }

  @Test
  void replicasAreDealtRoundRobinToMasters() {
    LocalClusterConfig config = LocalClusterConfig.defaults().withReplicasPerMaster(2);
    assertThat(config.isInitialMaster(7002)).isTrue();
    assertThat(config.isInitialMaster(7003)).isFalse();
    assertThat(config.masterPortOf(7003)).isEqualTo(7000);
    assertThat(config.masterPortOf(7005)).isEqualTo(7002);
    assertThat(config.masterPortOf(7006)).isEqualTo(7000);
    assertThatThrownBy(() -> config.masterPortOf(7001)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void validationNamesTheField() {
    LocalClusterConfig d = LocalClusterConfig.defaults();
    assertThatThrownBy(() -> d.withMasters(2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("masters");
    assertThatThrownBy(() -> d.withReplicasPerMaster(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicasPerMaster");
    assertThatThrownBy(() -> d.withNodeTimeoutMs(99)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodeTimeoutMs");
    assertThatThrownBy(() -> d.withPortBase(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("portBase");
    assertThatThrownBy(() -> d.withPortBase(65536)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("portBase");
    // 55530 + 5 + 10000 = 65535 is the last bus port that fits.
    assertThat(d.withPortBase(55530).portBase()).isEqualTo(55530);
    assertThatThrownBy(() -> d.withPortBase(55531)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("portBase").hasMessageContaining("65536");
    assertThatThrownBy(() -> d.withPassword("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password");
  }
}
