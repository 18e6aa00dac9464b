package io.failoverlab.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.testsupport.Chromium;
import io.failoverlab.testsupport.ProcessRun;
import io.failoverlab.testsupport.TestDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's chromium, headless, on a local file: its rendered DOM and a screenshot. Needs the
 * {@code chromium} package (binary /usr/bin/chromium, or CHROMIUM); a missing browser fails the test.
 */
final class HeadlessChromium {

  private HeadlessChromium() {
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
      List<String> command = new ArrayList<>(List.of(Chromium.browser().toString()));
      command.addAll(Chromium.headless(profile));
      command.addAll(List.of(args));
      command.add(html.toAbsolutePath().toUri().toString());
      ProcessRun chromium = ProcessRun.of(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD),
          Duration.ofSeconds(60));
      assertThat(chromium.exited()).as("chromium finished within 60 s").isTrue();
      assertThat(chromium.exitCode()).as("chromium exit code").isZero();
      return chromium.output();
    } finally {
      TestDirs.delete(profile);
    }
  }
}
