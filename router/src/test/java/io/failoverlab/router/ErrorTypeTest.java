package io.failoverlab.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.topology.HostAndPort;
import io.vertx.core.VertxException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ErrorTypeTest {

  @Test
  void redisErrorRepliesAreClassifiedByTheirCode() {
    assertThat(ErrorType.classify(new VertxException("MOVED 3999 127.0.0.1:7001", true))).isEqualTo(ErrorType.MOVED);
    assertThat(ErrorType.classify(new VertxException("ASK 3999 127.0.0.1:7001", true))).isEqualTo(ErrorType.ASK);
    assertThat(ErrorType.classify(new VertxException("CLUSTERDOWN The cluster is down", true))).isEqualTo(ErrorType.CLUSTERDOWN);
    assertThat(ErrorType.classify(new VertxException("MASTERDOWN Link with MASTER is down", true))).isEqualTo(ErrorType.CLUSTERDOWN);
    assertThat(ErrorType.classify(new VertxException("TRYAGAIN Multiple keys request during rehashing", true))).isEqualTo(ErrorType.TRYAGAIN);
    assertThat(ErrorType.classify(new VertxException("READONLY You can't write against a read only replica.", true))).isEqualTo(ErrorType.READONLY);
    assertThat(ErrorType.classify(new VertxException("LOADING Redis is loading the dataset in memory", true))).isEqualTo(ErrorType.LOADING);
    assertThat(ErrorType.classify(new VertxException("ERR wrong number of arguments", true))).isEqualTo(ErrorType.OTHER);
  }

  @Test
  void networkAndDeadlineFailuresAreConnectionOrTimeout() {
    assertThat(ErrorType.classify(new ConnectException("Connection refused"))).isEqualTo(ErrorType.CONNECTION);
    assertThat(ErrorType.classify(new VertxException("Connection is closed", true))).isEqualTo(ErrorType.CONNECTION);
    assertThat(ErrorType.classify(new VertxException("CONNECTION_CLOSED", true))).isEqualTo(ErrorType.CONNECTION);
    assertThat(ErrorType.classify(new TimeoutException("Timeout 250 (ms) fired"))).isEqualTo(ErrorType.TIMEOUT);
    assertThat(ErrorType.classify(new RuntimeException((String) null))).isEqualTo(ErrorType.OTHER);
  }

  @Test
  void onlyUnansweredSentCommandsHaveUnknownOutcome() {
    HostAndPort node = HostAndPort.parse("127.0.0.1:7000");
    assertThat(RedisFailure.of(new TimeoutException("t"), node, true).maybeApplied()).isTrue();
    assertThat(RedisFailure.of(new TimeoutException("t"), node, false).maybeApplied()).isFalse();
    assertThat(RedisFailure.of(new VertxException("CLUSTERDOWN down", true), node, true).maybeApplied()).isFalse();
    assertThat(RedisFailure.of(new VertxException("Connection is closed", true), node, true).maybeApplied()).isTrue();
  }

  @Test
  void labelsAreTheMetricLabels() {
    assertThat(ErrorType.CLUSTERDOWN.label()).isEqualTo("clusterdown");
    assertThat(ErrorType.fromLabel("tryagain")).isEqualTo(ErrorType.TRYAGAIN);
    assertThat(ErrorType.OTHER.retryable()).isFalse();
    assertThat(ErrorType.MOVED.retryable()).isTrue();
  }

  @Test
  void redirectsParseTargetAndSlot() {
    Redirect moved = Redirect.parse("MOVED 3999 127.0.0.1:7004");
    assertThat(moved).isEqualTo(new Redirect(false, 3999, HostAndPort.parse("127.0.0.1:7004")));
    assertThat(Redirect.parse("ASK 12 10.0.0.2:6379").ask()).isTrue();
    assertThat(Redirect.parse("MOVED 3999 :7004")).isNull();
    assertThat(Redirect.parse("CLUSTERDOWN x")).isNull();
    assertThat(Redirect.parse(null)).isNull();
  }
}
