package io.failoverlab.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's chromium for the tests that render a page: where its binaries are and the flags that run it
 * headless on a build machine. Nothing is downloaded; a missing binary fails the test naming the package.
 */
public final class Chromium {

  private Chromium() {
  }

  /** The browser: CHROMIUM, or /usr/bin/chromium (package chromium). */
  public static Path browser() {
    return executable("CHROMIUM", "/usr/bin/chromium", "chromium");
  }

  /** Its WebDriver: CHROMEDRIVER, or /usr/bin/chromedriver (package chromium-driver). */
  public static Path driver() {
    return executable("CHROMEDRIVER", "/usr/bin/chromedriver", "chromium-driver");
  }

  /** Headless, no sandbox, GPU or background traffic, with {@code profile} as a throw-away user data directory. */
  public static List<String> headless(Path profile) {
    return List.of("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile);
  }

  private static Path executable(String variable, String fallback, String debianPackage) {
    String configured = System.getenv(variable);
    Path path = Path.of(configured != null && !configured.isBlank() ? configured : fallback);
    assertThat(Files.isExecutable(path)).as("%s is needed for this test: apt-get install -y %s", path, debianPackage)
        .isTrue();
    return path;
  }
}
