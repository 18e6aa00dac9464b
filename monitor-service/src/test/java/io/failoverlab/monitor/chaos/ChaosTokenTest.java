package io.failoverlab.monitor.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.failoverlab.common.config.ConfigException;
import io.failoverlab.common.config.Env;
import io.failoverlab.monitor.MonitorSettings;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChaosTokenTest {

  private final ChaosToken token = new ChaosToken(Optional.of("s3cret-token-0123456789"));

  @Test
  void onlyTheExactBearerTokenPasses() {
    assertThat(token.check("Bearer s3cret-token-0123456789")).isEqualTo(ChaosToken.Verdict.OK);
    assertThat(token.check("bearer s3cret-token-0123456789")).isEqualTo(ChaosToken.Verdict.OK);
    assertThat(token.check("Bearer s3cret-token-012345678")).isEqualTo(ChaosToken.Verdict.WRONG);
    assertThat(token.check("Bearer s3cret-token-01234567890")).isEqualTo(ChaosToken.Verdict.WRONG);
    assertThat(token.check("Bearer ")).isEqualTo(ChaosToken.Verdict.WRONG);
    assertThat(token.check("s3cret-token-0123456789")).isEqualTo(ChaosToken.Verdict.MISSING);
    assertThat(token.check(null)).isEqualTo(ChaosToken.Verdict.MISSING);
  }

  @Test
  void withoutATokenEverythingIsRefusedAsDisabled() {
    ChaosToken off = new ChaosToken(Optional.empty());
    assertThat(off.enabled()).isFalse();
    assertThat(off.check("Bearer anything")).isEqualTo(ChaosToken.Verdict.DISABLED);
  }

  @Test
  void aShortTokenIsABadConfigurationAndNeverLogged() {
    assertThatThrownBy(() -> MonitorSettings.fromEnv(new Env(Map.of("CHAOS_TOKEN", "short"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("CHAOS_TOKEN:").hasMessageNotContaining("short");
    MonitorSettings settings = MonitorSettings.fromEnv(new Env(Map.of("CHAOS_TOKEN", "s3cret-token-0123456789",
        "REDIS_PASSWORD", "hunter2")));
    assertThat(settings.toString()).doesNotContain("s3cret").doesNotContain("hunter2");
  }

  @Test
  void logLinesCannotBeForgedThroughUserInput() {
    assertThat(ChaosHandler.printable("127.0.0.1:7000\nevent=chaos_request outcome=accepted"))
        .doesNotContain("\n").startsWith("127.0.0.1:7000?event");
    assertThat(ChaosHandler.printable(null)).isEqualTo("-");
  }
}
