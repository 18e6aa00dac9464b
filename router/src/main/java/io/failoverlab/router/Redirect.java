package io.failoverlab.router;

import io.failoverlab.common.topology.HostAndPort;

/** A parsed MOVED or ASK reply: "MOVED 3999 127.0.0.1:6381". */
public record Redirect(boolean ask, int slot, HostAndPort target) {

  /** Returns null when the message is not a well-formed redirect. */
  public static Redirect parse(String message) {
    if (message == null) {
      return null;
    }
    String[] parts = message.strip().split("\\s+");
    if (parts.length != 3 || !(parts[0].equals("MOVED") || parts[0].equals("ASK"))) {
      return null;
    }
    try {
      int slot = Integer.parseInt(parts[1]);
      String address = parts[2];
      // Redis 7 may answer ":port" when the node does not know its own IP: same host as asked.
      if (address.startsWith(":")) {
        return null;
      }
      return new Redirect(parts[0].equals("ASK"), slot, HostAndPort.parse(address));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
