package io.failoverlab.router.load;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.config.HttpSettings;
import io.failoverlab.common.config.RedisSettings;

/**
 * What a load-generating client service (writer, reader) needs. {@code <SERVICE>_RATE} is operations
 * per second (0 = as fast as possible), {@code <SERVICE>_CONCURRENCY} the bound on operations in flight.
 */
public record ClientSettings(RedisSettings redis, HttpSettings http, CounterKeys keys, int rate, int concurrency) {

  public static ClientSettings fromEnv(Env env, String prefix, int defaultPort, int defaultRate, int defaultConcurrency) {
    return new ClientSettings(
        RedisSettings.fromEnv(env),
        HttpSettings.fromEnv(env, defaultPort),
        CounterKeys.fromEnv(env),
        env.integer(prefix + "_RATE", defaultRate, 0, 10_000_000),
        env.integer(prefix + "_CONCURRENCY", defaultConcurrency, 1, 100_000));
  }
}
