package io.failoverlab.clients.jvm;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletionStage;

/**
 * A Redis Cluster library measured in this JVM, in one configuration. {@link #incr} is the whole
 * workload's view of it: INCR one key and give back the server's reply, completing on whatever thread
 * the library uses. Synchronous libraries run their calls on threads of their own.
 */
public interface JvmClient extends AutoCloseable {

  /** The library's version, as its jar says. */
  String version();

  /** The configuration in full, as reports print it: every setting that differs from nothing at all. */
  JsonObject settings();

  CompletionStage<Long> incr(String key);

  /** Releases the library's connections and threads; may block (called on a worker thread). */
  @Override
  void close();
}
