package io.failoverlab.localcluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

/** Fails early and by name when a data or bus port is taken, instead of leaving a half-started cluster. Blocking. */
final class PortCheck {

  private PortCheck() {
  }

  static void requireFree(List<Integer> dataPorts) {
    for (int port : dataPorts) {
      requireFree(port, "data port of node " + port);
      requireFree(port + LocalClusterConfig.BUS_PORT_OFFSET, "cluster bus port of node " + port);
    }
  }

  private static void requireFree(int port, String role) {
    try (ServerSocket socket = new ServerSocket()) {
      // Same as redis-server: connections of a previous run in TIME_WAIT must not count as "in use".
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new IllegalStateException("port " + port + " (" + role + ") is already in use on 127.0.0.1: " + e.getMessage(), e);
    }
  }
}
