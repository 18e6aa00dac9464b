package io.failoverlab.common.config;

import java.util.regex.Pattern;

/**
 * Where a service's HTTP server listens: HTTP_HOST (default 127.0.0.1), HTTP_PORT (per service).
 * HTTP_HOST is checked here: unchecked, a typo only failed at listen, with a bind error that named no
 * variable and exit code 1 (found by BadConfigurationTest).
 */
public record HttpSettings(String host, int port) {

  private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  /** A host name has a letter somewhere: "999.1.1.1" is a bad address, not a name. */
  private static final Pattern HOST_NAME = Pattern.compile("(?=.*[A-Za-z])[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  public static HttpSettings fromEnv(Env env, int defaultPort) {
    String host = env.string("HTTP_HOST", "127.0.0.1");
    if (!IPV4.matcher(host).matches() && !HOST_NAME.matcher(host).matches() && !IPV6.matcher(host).matches()) {
      throw new ConfigException("HTTP_HOST", "expected an IPv4 or IPv6 address or a host name of this machine to listen "
          + "on (0.0.0.0 for every interface), got '" + host + "'");
    }
    return new HttpSettings(host, env.integer("HTTP_PORT", defaultPort, 0, 65535));
  }
}
