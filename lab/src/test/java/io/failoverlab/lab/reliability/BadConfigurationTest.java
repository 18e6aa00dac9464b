package io.failoverlab.lab.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.failoverlab.clients.ClientsSettings;
import io.failoverlab.clients.ClientsVerticle;
import io.failoverlab.common.config.ConfigException;
import io.failoverlab.common.config.Env;
import io.failoverlab.common.metrics.MetricsSetup;
import io.failoverlab.common.metrics.ServiceMain;
import io.failoverlab.monitor.MonitorVerticle;
import io.failoverlab.reader.ReaderVerticle;
import io.failoverlab.writer.WriterVerticle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every variable each service reads (the README's configuration table), each with bad values: the
 * service's start-up, through the same {@link ServiceMain#configure} its {@code main} uses, fails with
 * a {@link ConfigException} whose message names the variable. The jars' exit code is
 * {@link BadConfigurationIT}'s part.
 */
class BadConfigurationTest {

  /** Each service as its Main builds it. */
  static final Map<String, BiFunction<Env, PrometheusMeterRegistry, Deployable>> SERVICES = new LinkedHashMap<>();

  static {
    SERVICES.put("writer", (env, registry) -> new WriterVerticle(WriterVerticle.settings(env), registry));
    SERVICES.put("reader", (env, registry) -> new ReaderVerticle(ReaderVerticle.settings(env), ReaderVerticle.readFrom(env),
        registry));
    SERVICES.put("monitor", (env, registry) -> new MonitorVerticle(MonitorVerticle.settings(env), registry));
    SERVICES.put("clients", (env, registry) -> new ClientsVerticle(ClientsSettings.fromEnv(env), registry));
  }

  private static final Set<String> ALL = SERVICES.keySet();
  private static final Set<String> WORKLOADS = Set.of("writer", "reader");
  private static final Set<String> UNDER_TEST = Set.of("clients");

  /**
   * Variable -> services that read it -> bad values (each a map of variables, the first the one at
   * fault). REDIS_PASSWORD has no value that is bad on its own: a wrong one is refused by the cluster
   * at start, naming REDIS_PASSWORD (AuthenticationIT); REDIS_SERVER is the lab's (RedisBinaryTest).
   */
  record Case(String variable, Set<String> services, List<Map<String, String>> values) {
  }

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    cases.add(bad("REDIS_NODES", ALL, "nonsense", "127.0.0.1:notaport", "127.0.0.1:70000", ",,", "127.0.0.1:"));
    cases.add(new Case("REDIS_USER", ALL, List.of(Map.of("REDIS_USER", "app"))));
    cases.add(bad("REDIS_CONNECT_TIMEOUT_MS", ALL, "lots", "0", "-5", "99999999999"));
    cases.add(bad("REDIS_COMMAND_TIMEOUT_MS", ALL, "lots", "1", "2000"));
    cases.add(bad("REDIS_OPERATION_TIMEOUT_MS", ALL, "lots", "0", "100"));
    cases.add(bad("REDIS_RETRY_BACKOFF_MIN_MS", ALL, "x", "0", "50"));
    cases.add(bad("REDIS_RETRY_BACKOFF_MAX_MS", ALL, "x", "0", "1"));
    cases.add(bad("REDIS_TOPOLOGY_REFRESH_MS", ALL, "x", "10"));
    cases.add(bad("REDIS_NODE_PROBE_MS", ALL, "x", "1"));
    cases.add(bad("REDIS_CONNECTIONS_PER_NODE", ALL, "0", "65", "x"));
    cases.add(bad("REDIS_MAX_PIPELINED", ALL, "0", "x"));
    cases.add(bad("HTTP_HOST", ALL, "not a host!", "999.1.1.1", "http://0.0.0.0"));
    cases.add(bad("HTTP_PORT", ALL, "lots", "-1", "65536"));
    cases.add(bad("KEY_PREFIX", WORKLOADS, "bad prefix!", "x".repeat(65), "{tag}"));
    cases.add(bad("KEY_COUNT", WORKLOADS, "0", "16385", "x"));
    cases.add(bad("WRITER_RATE", Set.of("writer"), "lots", "-1"));
    cases.add(bad("WRITER_CONCURRENCY", Set.of("writer"), "0", "x"));
    cases.add(bad("READER_RATE", Set.of("reader"), "lots", "-1"));
    cases.add(bad("READER_CONCURRENCY", Set.of("reader"), "0", "x"));
    cases.add(bad("READER_READ_FROM", Set.of("reader"), "slave", "both"));
    cases.add(bad("MONITOR_POLL_MS", Set.of("monitor"), "5", "x"));
    cases.add(bad("MONITOR_PROBE_MS", Set.of("monitor"), "0", "1001", "x"));
    cases.add(bad("INCIDENT_QUIET_MS", Set.of("monitor"), "-1", "x"));
    cases.add(bad("INCIDENT_HISTORY", Set.of("monitor"), "0", "x"));
    cases.add(bad("CHAOS_TOKEN", Set.of("monitor"), "short"));
    cases.add(bad("MONITOR_DATA_DIR", Set.of("monitor"), "data\u0000dir"));
    cases.add(bad("MONITOR_JOURNAL_MAX_BYTES", Set.of("monitor"), "65535", "1073741825", "64MiB"));
    cases.add(bad("CLIENTS", UNDER_TEST, "", "nosuch", "redis-py:fast", "lettuce:default:x"));
    cases.add(bad("CLIENTS_DIR", UNDER_TEST, "no/such/directory", "../README.md"));
    cases.add(bad("CLIENT_RATE", UNDER_TEST, "0", "10001", "x"));
    cases.add(bad("CLIENT_KEYS", UNDER_TEST, "0", "1025", "x"));
    cases.add(bad("CLIENT_STALL_MS", UNDER_TEST, "999", "x"));
    cases.add(bad("LOG_LEVEL", ALL, "LOUD", "verbose"));
    cases.add(new Case("EVENTBUS_CLUSTER_MEMBERS", ALL, List.of(
        Map.of("EVENTBUS_CLUSTER_MEMBERS", "bad host!", "EVENTBUS_PUBLIC_HOST", "writer"),
        Map.of("EVENTBUS_CLUSTER_MEMBERS", "writer:notaport", "EVENTBUS_PUBLIC_HOST", "writer"))));
    cases.add(new Case("EVENTBUS_PUBLIC_HOST", ALL, List.of(Map.of("EVENTBUS_PUBLIC_HOST", "bad host!"),
        Map.of("EVENTBUS_CLUSTER_MEMBERS", "writer,reader", "EVENTBUS_PUBLIC_HOST", ""))));
    cases.add(bad("EVENTBUS_HOST", ALL, "myhost", "300.1.1.1"));
    cases.add(bad("EVENTBUS_CLUSTER_PORT", ALL, "0", "x"));
    cases.add(bad("EVENTBUS_PORT", ALL, "70000", "5701"));
    cases.add(bad("EVENTBUS_CLUSTER_NAME", ALL, "bad name!", "x".repeat(65)));
    return cases;
  }

  static Stream<Arguments> badValues() {
    List<Arguments> arguments = new ArrayList<>();
    for (Case c : cases()) {
      for (String service : c.services()) {
        for (Map<String, String> values : c.values()) {
          arguments.add(Arguments.of(service, c.variable(), values));
        }
      }
    }
    return arguments.stream();
  }

  @ParameterizedTest(name = "{0} with {2} fails naming {1}")
  @MethodSource("badValues")
  void aBadValueStopsTheServiceAtStartNamingTheVariable(String service, String variable, Map<String, String> values) {
    assertThatThrownBy(() -> ServiceMain.configure(env(service, values), MetricsSetup.newRegistry(),
        SERVICES.get(service)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(variable);
  }

  @Test
  void everyServiceStartsWithTheDefaultsSoTheRefusalsAreTheValuesFault() {
    for (var service : SERVICES.entrySet()) {
      assertThat(ServiceMain.configure(env(service.getKey(), Map.of()), MetricsSetup.newRegistry(), service.getValue())
          .deployable())
          .as(service.getKey()).isNotNull();
    }
  }

  @Test
  void everyVariableOfTheReadmesConfigurationTableIsCovered() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String table = readme.substring(readme.indexOf("## Configuration"), readme.indexOf("## HTTP"));
    Set<String> documented = new TreeSet<>();
    Matcher matcher = Pattern.compile("`([A-Z][A-Z0-9]*_[A-Z0-9_]+)`").matcher(table);
    while (matcher.find()) {
      documented.add(matcher.group(1));
    }
    Set<String> covered = new TreeSet<>();
    cases().forEach(c -> covered.add(c.variable()));
    // Covered elsewhere: a wrong password is only known when the cluster refuses it (AuthenticationIT);
    // REDIS_SERVER is the lab's binary (RedisBinaryTest).
    covered.addAll(Set.of("REDIS_PASSWORD", "REDIS_SERVER"));
    assertThat(documented).isNotEmpty();
    assertThat(covered).containsAll(documented);
  }

  private static Case bad(String variable, Set<String> services, String... values) {
    List<Map<String, String>> list = new ArrayList<>();
    for (String value : values) {
      list.add(Map.of(variable, value));
    }
    return new Case(variable, services, list);
  }

  /** A sane environment for {@code service} with the bad values on top. */
  private static Env env(String service, Map<String, String> values) {
    Map<String, String> vars = new HashMap<>(Map.of("REDIS_NODES", "127.0.0.1:8399", "HTTP_PORT", "0"));
    if (UNDER_TEST.contains(service)) {
      // The clients service needs its catalogue (the project's clients/) and a choice of clients.
      vars.put("CLIENTS_DIR", Path.of("..", "clients").toString());
      vars.put("CLIENTS", "redis-py,jedis:tuned");
    }
    vars.putAll(values);
    return new Env(vars);
  }
}
