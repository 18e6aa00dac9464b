package io.failoverlab.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** What redis-cli's failures look like (no server needed: a port nothing listens on). */
class RedisCliTest {

  private static int unusedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aNodeThatIsNotThereFailsTheCommandNamingItWithThePasswordMasked() throws Exception {
    int port = unusedPort();
    assertThatThrownBy(() -> RedisCli.at(port).cluster().password("secret").run("GET", "k"))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("redis-cli -p " + port + " -c -a *** --no-auth-warning GET k exited with 1:")
        .hasMessageContaining("Could not connect")
        .hasMessageNotContaining("secret");
  }

  @Test
  void aNodeThatIsNotThereDoesNotAnswerPing() throws Exception {
    assertThat(RedisCli.at(unusedPort()).answersPing()).isFalse();
  }
}
