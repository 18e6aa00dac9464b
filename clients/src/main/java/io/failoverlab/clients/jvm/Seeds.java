package io.failoverlab.clients.jvm;

import io.failoverlab.common.topology.HostAndPort;
import java.util.List;

/** Where a client finds the cluster, and the password if it has one: what every library is given. */
public record Seeds(List<HostAndPort> nodes, String password) {

  public Seeds {
    nodes = List.copyOf(nodes);
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("at least one seed node");
    }
  }

  /** "127.0.0.1:7000,127.0.0.1:7001". */
  public String joined() {
    return String.join(",", nodes.stream().map(HostAndPort::toString).toList());
  }
}
