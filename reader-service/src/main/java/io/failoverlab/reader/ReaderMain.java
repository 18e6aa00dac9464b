package io.failoverlab.reader;

import io.failoverlab.common.metrics.ServiceMain;

/** {@code java -jar reader-service/target/reader-service.jar}: configuration from the environment. */
public final class ReaderMain {

  private ReaderMain() {
  }

  public static void main(String[] args) {
    ServiceMain.run("reader-service",
        (env, registry) -> new ReaderVerticle(ReaderVerticle.settings(env), ReaderVerticle.readFrom(env), registry));
  }
}
