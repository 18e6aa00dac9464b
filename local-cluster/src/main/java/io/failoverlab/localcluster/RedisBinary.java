package io.failoverlab.localcluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The redis-server executable a cluster runs, where it came from and which version it reports.
 *
 * <p>{@link #resolve} blocks (file system, and runs {@code redis-server --version}): call it off the event loop.
 */
public record RedisBinary(Path path, Source source, String version) {

  public enum Source {
    /** {@link LocalClusterConfig#redisServerOverride()} was set. */
    OVERRIDE,
    /** The {@code REDIS_SERVER} environment variable. */
    REDIS_SERVER_ENV,
    /** The first {@code redis-server} on {@code PATH}. */
    PATH,
    /** Extracted from the embedded-redis jar into a temp file (deleted when the cluster stops). */
    BUNDLED
  }

  public static final String ENV_VAR = "REDIS_SERVER";
  static final String EXECUTABLE_NAME = "redis-server";

  public String describe() {
    return "path=" + path + " source=" + source + " version=" + version;
  }

  /** True when the version is at least {@code major.minor} (e.g. to decide which config directives it accepts). */
  public boolean isAtLeast(int major, int minor) {
    String[] parts = version.split("\\.");
    int actualMajor = Integer.parseInt(parts[0]);
    int actualMinor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
    return actualMajor > major || (actualMajor == major && actualMinor >= minor);
  }

  /**
   * Picks the binary: {@code override}, else {@code REDIS_SERVER} from {@code env}, else {@code redis-server} on the
   * {@code PATH} of {@code env}, else the bundled binary for this OS/arch. An explicit choice (override or
   * REDIS_SERVER) that is unusable is an error, never silently replaced by another binary.
   */
  public static RedisBinary resolve(Map<String, String> env, Path override) {
    return resolve(env, override, System.getProperty("os.name"), System.getProperty("os.arch"));
  }

  static RedisBinary resolve(Map<String, String> env, Path override, String osName, String osArch) {
    if (override != null) {
      return withVersion(requireExecutable(override, "redisServerOverride"), Source.OVERRIDE);
    }
    String fromEnv = env.get(ENV_VAR);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return withVersion(requireExecutable(Path.of(fromEnv.trim()), ENV_VAR), Source.REDIS_SERVER_ENV);
    }
    Optional<Path> onPath = findOnPath(env.get("PATH"));
    if (onPath.isPresent()) {
      return withVersion(onPath.get(), Source.PATH);
    }
    Path extracted = BundledRedisServer.extract(osName, osArch);
    try {
      return withVersion(extracted, Source.BUNDLED);
    } catch (RuntimeException e) {
      deleteQuietly(extracted);
      throw e;
    }
  }

  /** Removes the temp file a {@link Source#BUNDLED} binary was extracted to; no-op for other sources. */
  void deleteIfExtracted() {
    if (source == Source.BUNDLED) {
      deleteQuietly(path);
    }
  }

  private static Path requireExecutable(Path candidate, String origin) {
    if (!Files.exists(candidate)) {
      throw new IllegalStateException(origin + "=" + candidate + " does not exist; point " + origin + " to a redis-server executable");
    }
    if (!Files.isRegularFile(candidate) || !Files.isExecutable(candidate)) {
      throw new IllegalStateException(origin + "=" + candidate + " is not an executable file; point " + origin + " to a redis-server executable");
    }
    // Not toRealPath(): Debian's redis-server is a symlink to redis-check-rdb, which picks its role from argv[0].
    return candidate.toAbsolutePath();
  }

  static Optional<Path> findOnPath(String pathVariable) {
    if (pathVariable == null || pathVariable.isBlank()) {
      return Optional.empty();
    }
    for (String dir : pathVariable.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path candidate = Path.of(dir, EXECUTABLE_NAME);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath());
      }
    }
    return Optional.empty();
  }

  private static RedisBinary withVersion(Path path, Source source) {
    return new RedisBinary(path, source, RedisVersion.of(path));
  }

  static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // Best effort: a temp file left behind is harmless compared to failing a shutdown.
    }
  }
}
