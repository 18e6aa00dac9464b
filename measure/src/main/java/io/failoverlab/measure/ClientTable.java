package io.failoverlab.measure;

import static io.failoverlab.measure.TextTable.count;
import static io.failoverlab.measure.TextTable.ms;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The clients under test side by side, one row per client and configuration, over the failovers of a
 * drill or a bench: recovered N/N, lag behind the oracle and unavailability on the crash failovers and
 * on the hang failovers, the longest single call, errors on the healthy shards, lost and unknown-outcome
 * writes, restarts needed, and the exception types that reached the application.
 */
public final class ClientTable {

  private ClientTable() {
  }

  /**
   * @param outcomes       per client label, its outcome in each failover
   * @param configurations per client label: {"version": ..., "settings": {...}} as the client reported them
   */
  public static TextTable render(String title, Map<String, List<ClientOutcome>> outcomes,
                                 Map<String, JsonObject> configurations) {
    TextTable table = new TextTable(title, 2, "client", "version", "crash recovered", "crash lag median",
        "crash lag p95", "crash lag max", "hang recovered", "hang unavailability median", "hang unavailability max",
        "longest call", "healthy-shard errors", "lost writes", "unknown outcome", "restarts needed", "exceptions seen");
    outcomes.forEach((client, all) -> {
      List<ClientOutcome> crashes = all.stream().filter(o -> !o.fault().equals("hang")).toList();
      List<ClientOutcome> hangs = all.stream().filter(o -> o.fault().equals("hang")).toList();
      Stats crashLag = crashLag(all);
      Stats hangUnavailable = Stats.of(hangs.stream().map(ClientOutcome::unavailabilityMs).toList());
      Set<String> exceptions = new TreeSet<>();
      all.forEach(o -> exceptions.addAll(o.newErrorClasses().keySet()));
      JsonObject configuration = configurations.getOrDefault(client, new JsonObject());
      table.row(client, configuration.getString("version", "?"),
          crashes.stream().filter(ClientOutcome::recovered).count() + "/" + crashes.size(),
          ms(crashLag.median()), ms(crashLag.p95()), ms(crashLag.max()),
          hangUnavailable.count() + "/" + hangs.size(), ms(hangUnavailable.median()), ms(hangUnavailable.max()),
          ms(all.stream().mapToDouble(ClientOutcome::longestCallMs).max().orElse(0)),
          count(all.stream().mapToLong(ClientOutcome::healthyShardErrors).sum()),
          count(all.stream().mapToLong(ClientOutcome::lostWrites).sum()),
          count(all.stream().mapToLong(ClientOutcome::unknownOutcomes).sum()),
          count(all.stream().filter(ClientOutcome::restarted).count()),
          exceptions.isEmpty() ? "-" : String.join(" ", exceptions));
    });
    configurations.forEach((client, configuration) -> table.note("configuration " + client + ": "
        + configuration.getJsonObject("settings", new JsonObject()).encode()));
    return table;
  }

  /** The lag behind the oracle over the failovers that were not hangs (crashes, graceful failovers). */
  public static Stats crashLag(List<ClientOutcome> outcomes) {
    return Stats.of(outcomes.stream().filter(o -> !o.fault().equals("hang")).map(ClientOutcome::lagMs).toList());
  }
}
