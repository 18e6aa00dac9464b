package io.failoverlab.clients.child;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.failoverlab.clients.OpRecord;
import io.failoverlab.clients.child.LineProtocol.Beat;
import io.failoverlab.clients.child.LineProtocol.Hello;
import io.failoverlab.clients.child.LineProtocol.Op;
import io.failoverlab.clients.child.LineProtocol.ProtocolError;
import io.failoverlab.clients.child.LineProtocol.Skip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every line a child client may print, and every way a line can be wrong: each refusal says why. */
class LineProtocolTest {

  @Test
  void aHelloCarriesTheLibraryItsVersionConfigurationAndSettings() throws Exception {
    Hello hello = (Hello) LineProtocol.parse("{\"type\":\"hello\",\"client\":\"redis-py\",\"version\":\"4.3.4\","
        + "\"config\":\"tuned\",\"settings\":{\"socket_timeout\":0.25,\"reinitialize_steps\":1}}");
    assertThat(hello.client()).isEqualTo("redis-py");
    assertThat(hello.version()).isEqualTo("4.3.4");
    assertThat(hello.config()).isEqualTo("tuned");
    assertThat(hello.settings().getDouble("socket_timeout")).isEqualTo(0.25);
    assertThat(hello.settings().getInteger("reinitialize_steps")).isEqualTo(1);
  }

  @Test
  void aHelloWithoutVersionConfigOrSettingsIsStillAHello() throws Exception {
    Hello hello = (Hello) LineProtocol.parse("{\"type\":\"hello\",\"client\":\"mine\"}");
    assertThat(hello.version()).isEqualTo("?");
    assertThat(hello.config()).isNull();
    assertThat(hello.settings().isEmpty()).isTrue();
  }

  @Test
  void aSuccessfulOpHasItsTimesWithFractionsAndTheReply() throws Exception {
    Op op = (Op) LineProtocol.parse("{\"type\":\"op\",\"key\":\"k1\",\"start\":1700000000000.25,"
        + "\"end\":1700000000001.75,\"ok\":true,\"value\":42}");
    OpRecord record = op.record();
    assertThat(record.key()).isEqualTo("k1");
    assertThat(record.ok()).isTrue();
    assertThat(record.value()).isEqualTo(42L);
    assertThat(record.start()).isEqualTo(1700000000000.25);
    assertThat(record.end()).isEqualTo(1700000000001.75);
    assertThat(record.millis()).isEqualTo(1.5);
    assertThat(record.error()).isNull();
  }

  @Test
  void aFailedOpHasTheErrorAndItsClass() throws Exception {
    OpRecord record = ((Op) LineProtocol.parse("{\"type\":\"op\",\"key\":\"k1\",\"start\":10,\"end\":260,\"ok\":false,"
        + "\"error\":\"Timeout reading from socket\",\"errorClass\":\"TimeoutError\"}")).record();
    assertThat(record.ok()).isFalse();
    assertThat(record.value()).isNull();
    assertThat(record.error()).isEqualTo("Timeout reading from socket");
    assertThat(record.errorClass()).isEqualTo("TimeoutError");
  }

  @Test
  void aFailedOpWithoutATextIsNamedByItsClass() throws Exception {
    OpRecord record = ((Op) LineProtocol.parse(
        "{\"type\":\"op\",\"key\":\"k1\",\"start\":10,\"end\":10,\"ok\":false,\"errorClass\":\"ConnectionError\"}")).record();
    assertThat(record.error()).isEqualTo("ConnectionError");
  }

