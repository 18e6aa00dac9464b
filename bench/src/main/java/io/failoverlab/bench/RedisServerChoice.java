package io.failoverlab.bench;

import java.nio.file.Path;

/**
 * A redis-server the timing measurement runs, as {@code --redis-server} names it: {@code system}
 * (what the lab runs: REDIS_SERVER, else the first on PATH, else the bundled one), {@code bundled}
 * (the Redis 6.2 in the embedded-redis jar, extracted for the run) or a path to an executable.
 */
record RedisServerChoice(String label, Path path) {

  static final String SYSTEM = "system";
  static final String BUNDLED = "bundled";

  static RedisServerChoice system() {
    return new RedisServerChoice(SYSTEM, null);
  }

  static RedisServerChoice bundled() {
    return new RedisServerChoice(BUNDLED, null);
  }

  static RedisServerChoice of(Path path) {
    return new RedisServerChoice(path.toString(), path);
  }

  boolean isBundled() {
    return BUNDLED.equals(label) && path == null;
  }

  @Override
  public String toString() {
    return label;
  }
}
