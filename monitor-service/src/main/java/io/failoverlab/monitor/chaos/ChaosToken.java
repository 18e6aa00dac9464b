package io.failoverlab.monitor.chaos;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The shared secret that guards the kill endpoint (CHAOS_TOKEN). Without one the endpoint is off:
 * it can take a production cluster down, so it must be turned on deliberately.
 */
public final class ChaosToken {

  public enum Verdict { DISABLED, MISSING, WRONG, OK }

  private final byte[] expected;

  public ChaosToken(Optional<String> token) {
    this.expected = token.map(value -> value.getBytes(StandardCharsets.UTF_8)).orElse(null);
  }

  public boolean enabled() {
    return expected != null;
  }

  /** Judges an {@code Authorization} header value ("Bearer <token>"); null when absent. */
  public Verdict check(String authorization) {
    if (expected == null) {
      return Verdict.DISABLED;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Verdict.MISSING;
    }
    byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    // Constant-time: the comparison must not tell an attacker how many leading bytes were right.
    return MessageDigest.isEqual(expected, given) ? Verdict.OK : Verdict.WRONG;
  }
}
