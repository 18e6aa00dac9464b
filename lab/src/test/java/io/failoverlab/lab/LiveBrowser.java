package io.failoverlab.lab;

import io.failoverlab.testsupport.Chromium;
import io.failoverlab.testsupport.TestDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium, headless, driven by Debian's chromium-driver through Selenium: nothing is
 * downloaded (Selenium Manager is never asked, both binaries are named). Missing binaries fail the
 * test with the package to install. The browser's console is kept, so a test can assert on its errors.
 */
final class LiveBrowser implements AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(30);

  private final ChromeDriver driver;
  private final Path profile;

  private LiveBrowser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  static LiveBrowser start(int width, int height) throws IOException {
    Path chromium = Chromium.browser();
    Path chromedriver = Chromium.driver();
    Path profile = Files.createTempDirectory("live-page-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(Chromium.headless(profile));
    options.addArguments("--window-size=" + width + "," + height, "--hide-scrollbars", "--force-device-scale-factor=1");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver.toFile())
        .usingAnyFreePort()
        .build();
    try {
      ChromeDriver driver = new ChromeDriver(service, options);
      // The viewport exactly width x height whatever the window's decorations: screenshots of one size.
      driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
          Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
      return new LiveBrowser(driver, profile);
    } catch (RuntimeException e) {
      TestDirs.delete(profile);
      throw e;
    }
  }

  ChromeDriver driver() {
    return driver;
  }

  WebDriverWait waiting() {
    return waiting(WAIT);
  }

  WebDriverWait waiting(Duration timeout) {
    WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(50));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  /**
   * Console messages at SEVERE (script errors, failed loads, CSP violations) since the last call:
   * chromium hands each message out once.
   */
  List<String> newConsoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  /** A PNG of the viewport, written to {@code file}. */
  Path screenshot(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
  }

  /** Runs JavaScript with a callback as its last argument (Selenium's executeAsyncScript). */
  @SuppressWarnings("unchecked")
  Map<String, Object> callAsync(String script, Object... args) {
    return (Map<String, Object>) driver.executeAsyncScript(script, args);
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      TestDirs.delete(profile);
    }
  }
}
