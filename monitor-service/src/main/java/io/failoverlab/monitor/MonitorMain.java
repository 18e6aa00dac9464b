package io.failoverlab.monitor;

import io.failoverlab.common.metrics.ServiceMain;

/** {@code java -jar monitor-service/target/monitor-service.jar}: configuration from the environment. */
public final class MonitorMain {

  private MonitorMain() {
  }

  public static void main(String[] args) {
    ServiceMain.run("monitor-service", (env, registry) -> new MonitorVerticle(MonitorVerticle.settings(env), registry));
  }
}
