package io.failoverlab.common.config;

/** Where a service's HTTP server listens: HTTP_HOST (default 127.0.0.1), HTTP_PORT (per service). */
public record HttpSettings(String host, int port) {

  public static HttpSettings fromEnv(Env env, int defaultPort) {
    return new HttpSettings(env.string("HTTP_HOST", "127.0.0.1"), env.integer("HTTP_PORT", defaultPort, 0, 65535));
  }
}
