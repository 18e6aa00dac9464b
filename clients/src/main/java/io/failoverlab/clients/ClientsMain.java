package io.failoverlab.clients;

import io.failoverlab.common.metrics.ServiceMain;

/** {@code java -jar clients/target/clients-service.jar}: the clients under test, configured by the environment. */
public final class ClientsMain {

  private ClientsMain() {
  }

  public static void main(String[] args) {
    ServiceMain.run("clients-service", (env, registry) -> new ClientsVerticle(ClientsSettings.fromEnv(env), registry));
  }
}
