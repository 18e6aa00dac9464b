package io.failoverlab.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Teardown checks on ports: what a test started must not be left listening. */
public final class Ports {

  private Ports() {
  }

  /** Nothing listens on 127.0.0.1:{@code from}..{@code to} any more (every redis-server the test started is gone). */
  public static void assertFree(int from, int to) {
    for (int port = from; port <= to; port++) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
      } catch (IOException e) {
        throw new AssertionError("port " + port + " is still in use: " + e.getMessage(), e);
      }
    }
  }
}
