package io.failoverlab.router;

/** Hears about every failed command of an operation, including the ones the router retried. */
@FunctionalInterface
public interface AttemptObserver {

  AttemptObserver NONE = (failure, startedAtMillis) -> { };

  /** {@code startedAtMillis}: wall-clock time the failed attempt was sent. */
  void attemptFailed(RedisFailure failure, long startedAtMillis);
}
