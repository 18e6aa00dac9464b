package io.failoverlab.common.topology;

import java.util.regex.Pattern;

/** A Redis node address as the cluster reports it ("ip:port"). */
public record HostAndPort(String host, int port) implements Comparable<HostAndPort> {

  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:-]{1,253}");

  public HostAndPort {
    if (host == null || !HOST.matcher(host).matches()) {
      throw new IllegalArgumentException("invalid host '" + host + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("invalid port " + port + " (1-65535)");
    }
  }

  /** Parses "host:port" (IPv6 as "[::1]:7000" or the cluster's "::1:7000": the last colon splits). */
  public static HostAndPort parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("missing host:port");
    }
    String value = text.trim();
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException("expected host:port, got '" + text + "'");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected host:port with a numeric port, got '" + text + "'");
    }
    return new HostAndPort(host, port);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }

  @Override
  public int compareTo(HostAndPort other) {
    int byHost = host.compareTo(other.host);
    return byHost != 0 ? byHost : Integer.compare(port, other.port);
  }
}
