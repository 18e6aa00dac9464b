package io.failoverlab.common.config;

import java.util.List;
import java.util.Locale;

/**
 * LOG_LEVEL (default INFO), the level of the {@code io.failoverlab} loggers. Logback reads it itself
 * (logback.xml) and takes any word it does not know for DEBUG, so a typo silently turned on debug
 * logging (found by BadConfigurationTest); checked here so it fails at start like every other variable.
 */
public final class LogSettings {

  public static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private LogSettings() {
  }

  public static String level(Env env) {
    String level = env.string("LOG_LEVEL", "INFO");
    if (!LEVELS.contains(level.toUpperCase(Locale.ROOT))) {
      throw new ConfigException("LOG_LEVEL", "expected one of " + LEVELS + ", got '" + level + "'");
    }
    return level.toUpperCase(Locale.ROOT);
  }
}
