package io.failoverlab.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** clients.conf as a user writes it, and the client lists the lab is given (--clients, CLIENTS). */
class ClientCatalogTest {

  @TempDir
  Path dir;

  private ClientCatalog load(String... lines) throws IOException {
    Files.writeString(dir.resolve(ClientCatalog.CONF), String.join("\n", lines) + "\n");
    return ClientCatalog.load(dir);
  }

  private ClientCatalog sample() throws IOException {
    return load(
        "# The child-process clients: name = command.",
        "",
        "redis-py = /usr/bin/python3 python/client.py",
        "   # an indented comment",
        "predis=php   php/client.php",
        "my_client.v2 = ./run.sh --fast");
  }

  @Test
  void readsEveryClientSkippingCommentsAndBlankLines() throws IOException {
    ClientCatalog catalog = sample();
    assertThat(catalog.directory()).isEqualTo(dir);
    assertThat(catalog.libraries()).containsExactly("vertx-redis-client", "lettuce", "jedis", "redisson", "redis-py",
        "predis", "my_client.v2");
    assertThat(catalog.command("redis-py")).containsExactly("/usr/bin/python3", "python/client.py");
    assertThat(catalog.command("predis")).containsExactly("php", "php/client.php");
    assertThat(catalog.command("my_client.v2")).containsExactly("./run.sh", "--fast");
    assertThat(catalog.inJvm("lettuce")).isTrue();
    assertThat(catalog.inJvm("redis-py")).isFalse();
  }

  @Test
  void noConfFileMeansOnlyTheJavaLibraries() {
    ClientCatalog catalog = ClientCatalog.load(dir);
    assertThat(catalog.libraries()).isEqualTo(ClientCatalog.JVM);
  }

  @Test
  void aLineWithoutNameOrCommandIsRefusedNamingItsLine() {
    assertThatThrownBy(() -> load("# clients", "redis-py = python3 client.py", "just a command"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ClientCatalog.CONF + " line 3")
        .hasMessageContaining("expected 'name = command'")
        .hasMessageContaining("'just a command'");
    assertThatThrownBy(() -> load("redis-py =  "))
        .hasMessageContaining("line 1").hasMessageContaining("expected 'name = command'");
    assertThatThrownBy(() -> load("", " = python3 client.py"))
        .hasMessageContaining("line 2").hasMessageContaining("expected 'name = command'");
  }

  @Test
  void aBadNameIsRefusedNamingItsLine() {
    assertThatThrownBy(() -> load("# clients", "Redis Py = python3 client.py"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("client name must be")
        .hasMessageContaining("'Redis Py'");
  }

  @Test
  void aClientDefinedTwiceIsRefusedNamingItAndTheSecondLine() {
    assertThatThrownBy(() -> load("mine = ./a.sh", "# again:", "mine = ./b.sh"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 3")
        .hasMessageContaining("'mine' is defined twice");
    // A Java library's name is taken too.
    assertThatThrownBy(() -> load("lettuce = ./fake-lettuce.sh"))
        .hasMessageContaining("line 1")
        .hasMessageContaining("'lettuce' is defined twice");
  }

  @Test
  void allIsEveryLibraryInBothConfigurations() throws IOException {
    ClientCatalog catalog = sample();
    List<ClientSpec> all = catalog.parse("all");
    assertThat(all).hasSize(2 * catalog.libraries().size());
    for (String library : catalog.libraries()) {
      assertThat(all).contains(new ClientSpec(library, ClientSpec.DEFAULT), new ClientSpec(library, ClientSpec.TUNED));
    }
    assertThat(catalog.parse("ALL, lettuce:tuned")).isEqualTo(all);
  }

  @Test
  void aListIsParsedInOrderWithoutDuplicatesAndANameAloneIsItsDefault() throws IOException {
    ClientCatalog catalog = sample();
    assertThat(catalog.parse(" redis-py:tuned, lettuce ,,jedis:default,lettuce:default, MY_CLIENT.V2:tuned"))
        .extracting(ClientSpec::label)
        .containsExactly("redis-py:tuned", "lettuce:default", "jedis:default", "my_client.v2:tuned");
  }

  @Test
  void anUnknownClientIsRefusedNamingItAndListingTheKnownOnes() throws IOException {
    ClientCatalog catalog = sample();
    assertThatThrownBy(() -> catalog.parse("lettuce,hiredis:tuned"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown client 'hiredis'")
        .hasMessageContaining("vertx-redis-client, lettuce, jedis, redisson, redis-py, predis, my_client.v2")
        .hasMessageContaining(dir.resolve(ClientCatalog.CONF).toString());
  }

  @Test
  void anUnknownConfigurationIsRefusedNamingItAndListingTheKnownOnes() throws IOException {
    ClientCatalog catalog = sample();
    assertThatThrownBy(() -> catalog.parse("lettuce:fast"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'fast'")
        .hasMessageContaining("lettuce:fast")
        .hasMessageContaining(ClientSpec.DEFAULT).hasMessageContaining(ClientSpec.TUNED);
  }

  @Test
  void anEmptyListIsRefused() throws IOException {
    ClientCatalog catalog = sample();
    assertThatThrownBy(() -> catalog.parse(" , "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no client named");
  }

  @Test
  void askingForTheCommandOfAJavaLibraryOrAnUnknownClientIsAnError() throws IOException {
    ClientCatalog catalog = sample();
    assertThatThrownBy(() -> catalog.command("lettuce")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'lettuce' is not a child client");
  }

  @Test
  void theProjectsOwnCatalogHasTheThreeChildClients() {
    // The module runs its tests in clients/: its clients.conf is right there.
    ClientCatalog catalog = ClientCatalog.load(Path.of("."));
    assertThat(catalog.libraries()).containsExactly("vertx-redis-client", "lettuce", "jedis", "redisson", "redis-py",
        "predis", "ioredis");
    assertThat(catalog.command("redis-py")).containsExactly("/usr/bin/python3", "python/client.py");
  }
}
