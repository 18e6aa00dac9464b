package io.failoverlab.localcluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class RedisBinaryTest {

  @Test
  void redisServerEnvPointingToMissingFileIsAClearError() {
    assertThatThrownBy(() -> RedisBinary.resolve(Map.of("REDIS_SERVER", "/nonexistent/redis-server", "PATH", "/usr/bin"), null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REDIS_SERVER")
        .hasMessageContaining("/nonexistent/redis-server")
        .hasMessageContaining("does not exist");
  }

  @Test
  void redisServerEnvPointingToNonExecutableIsAClearError(@TempDir Path dir) throws Exception {
    Path notExecutable = Files.writeString(dir.resolve("redis-server"), "not a binary");
    assertThatThrownBy(() -> RedisBinary.resolve(Map.of("REDIS_SERVER", notExecutable.toString()), null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REDIS_SERVER")
        .hasMessageContaining("not an executable");
  }

  @Test
  void overrideWinsOverEverything() {
    Path installed = RedisBinary.findOnPath(System.getenv("PATH")).orElse(null);
    assumeThat(installed).as("redis-server on PATH").isNotNull();
    RedisBinary binary = RedisBinary.resolve(Map.of("REDIS_SERVER", "/nonexistent"), installed);
    assertThat(binary.source()).isEqualTo(RedisBinary.Source.OVERRIDE);
    assertThat(binary.version()).matches("\\d+\\.\\d+\\.\\d+");
  }

  @Test
  void findsRedisServerOnPath() {
    assumeThat(Files.isExecutable(Path.of("/usr/bin/redis-server"))).as("apt redis-server installed").isTrue();
    RedisBinary binary = RedisBinary.resolve(Map.of("PATH", "/nonexistent:/usr/local/bin:/usr/bin"), null);
    assertThat(binary.source()).isEqualTo(RedisBinary.Source.PATH);
    assertThat(binary.path().getFileName().toString()).isEqualTo("redis-server");
    assertThat(binary.describe()).contains("source=PATH").contains("version=" + binary.version());
  }

  @Test
  void fallsBackToTheBundledBinaryWhenNothingElseExists() {
    RedisBinary binary = RedisBinary.resolve(Map.of(), null);
    try {
      assertThat(binary.source()).isEqualTo(RedisBinary.Source.BUNDLED);
      assertThat(binary.version()).startsWith("6.2.");
      assertThat(Files.isExecutable(binary.path())).isTrue();
      assertThat(binary.isAtLeast(7, 0)).isFalse();
    } finally {
      binary.deleteIfExtracted();
    }
    assertThat(binary.path()).doesNotExist();
  }

  @Test
  void unsupportedPlatformWithoutAnyBinaryIsAClearError() {
    assertThatThrownBy(() -> RedisBinary.resolve(Map.of(), null, "Windows 11", "amd64"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REDIS_SERVER")
        .hasMessageContaining("os.name=Windows 11");
  }

  @Test
  void bundledResourcePerPlatform() {
    assertThat(BundledRedisServer.resourceName("Linux", "amd64")).contains("redis-server-6.2.6-v5-linux-amd64");
    assertThat(BundledRedisServer.resourceName("Linux", "aarch64")).contains("redis-server-6.2.7-linux-arm64");
    assertThat(BundledRedisServer.resourceName("Linux", "i386")).contains("redis-server-6.2.7-linux-386");
    assertThat(BundledRedisServer.resourceName("Mac OS X", "x86_64")).contains("redis-server-6.2.6-v5-darwin-amd64");
    assertThat(BundledRedisServer.resourceName("Mac OS X", "aarch64")).contains("redis-server-6.2.6-v5-darwin-arm64");
    assertThat(BundledRedisServer.resourceName("Linux", "riscv64")).isEmpty();
  }

  @Test
  void versionParsing() {
    assertThat(RedisVersion.parse("Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=e08d")).contains("7.0.15");
    assertThat(RedisVersion.parse("something else")).isEmpty();
    assertThat(new RedisBinary(Path.of("x"), RedisBinary.Source.PATH, "7.0.15").isAtLeast(7, 0)).isTrue();
    assertThat(new RedisBinary(Path.of("x"), RedisBinary.Source.PATH, "6.2.11").isAtLeast(7, 0)).isFalse();
    assertThat(new RedisBinary(Path.of("x"), RedisBinary.Source.PATH, "10.0.0").isAtLeast(7, 0)).isTrue();
  }
}