  @Test
  void skipAndBeat() throws Exception {
    assertThat(LineProtocol.parse("{\"type\":\"skip\",\"key\":\"k7\"}")).isEqualTo(new Skip("k7"));
    assertThat(LineProtocol.parse("{\"type\":\"beat\",\"t\":1700000000000.5}")).isInstanceOf(Beat.class);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "not JSON                 | {\"type\":\"op\",           | not a JSON object",
      "plain text               | INCR k1 -> 42              | not a JSON object",
      "a JSON array             | [1,2,3]                    | not a JSON object",
      "no type                  | {\"key\":\"k1\"}           | no \"type\"",
      "a type that is no string | {\"type\":7}               | no \"type\"",
      "an unknown type          | {\"type\":\"result\"}      | unknown type 'result'",
      "a hello without client   | {\"type\":\"hello\",\"version\":\"1\"} | no \"client\"",
      "a skip without key       | {\"type\":\"skip\"}        | no \"key\"",
      "an op without key        | {\"type\":\"op\",\"start\":1,\"end\":2,\"ok\":true,\"value\":1} | no \"key\"",
      "an op with a blank key   | {\"type\":\"op\",\"key\":\" \",\"start\":1,\"end\":2,\"ok\":true,\"value\":1} | no \"key\"",
      "an op without start      | {\"type\":\"op\",\"key\":\"k\",\"end\":2,\"ok\":true,\"value\":1} | needs \"start\", \"end\" and \"ok\"",
      "an op without end        | {\"type\":\"op\",\"key\":\"k\",\"start\":1,\"ok\":true,\"value\":1} | needs \"start\", \"end\" and \"ok\"",
      "an op without ok         | {\"type\":\"op\",\"key\":\"k\",\"start\":1,\"end\":2,\"value\":1} | needs \"start\", \"end\" and \"ok\"",
      "a success without value  | {\"type\":\"op\",\"key\":\"k\",\"start\":1,\"end\":2,\"ok\":true} | needs its \"value\"",
      "an end before the start  | {\"type\":\"op\",\"key\":\"k\",\"start\":5,\"end\":4,\"ok\":true,\"value\":1} | ended before it started",
      "a start that is a string | {\"type\":\"op\",\"key\":\"k\",\"start\":\"now\",\"end\":4,\"ok\":true,\"value\":1} | wrong type",
      "an ok that is a string   | {\"type\":\"op\",\"key\":\"k\",\"start\":1,\"end\":4,\"ok\":\"yes\",\"value\":1} | wrong type",
      "settings that are a string | {\"type\":\"hello\",\"client\":\"x\",\"settings\":\"none\"} | wrong type"})
  void aLineOutsideTheProtocolIsAProtocolErrorSayingWhyAndQuotingIt(String what, String line, String why) {
    assertThatThrownBy(() -> LineProtocol.parse(line))
        .as(what)
        .isInstanceOf(ProtocolError.class)
        .hasMessageContaining(why)
        .hasMessageContaining(line.length() > 20 ? line.substring(0, 20) : line);
  }

  @Test
  void aLineLongerThanTheLimitIsRefusedWithoutQuotingItWhole() {
    String line = "{\"type\":\"beat\",\"pad\":\"" + "x".repeat(LineProtocol.MAX_LINE_CHARS) + "\"}";
    assertThatThrownBy(() -> LineProtocol.parse(line))
        .isInstanceOf(ProtocolError.class)
        .hasMessageContaining("longer than " + LineProtocol.MAX_LINE_CHARS);
    assertThat(line.length()).isGreaterThan(LineProtocol.MAX_LINE_CHARS);
  }

  @Test
  void aLongBadLineIsQuotedShortened() {
    String line = "{\"type\":\"nonsense\",\"pad\":\"" + "y".repeat(1000) + "\"}";
    assertThatThrownBy(() -> LineProtocol.parse(line))
        .isInstanceOf(ProtocolError.class)
        .hasMessageContaining("unknown type 'nonsense'")
        .hasMessageContaining("...")
        .matches(e -> e.getMessage().length() < 400, "a message of reasonable length");
  }

  @Test
  void aLineJustWithinTheLimitIsAccepted() throws Exception {
    String prefix = "{\"type\":\"beat\",\"pad\":\"";
    String line = prefix + "z".repeat(LineProtocol.MAX_LINE_CHARS - prefix.length() - 2) + "\"}";
    assertThat(line).hasSize(LineProtocol.MAX_LINE_CHARS);
    assertThat(LineProtocol.parse(line)).isInstanceOf(Beat.class);
  }
}
