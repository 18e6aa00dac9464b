package io.failoverlab.monitor;

import io.failoverlab.common.config.ConfigException;
import io.failoverlab.common.config.Env;
import io.failoverlab.common.config.HttpSettings;
import io.failoverlab.common.config.RedisSettings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The monitor's configuration: the shared Redis and HTTP settings plus
 * MONITOR_POLL_MS (default 200, min 20): how often every node is asked for its view;
 * MONITOR_PROBE_MS (default 5, 1-1000): the period of the probe that times a suspected shard's
 * milestones ({@link ShardProbe});
 * INCIDENT_QUIET_MS (default 3000): how long clients must be error-free and the topology unchanged
 * before an incident closes; INCIDENT_HISTORY (default 50): incidents kept, oldest dropped first;
 * CHAOS_TOKEN (no default: the kill endpoint is off without it; at least 16 characters);
 * MONITOR_DATA_DIR (no default: history in memory only, lost at a restart): the directory of the
 * incident journal ({@link io.failoverlab.monitor.journal.Journal}), created if missing;
 * MONITOR_JOURNAL_MAX_BYTES (default 64 MiB, 64 KiB-1 GiB): the journal's size bound.
 */
public record MonitorSettings(
    RedisSettings redis,
    HttpSettings http,
    int pollIntervalMs,
    int probeIntervalMs,
    int incidentQuietMs,
    int incidentHistory,
    Optional<String> chaosToken,
    Optional<Path> dataDir,
    long journalMaxBytes) {

  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final int MIN_CHAOS_TOKEN_LENGTH = 16;
  public static final int DEFAULT_PROBE_MS = 5;
  public static final int DEFAULT_JOURNAL_MAX_BYTES = 64 * 1024 * 1024;

  public static MonitorSettings fromEnv(Env env) {
    return new MonitorSettings(
        RedisSettings.fromEnv(env),
        HttpSettings.fromEnv(env, DEFAULT_HTTP_PORT),
        env.integer("MONITOR_POLL_MS", 200, 20, 60_000),
        env.integer("MONITOR_PROBE_MS", DEFAULT_PROBE_MS, 1, 1000),
        env.integer("INCIDENT_QUIET_MS", 3000, 0, 3_600_000),
        env.integer("INCIDENT_HISTORY", 50, 1, 10_000),
        chaosToken(env),
        dataDir(env),
        env.integer("MONITOR_JOURNAL_MAX_BYTES", DEFAULT_JOURNAL_MAX_BYTES, 64 * 1024, 1024 * 1024 * 1024));
  }

  private static Optional<Path> dataDir(Env env) {
    Optional<String> raw = env.optional("MONITOR_DATA_DIR");
    try {
      return raw.map(Path::of);
    } catch (InvalidPathException e) {
      throw new ConfigException("MONITOR_DATA_DIR", "not a path: " + e.getMessage());
    }
  }

  /** The same settings with the journal in {@code dir} (the lab's default). */
  public MonitorSettings withDataDir(Path dir) {
    return new MonitorSettings(redis, http, pollIntervalMs, probeIntervalMs, incidentQuietMs, incidentHistory,
        chaosToken, Optional.of(dir), journalMaxBytes);
  }

  private static Optional<String> chaosToken(Env env) {
    Optional<String> token = env.optional("CHAOS_TOKEN");
    if (token.isPresent() && token.get().length() < MIN_CHAOS_TOKEN_LENGTH) {
      throw new ConfigException("CHAOS_TOKEN", "must be at least " + MIN_CHAOS_TOKEN_LENGTH
          + " characters (it guards an endpoint that can take the cluster down), got " + token.get().length());
    }
    return token;
  }

  // The token must not end up in logs through toString().
  @Override
  public String toString() {
    return "MonitorSettings[redis=" + redis + ", http=" + http + ", pollIntervalMs=" + pollIntervalMs
        + ", probeIntervalMs=" + probeIntervalMs + ", incidentQuietMs=" + incidentQuietMs + ", incidentHistory=" + incidentHistory
        + ", chaosToken=" + (chaosToken.isPresent() ? "***" : "none") + ", dataDir=" + dataDir.map(Path::toString).orElse("none")
        + ", journalMaxBytes=" + journalMaxBytes + "]";
  }
}
