package io.failoverlab.localcluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Asks a redis-server binary for its version ({@code redis-server --version}). Blocking. */
final class RedisVersion {

  private static final Pattern VERSION = Pattern.compile("v=(\\d+\\.\\d+\\.\\d+)");

  private RedisVersion() {
  }

  static String of(Path binary) {
    String output;
    try {
      Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
      // --version prints one short line; reading before waiting cannot dead-lock on a full pipe.
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(binary + " --version did not finish within 10 s");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + binary + " --version: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + binary + " --version", e);
    }
    return parse(output).orElseThrow(() ->
        new IllegalStateException(binary + " does not look like redis-server: --version printed '" + output + "'"));
  }

  static java.util.Optional<String> parse(String versionOutput) {
    Matcher matcher = VERSION.matcher(versionOutput);
    return matcher.find() ? java.util.Optional.of(matcher.group(1)) : java.util.Optional.empty();
  }
}
