package io.failoverlab.localcluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;

/**
 * The last-resort redis-server: the binaries com.github.codemonstur:embedded-redis ships as jar root resources
 * (Redis 6.2.x), so a machine without any Redis install can still run the lab.
 */
final class BundledRedisServer {

  private BundledRedisServer() {
  }

  /** Resource name of the bundled binary for an OS/arch pair, if the jar has one. */
  static Optional<String> resourceName(String osName, String osArch) {
    String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
    String arch = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT);
    boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
    boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
    boolean x86 = arch.equals("x86") || arch.equals("i386") || arch.equals("i486") || arch.equals("i586") || arch.equals("i686");
    if (os.contains("linux")) {
      if (x64) return Optional.of("redis-server-6.2.6-v5-linux-amd64");
      if (arm64) return Optional.of("redis-server-6.2.7-linux-arm64");
      if (x86) return Optional.of("redis-server-6.2.7-linux-386");
    } else if (os.contains("mac") || os.contains("darwin")) {
      if (x64) return Optional.of("redis-server-6.2.6-v5-darwin-amd64");
      if (arm64) return Optional.of("redis-server-6.2.6-v5-darwin-arm64");
    }
    return Optional.empty();
  }

  /** Copies the matching binary into a new executable temp file; the caller deletes it. Blocking. */
  static Path extract(String osName, String osArch) {
    String resource = resourceName(osName, osArch).orElseThrow(() -> new IllegalStateException(
        "no redis-server found: REDIS_SERVER is not set, there is no redis-server on PATH, and no bundled binary exists for os.name="
            + osName + " os.arch=" + osArch + " (bundled: linux amd64/arm64/386, macOS amd64/arm64). "
            + "Install Redis (e.g. apt-get install redis-server) or set REDIS_SERVER to a redis-server executable"));
    try (InputStream in = BundledRedisServer.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no redis-server found: REDIS_SERVER is not set, there is no redis-server on PATH, and the bundled binary "
            + resource + " is not on the classpath (is com.github.codemonstur:embedded-redis missing?). "
            + "Install Redis (e.g. apt-get install redis-server) or set REDIS_SERVER to a redis-server executable");
      }
      Path target = Files.createTempFile("local-redis-cluster-" + resource + "-", "",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      try {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        // REPLACE_EXISTING recreates the file with default permissions: make it executable again.
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
        // Safety net for callers that never stop the cluster; stop() deletes it earlier.
        target.toFile().deleteOnExit();
        return target;
      } catch (IOException | RuntimeException e) {
        RedisBinary.deleteQuietly(target);
        throw e;
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot extract bundled " + resource + ": " + e.getMessage(), e);
    }
  }
}
