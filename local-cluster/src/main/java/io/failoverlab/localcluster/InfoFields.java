package io.failoverlab.localcluster;

import java.util.HashMap;
import java.util.Map;

/** Parses "key:value" reply text (INFO, CLUSTER INFO). */
final class InfoFields {

  private InfoFields() {
  }

  static Map<String, String> parse(String text) {
    Map<String, String> fields = new HashMap<>();
    for (String line : text.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        fields.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
      }
    }
    return fields;
  }
}
