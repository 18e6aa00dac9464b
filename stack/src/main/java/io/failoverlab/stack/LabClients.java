package io.failoverlab.stack;

import io.failoverlab.clients.ClientCatalog;
import io.failoverlab.clients.ClientHarness;
import io.failoverlab.clients.ClientSpec;
import java.util.List;

/**
 * The clients under test a lab runs beside its services (none unless asked: {@code --clients}).
 *
 * @param catalog  where the child-process clients are defined
 * @param specs    which clients, in which configurations
 * @param settings their workload (keys, rate) and the stall limit of child processes
 */
public record LabClients(ClientCatalog catalog, List<ClientSpec> specs, ClientHarness.Settings settings) {

  public LabClients {
    specs = List.copyOf(specs);
  }

  public static LabClients none() {
    return new LabClients(null, List.of(), ClientHarness.Settings.defaults());
  }

  public boolean any() {
    return !specs.isEmpty();
  }
}
