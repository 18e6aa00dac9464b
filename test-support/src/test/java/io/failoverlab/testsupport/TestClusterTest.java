package io.failoverlab.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.failoverlab.localcluster.LocalClusterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A start that fails half-way leaves nothing open: ports 7940-7945, one of them taken on purpose. */
class TestClusterTest {

  @Test
  void aFailedStartClosesTheClusterAndItsVertxAndSaysWhy() throws Exception {
    Vertx vertx = Vertx.vertx();
    AtomicBoolean vertxClosed = new AtomicBoolean();
    ((VertxInternal) vertx).addCloseHook(completion -> {
      vertxClosed.set(true);
      completion.succeed();
    });
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7942));
      assertThatThrownBy(() -> TestCluster.start(vertx, LocalClusterConfig.defaults().withPortBase(7940),
          Duration.ofSeconds(60)))
          .hasMessageContaining("port 7942 (data port of node 7942) is already in use");
    }
    assertThat(vertxClosed).isTrue();
    Ports.assertFree(7940, 7945);
  }
}
