package io.failoverlab.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Debian's chromium, headless, on a local file: its rendered DOM and a screenshot. Needs the
 * {@code chromium} package (binary /usr/bin/chromium, or CHROMIUM); a missing browser fails the test.
 */
final class HeadlessChromium {

  private HeadlessChromium() {
  }

  static Path binary() {
    String configured = System.getenv("CHROMIUM");
    Path binary = Path.of(configured != null && !configured.isBlank() ? configured : "/usr/bin/chromium");
    assertThat(Files.isExecutable(binary)).as("%s is needed for this test: apt-get install -y chromium", binary).isTrue();
    return binary;
  }

  /** The DOM after the page rendered (--dump-dom). */
  static String dumpDom(Path html) throws Exception {
    return run(html, "--dump-dom");
  }

  /** Writes a PNG of the page in a 1400x1000 window. */
  static void screenshot(Path html, Path png) throws Exception {
    Files.deleteIfExists(png);
    run(html, "--screenshot=" + png.toAbsolutePath(), "--window-size=1400,1000", "--hide-scrollbars");
  }

  private static String run(Path html, String... args) throws Exception {
    Path profile = Files.createTempDirectory("drill-chromium-");
    try {
      List<String> command = new ArrayList<>(List.of(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu",
          "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--user-data-dir=" + profile));
      command.addAll(List.of(args));
      command.add(html.toAbsolutePath().toUri().toString());
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> {
        try {
          return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      boolean exited = process.waitFor(60, TimeUnit.SECONDS);
      if (!exited) {
        process.destroyForcibly();
      }
      assertThat(exited).as("chromium finished within 60 s").isTrue();
      assertThat(process.exitValue()).as("chromium exit code").isZero();
      return stdout.get(10, TimeUnit.SECONDS);
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
