package io.failoverlab.router.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.failoverlab.common.config.ConfigException;
import io.failoverlab.common.config.Env;
import io.failoverlab.router.SlotHash;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CounterKeysTest {

  @Test
  void keysFallInEqualSlicesOfTheSlotSpace() {
    CounterKeys keys = new CounterKeys("lab", 48);
    assertThat(keys.names()).hasSize(48).doesNotHaveDuplicates();
    for (int i = 0; i < 48; i++) {
      int slot = SlotHash.slot(keys.names().get(i));
      assertThat(slot).isBetween(i * 16384 / 48, (i + 1) * 16384 / 48 - 1);
    }
    // Writer and reader derive the same names from the same settings.
    assertThat(new CounterKeys("lab", 48).names()).isEqualTo(keys.names());
  }

  @Test
  void badSettingsNameTheVariable() {
    assertThatThrownBy(() -> CounterKeys.fromEnv(new Env(Map.of("KEY_PREFIX", "has space"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("KEY_PREFIX:");
    assertThatThrownBy(() -> CounterKeys.fromEnv(new Env(Map.of("KEY_COUNT", "0"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("KEY_COUNT:");
  }
}
