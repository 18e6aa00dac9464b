package io.failoverlab.writer;

import io.failoverlab.common.metrics.ServiceMain;

/** {@code java -jar writer-service/target/writer-service.jar}: configuration from the environment. */
public final class WriterMain {

  private WriterMain() {
  }

  public static void main(String[] args) {
    ServiceMain.run("writer-service", (env, registry) -> new WriterVerticle(WriterVerticle.settings(env), registry));
  }
}
