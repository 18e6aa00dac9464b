package io.failoverlab.bench;

import io.failoverlab.clients.ClientHarness;
import io.failoverlab.clients.ClientRun;
import io.failoverlab.measure.Await;
import io.failoverlab.measure.LedgerCheck;
import io.failoverlab.measure.MeasurementFailure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One client's own count of lost writes, and what the servers say of it: its ledger against
 * {@code redis-cli GET} of its keys ({@link LedgerCheck}). {@code note} says why a client could not be
 * checked (restarted during the measurement, redis-cli failed).
 */
record LossCheck(String client, long counted, long atLeast, long atMost, String note) {

  boolean agrees() {
    return note == null && counted >= atLeast && counted <= atMost;
  }

  JsonObject toJson() {
    return new JsonObject().put("client", client).put("counted", counted).put("atLeast", atLeast).put("atMost", atMost)
        .put("note", note).put("agrees", agrees());
  }

  /**
   * Stops {@code run} (so its ledger is final) and checks it through the cluster node on {@code port};
   * a run the harness has since replaced by a restart is not checked.
   */
  static LossCheck afterStopping(ClientHarness harness, ClientRun run, String redisCli, int port) {
    ClientRun current = harness.run(run.label());
    if (current != run) {
      return new LossCheck(run.label(), 0, 0, 0, "restarted during the measurement");
    }
    try {
      Await.result(harness.stop(run.label()), Duration.ofSeconds(30), "stopping " + run.label());
      return of(run.label(), run.ledger().await(10, TimeUnit.SECONDS), redisCli, port);
    } catch (Exception e) {
      return new LossCheck(run.label(), 0, 0, 0, "could not check: " + MeasurementFailure.messageOf(e));
    }
  }

  /** {@code ledger} (final: its writer stopped) checked through the cluster node on {@code port}. */
  static LossCheck of(String client, JsonObject ledger, String redisCli, int port) {
    try {
      Map<String, Long> values = RedisCliValues.get(redisCli, port, ledger.getJsonObject("keys").fieldNames());
      LedgerCheck servers = LedgerCheck.of(ledger, values);
      return new LossCheck(client, ledger.getLong("lost"), servers.atLeast(), servers.atMost(), null);
    } catch (Exception e) {
      return new LossCheck(client, 0, 0, 0, "could not check: " + MeasurementFailure.messageOf(e));
    }
  }

  /** Reads counters with redis-cli in cluster mode, one process for many keys: the independent view. */
  static final class RedisCliValues {

    private RedisCliValues() {
    }

    static Map<String, Long> get(String redisCli, int port, Iterable<String> keys) throws IOException, InterruptedException {
      List<String> ordered = new ArrayList<>();
      keys.forEach(ordered::add);
      Process cli = new ProcessBuilder(redisCli, "-c", "-p", Integer.toString(port)).redirectErrorStream(true).start();
      try (var stdin = cli.getOutputStream()) {
        for (String key : ordered) {
          stdin.write(("GET " + key + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!cli.waitFor(60, TimeUnit.SECONDS) || cli.exitValue() != 0) {
        throw new IOException(redisCli + " failed: " + output.strip());
      }
      // In cluster mode redis-cli says where it followed a redirect ("-> Redirected to slot [..] located at ..."):
      // that line is not an answer.
      List<String> answers = output.lines().filter(line -> !line.startsWith("-> Redirected")).toList();
      if (answers.size() != ordered.size()) {
        throw new IOException(redisCli + " answered " + answers.size() + " lines for " + ordered.size() + " keys: "
            + output.strip());
      }
      Map<String, Long> values = new LinkedHashMap<>();
      for (int i = 0; i < ordered.size(); i++) {
        String line = answers.get(i).strip();
        values.put(ordered.get(i), line.isEmpty() ? 0L : Long.parseLong(line));
      }
      return values;
    }
  }
}
