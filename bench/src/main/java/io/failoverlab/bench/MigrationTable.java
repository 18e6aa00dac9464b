package io.failoverlab.bench;

import static io.failoverlab.measure.TextTable.count;
import static io.failoverlab.measure.TextTable.ms;

import io.failoverlab.common.contract.MigrationSummary;
import io.failoverlab.common.contract.MigrationSummary.ClientEffect;
import io.failoverlab.common.contract.ServiceName;
import io.failoverlab.measure.Stats;
import io.failoverlab.measure.TextTable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Table 11 from a {@link MigrationPhase.Result}: per client (our writer and reader, then every client
 * under test) over all the migrations, the redirects that reached it by type, the errors that reached
 * its application, its p99 latency before and during, and its lost writes, its own count beside the
 * servers'. Then one line per migration (its milestones) and the redirects the servers sent.
 */
final class MigrationTable {

  private static final List<String> ROUTER = List.of(ServiceName.WRITER.label(), ServiceName.READER.label());

  private MigrationTable() {
  }

  static BenchTables.Checked of(MigrationPhase.Result result) {
    TextTable table = new TextTable("11. Slot migrations under load: what each client went through (ms)", 1, "client",
        "migrations", "ASK", "MOVED", "TRYAGAIN", "errors reaching the app", "p99 before (median)",
        "p99 during (median / max)", "lost writes: own count", "lost writes: servers");
    Map<String, LossCheck> checks = new LinkedHashMap<>();
    result.lossChecks().forEach(check -> checks.put(check.client(), check));
    long routerErrors = 0;
    boolean routerSeen = false;
    for (String client : clients(result)) {
      List<ClientEffect> effects = result.migrations().stream().map(m -> m.clients().get(client))
          .filter(Objects::nonNull).toList();
      long errors = effects.stream().mapToLong(ClientEffect::applicationErrors).sum();
      if (ROUTER.contains(client) && !effects.isEmpty()) {
        routerErrors += errors;
        routerSeen = true;
      }
      Stats before = Stats.of(effects.stream().map(ClientEffect::latencyP99BeforeMs).filter(Objects::nonNull).toList());
      Stats during = Stats.of(effects.stream().map(ClientEffect::latencyP99DuringMs).filter(Objects::nonNull).toList());
      LossCheck check = checks.get(client);
      table.row(client, count(effects.size()), count(sum(effects, ClientEffect::ask)),
          count(sum(effects, ClientEffect::moved)), count(sum(effects, ClientEffect::tryagain)), count(errors),
          ms(before.median()), ms(during.median()) + " / " + ms(during.max()),
          check == null ? "-" : check.note() != null ? "-" : count(check.counted()),
          check == null ? "-" : check.note() != null ? check.note() : check.atLeast() + ".." + check.atMost());
    }
    int index = 0;
    for (MigrationSummary m : result.migrations()) {
      index++;
      table.note("migration " + index + ": slots " + m.slots() + " (" + m.slotsDone() + ") from " + m.from() + " to "
          + m.to() + " with " + m.keysMoved() + " keys; from its start: first redirect +" + ms(MigrationPhase.since(m,
          m.firstRedirectAt())) + ", slots owned by the target +" + ms(MigrationPhase.since(m, m.slotsOwnedAt()))
          + ", clients settled +" + ms(MigrationPhase.since(m, m.clientsSettledAt())) + " (stats precise to "
          + m.statsPrecisionMs() + ")");
    }
    if (!result.serverRedirects().isEmpty()) {
      long routerRedirects = result.migrations().stream().flatMap(m -> ROUTER.stream().map(m.clients()::get))
          .filter(Objects::nonNull).mapToLong(e -> e.ask() + e.moved() + e.tryagain()).sum();
      table.note("The servers sent (INFO errorstats, every node, over the migrations): " + describe(result.serverRedirects())
          + "; the writer and reader counted " + routerRedirects + " of them. A library follows redirects inside "
          + "itself and tells its application nothing: its ASK/MOVED columns count only those that reached the "
          + "application as errors.");
    }
    long disagreeing = result.lossChecks().stream().filter(check -> !check.agrees()).count();
    long lostOnServers = result.lossChecks().stream().filter(check -> check.note() == null)
        .mapToLong(LossCheck::atLeast).sum();
    result.failures().forEach((client, failure) -> table.note("FAILED " + client + ": " + failure));
    MigrationPhase.Setup setup = result.setup();
    table.note(setup.migrations() + " migrations of " + setup.slots() + " slots, one at a time, the i-th master by "
        + "address to the next, through the kill endpoint's migrate; " + RecoveryPhase.describe(setup.lab())
        + ", filled first with " + setup.fillKeys() + " keys of " + MigrationPhase.FILL_VALUE_BYTES + " bytes over every slot"
        + "; every client writes INCR on its own keys at " + setup.clients().settings().rate() + "/s. Lost writes: "
        + "the client's own count, and redis-cli GET of its keys against its ledger after it stopped (acknowledged "
        + "writes the servers miss .. counting every unknown outcome as made).");
    List<Target> targets = new ArrayList<>();
    targets.add(Target.atMost("migration", "errors reaching the writer's and reader's application", 0,
        routerSeen ? (double) routerErrors : null, ""));
    targets.add(Target.atMost("migration", "acknowledged writes the servers miss, every client", 0,
        result.lossChecks().isEmpty() ? null : (double) lostOnServers, ""));
    targets.add(Target.atMost("migration", "clients whose lost-write count disagrees with redis-cli", 0,
        result.lossChecks().isEmpty() ? null : (double) disagreeing, ""));
    return new BenchTables.Checked(BenchTables.withTargets(table, targets), targets);
  }

  /** The writer and reader first, then every other client in the order the migrations named them. */
  private static Set<String> clients(MigrationPhase.Result result) {
    Set<String> clients = new LinkedHashSet<>(ROUTER);
    result.migrations().forEach(m -> clients.addAll(m.clients().keySet().stream().sorted().toList()));
    result.lossChecks().forEach(check -> clients.add(check.client()));
    return clients;
  }

  private static long sum(List<ClientEffect> effects, java.util.function.ToLongFunction<ClientEffect> field) {
    return effects.stream().mapToLong(field).sum();
  }

  private static String describe(Map<String, Long> redirects) {
    List<String> parts = new ArrayList<>();
    redirects.forEach((type, n) -> parts.add(n + " " + type));
    return String.join(", ", parts);
  }

  static JsonObject toJson(MigrationPhase.Result result) {
    JsonArray migrations = new JsonArray();
    result.migrations().forEach(m -> migrations.add(m.toJson()));
    JsonArray checks = new JsonArray();
    result.lossChecks().forEach(check -> checks.add(check.toJson()));
    JsonObject configurations = new JsonObject();
    result.configurations().forEach(configurations::put);
    return new JsonObject().put("migrations", migrations).put("serverRedirects", new JsonObject(new LinkedHashMap<>(
        result.serverRedirects()))).put("lossChecks", checks).put("configurations", configurations)
        .put("failures", new JsonObject(new LinkedHashMap<>(result.failures()))).put("error", result.error());
  }
}
