package io.failoverlab.clients.jvm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The versions of the libraries under test, as the build pinned them (clients-versions.properties,
 * filtered by Maven): a library's own manifest does not survive in the lab's shaded jar.
 */
final class VersionOf {

  private static final Properties VERSIONS = load();

  private VersionOf() {
  }

  /** The version of {@code library} ("lettuce", "jedis", ...), or "?" if the build did not record it. */
  static String library(String library) {
    return VERSIONS.getProperty(library, "?");
  }

  private static Properties load() {
    Properties versions = new Properties();
    try (InputStream in = VersionOf.class.getResourceAsStream("/clients-versions.properties")) {
      if (in != null) {
        versions.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return versions;
  }
}
