package io.failoverlab.clients;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One client under test: a library in one of its configurations, written {@code library:config}
 * ("lettuce:tuned"); the library alone means its {@code default} configuration. The label names the
 * client everywhere: the {@code service} of its stats and outages on the event bus, its metrics, its
 * keys, the reports.
 */
public record ClientSpec(String library, String config) {

  public static final String DEFAULT = "default";
  public static final String TUNED = "tuned";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,39}");

  public ClientSpec {
    if (library == null || !NAME.matcher(library).matches()) {
      throw new IllegalArgumentException("client name must be 1-40 of a-z 0-9 _ . - (starting with a letter or "
          + "digit), got '" + library + "'");
    }
    if (!DEFAULT.equals(config) && !TUNED.equals(config)) {
      throw new IllegalArgumentException("client configuration must be " + DEFAULT + " or " + TUNED + ", got '"
          + config + "' (in '" + library + ":" + config + "')");
    }
  }

  /** "lettuce" or "lettuce:tuned"; lower case. An IllegalArgumentException names what is wrong. */
  public static ClientSpec parse(String text) {
    String spec = text.strip().toLowerCase(Locale.ROOT);
    int colon = spec.indexOf(':');
    return colon < 0 ? new ClientSpec(spec, DEFAULT) : new ClientSpec(spec.substring(0, colon), spec.substring(colon + 1));
  }

  /** "lettuce:tuned". */
  public String label() {
    return library + ":" + config;
  }

  @Override
  public String toString() {
    return label();
  }
}
