package io.failoverlab.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** "library[:config]", the name of a client under test everywhere (labels, metrics, keys, reports). */
class ClientSpecTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "lettuce              | lettuce            | default | lettuce:default",
      "lettuce:tuned        | lettuce            | tuned   | lettuce:tuned",
      "  Redis-Py:TUNED     | redis-py           | tuned   | redis-py:tuned",
      "vertx-redis-client:default | vertx-redis-client | default | vertx-redis-client:default",
      "my_client.v2         | my_client.v2       | default | my_client.v2:default",
      "0client              | 0client            | default | 0client:default"})
  void parsesANameAndItsConfiguration(String text, String library, String config, String label) {
    ClientSpec spec = ClientSpec.parse(text);
    assertThat(spec.library()).isEqualTo(library);
    assertThat(spec.config()).isEqualTo(config);
    assertThat(spec.label()).isEqualTo(label).isEqualTo(spec.toString());
    assertThat(ClientSpec.parse(label)).isEqualTo(spec);
  }

  @ParameterizedTest(name = "''{0}''")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "lettuce:fast     | configuration must be default or tuned | 'fast'",
      "lettuce:         | configuration must be default or tuned | ''",
      "lettuce:tuned:x  | configuration must be default or tuned | 'tuned:x'",
      ":tuned           | client name must be                    | ''",
      "``               | client name must be                    | ''",
      "redis py         | client name must be                    | 'redis py'",
      "-lettuce         | client name must be                    | '-lettuce'",
      "lettuce/tuned    | client name must be                    | 'lettuce/tuned'"})
  void aBadSpecIsRefusedSayingWhatIsWrong(String text, String problem, String quoted) {
    assertThatThrownBy(() -> ClientSpec.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem)
        .hasMessageContaining("got " + quoted);
  }

  @Test
  void aNameOfFortyCharactersIsTheLongest() {
    String forty = "a".repeat(40);
    assertThat(ClientSpec.parse(forty).library()).isEqualTo(forty);
    assertThatThrownBy(() -> ClientSpec.parse(forty + "a")).hasMessageContaining("1-40");
  }

  @Test
  void theConstructorChecksToo() {
    assertThatThrownBy(() -> new ClientSpec(null, ClientSpec.DEFAULT)).hasMessageContaining("client name must be");
    assertThatThrownBy(() -> new ClientSpec("lettuce", null)).hasMessageContaining("got 'null'");
  }
}
