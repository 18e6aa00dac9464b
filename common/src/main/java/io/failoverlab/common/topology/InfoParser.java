package io.failoverlab.common.topology;

import java.util.HashMap;
import java.util.Map;

/** Parses "key:value" replies (CLUSTER INFO, INFO sections), skipping "# Section" headers. */
public final class InfoParser {

  private InfoParser() {
  }

  public static Map<String, String> parse(String reply) {
    Map<String, String> values = new HashMap<>();
    for (String line : reply.split("\r?\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        values.put(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    return values;
  }
}
