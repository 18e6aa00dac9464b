package io.failoverlab.common.config;

import io.failoverlab.common.topology.HostAndPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Typed, validated access to configuration variables. Every parse error is a {@link ConfigException}
 * naming the variable, so a service fails at start-up with a message that says what to fix.
 * Empty values count as unset, so {@code FOO=} in a compose file falls back to the default.
 */
public final class Env {

  private final Map<String, String> vars;

  public Env(Map<String, String> vars) {
    this.vars = Map.copyOf(vars);
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  /** A copy with some variables replaced (the lab derives each service's view this way). */
  public Env with(Map<String, String> overrides) {
    var merged = new java.util.HashMap<>(vars);
    merged.putAll(overrides);
    return new Env(merged);
  }

  public Optional<String> optional(String name) {
    String value = vars.get(name);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(value.trim());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public int integer(String name, int defaultValue, int min, int max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    long value;
    try {
      value = Long.parseLong(raw.get());
    } catch (NumberFormatException e) {
      throw new ConfigException(name, "expected an integer between " + min + " and " + max + ", got '" + raw.get() + "'");
    }
    if (value < min || value > max) {
      throw new ConfigException(name, "expected an integer between " + min + " and " + max + ", got " + value);
    }
    return (int) value;
  }

  public boolean bool(String name, boolean defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    switch (raw.get().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1", "on":
        return true;
      case "false", "no", "0", "off":
        return false;
      default:
        throw new ConfigException(name, "expected true or false, got '" + raw.get() + "'");
    }
  }

  /** One of the enum's constants, matched case-insensitively. */
  public <E extends Enum<E>> E choice(String name, E defaultValue, Class<E> type) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(raw.get())) {
        return constant;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      allowed.add(constant.name().toLowerCase(Locale.ROOT));
    }
    throw new ConfigException(name, "expected one of " + allowed + ", got '" + raw.get() + "'");
  }

  /** A comma-separated list of host:port, at least one. */
  public List<HostAndPort> addresses(String name, String defaultValue) {
    String raw = string(name, defaultValue);
    List<HostAndPort> result = new ArrayList<>();
    for (String part : raw.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        result.add(HostAndPort.parse(part.trim()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, e.getMessage());
      }
    }
    if (result.isEmpty()) {
      throw new ConfigException(name, "expected at least one host:port, got '" + raw + "'");
    }
    return List.copyOf(result);
  }
}
