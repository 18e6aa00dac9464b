package io.failoverlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.router.SlotHash;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Our key-to-slot hash (every operation computes it) against Lettuce's, an independent
 * implementation, and against slots Redis itself gives (CLUSTER KEYSLOT).
 */
class SlotHashAgreementTest {

  @Test
  void agreesWithRedisOnKnownKeys() {
    assertThat(SlotHash.slot("foo")).isEqualTo(12182);
    assertThat(SlotHash.slot("bar")).isEqualTo(5061);
    assertThat(SlotHash.slot("{user1000}.following")).isEqualTo(SlotHash.slot("{user1000}.followers"));
    assertThat(SlotHash.slot("{user1000}.following")).isEqualTo(SlotHash.slot("user1000"));
  }

  @Test
  void agreesWithLettuceOnHashTagsEdgeCasesAndNonAsciiKeys() {
    List<String> keys = new ArrayList<>(List.of("", "{", "}", "{}", "{}x", "x{}", "a{b}c", "a{b}c{d}", "}{a}", "{{a}}",
        "{a", "a}", "ключ", "{ключ}x", "x{ключ}", "ключ{a}", "é{é}é", "{é", "failoverlab:counter:{c0.12}", "😀{k}",
        "{😀}"));
    Random random = new Random(42);
    String alphabet = "ab{}:_-09é€😀";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder key = new StringBuilder();
      int length = random.nextInt(12);
      for (int c = 0; c < length; c++) {
        key.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0,
            alphabet.length())))));
      }
      keys.add(key.toString());
    }
    for (String key : keys) {
      assertThat(SlotHash.slot(key)).as("slot of '%s'", key).isEqualTo(io.lettuce.core.cluster.SlotHash.getSlot(key));
    }
  }
}
