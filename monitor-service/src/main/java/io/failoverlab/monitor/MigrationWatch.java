package io.failoverlab.monitor;

import io.failoverlab.common.contract.ClientStats;
import io.failoverlab.common.contract.MigrationProgress;
import io.failoverlab.common.contract.MigrationSummary;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an incident of kind "migration" gathers: the action, its progress, and each client's share
 * from the clients' once-a-second stats (redirects by type, operations that failed, p99 latency
 * before and during). Not thread-safe: fed on the monitor's event loop, like {@link Incident}.
 */
final class MigrationWatch {

  /** The chaos actions that move slots, and so open an incident of kind migration. */
  static final java.util.Set<String> MOVES_SLOTS = java.util.Set.of("migrate", "add-shard", "remove-shard");

  /** One service's tally. */
  private static final class Tally {
    long ask;
    long moved;
    long tryagain;
    long failed;
    Double p99Before;
    Double p99During;
  }

  private final String actionId;
  private final String kind;
  private String from;
  private String to;
  private String slots;
  private final long startedAt;
  private String state = MigrationProgress.State.RUNNING.label();
  private int slotsDone;
  private int slotsTotal;
  private long keysMoved;
  private String error;
  private Long firstRedirectAt;
  private Long slotsOwnedAt;
  private Long clientsSettledAt;
  private long statsPrecisionMs;
  private final Map<String, Tally> tallies = new TreeMap<>();
  /** Per service: whether its latest second began after the slots were owned and had no redirect. */
  private final Map<String, Boolean> quietSinceOwned = new TreeMap<>();
  /** How long a migration that moved everything waits for the clients' word before its incident may close. */
  static final long SETTLE_WAIT_MS = 10_000;

  /** {@code action}: the migrate action's JSON (ChaosAction), as the incident was given it. */
  MigrationWatch(JsonObject action, long startedAt) {
    this.actionId = action.getString("id");
    this.kind = action.getString("action");
    this.from = action.getString("node");
    this.to = action.getString("to");
    this.slots = action.getString("slots");
    this.startedAt = startedAt;
  }

  /** The migration moved a slot, ended, or stopped: the last word is kept. */
  void progress(MigrationProgress progress) {
    if (!progress.id().equals(actionId)) {
      return;
    }
    state = progress.state().label();
    // Adding or removing a shard learns its sources or targets as it goes.
    from = progress.from();
    to = progress.to();
    slotsDone = progress.slotsDone();
    slotsTotal = progress.slotsTotal();
    keysMoved = progress.keysMoved();
    error = progress.error();
    if (progress.state() == MigrationProgress.State.DONE) {
      slotsOwnedAt = progress.at();
    }
  }

  /**
   * One second of one service. {@code p99Before}: that service's p99 in its last second before the
   * migration (null if none was seen), taken the first time the service is heard of here.
   */
  void clientStats(ClientStats stats, Double p99Before) {
    long windowStart = stats.timestamp() - stats.intervalMs();
    if (stats.timestamp() <= startedAt) {
      return;
    }
    statsPrecisionMs = Math.max(statsPrecisionMs, stats.intervalMs());
    Tally tally = tallies.computeIfAbsent(stats.service(), service -> {
      Tally fresh = new Tally();
      fresh.p99Before = p99Before;
      return fresh;
    });
    long ask = stats.commandErrors().getOrDefault("ask", 0L);
    long moved = stats.commandErrors().getOrDefault("moved", 0L);
    long tryagain = stats.commandErrors().getOrDefault("tryagain", 0L);
    tally.ask += ask;
    tally.moved += moved;
    tally.tryagain += tryagain;
    tally.failed += stats.failed();
    boolean redirected = ask + moved + tryagain > 0;
    if (redirected && (firstRedirectAt == null || windowStart < firstRedirectAt)) {
      firstRedirectAt = Math.max(windowStart, startedAt);
    }
    if (slotsOwnedAt == null || windowStart <= slotsOwnedAt) {
      // Still moving (or the second in which it ended): the p99 of the move.
      tally.p99During = tally.p99During == null ? stats.latencyP99Ms() : Math.max(tally.p99During, stats.latencyP99Ms());
    }
    quietSinceOwned.put(stats.service(), slotsOwnedAt != null && windowStart >= slotsOwnedAt && !redirected);
    if (redirected) {
      clientsSettledAt = null;
    } else if (clientsSettledAt == null && !quietSinceOwned.containsValue(false)) {
      // Every client heard from has had a whole second after the move without a redirect.
      clientsSettledAt = stats.timestamp();
    }
  }

  /**
   * Whether the incident may close: the migration failed, or it moved everything and the clients
   * settled (their seconds that still held redirects have come in), or they have not said so within
   * {@link #SETTLE_WAIT_MS} (no client at all, say).
   */
  boolean finished(long now) {
    if (MigrationProgress.State.FAILED.label().equals(state)) {
      return true;
    }
    return slotsOwnedAt != null && (clientsSettledAt != null || now - slotsOwnedAt > SETTLE_WAIT_MS);
  }

  MigrationSummary summary() {
    Map<String, MigrationSummary.ClientEffect> clients = new TreeMap<>();
    tallies.forEach((service, t) -> clients.put(service, new MigrationSummary.ClientEffect(t.ask, t.moved,
        t.tryagain, t.failed, t.p99Before, t.p99During)));
    return new MigrationSummary(actionId, from, to, slots, state, slotsDone, slotsTotal, keysMoved, error, startedAt,
        firstRedirectAt, slotsOwnedAt, clientsSettledAt, statsPrecisionMs, clients);
  }

  /** The migration in words, for the incident's explanation. */
  List<String> explanation() {
    List<String> lines = new ArrayList<>();
    lines.add(("migrate".equals(kind) ? "Migration " : "Migration (" + kind + ") ") + actionId + ": slots "
        + (slots == null ? "" : slots + " ") + "from " + from + " to " + to + "; " + slotsDone + " of "
        + slotsTotal + " moved with " + keysMoved + " keys" + (slotsOwnedAt == null ? "" : ", all owned by " + to + " +"
        + (slotsOwnedAt - startedAt) + " ms") + ("failed".equals(state) ? "; stopped: " + error
        + " (the slot it was moving may be left open: see the snapshot's openSlots, POST /api/chaos/fix)" : "")
        + ".");
    if (firstRedirectAt != null) {
      lines.add("First redirect seen by a client in the second from +" + (firstRedirectAt - startedAt) + " ms"
          + (clientsSettledAt == null ? "." : "; every client without a redirect for a whole second by +"
          + (clientsSettledAt - startedAt) + " ms."));
    }
    tallies.forEach((service, t) -> lines.add(service + ": " + t.ask + " ASK, " + t.moved + " MOVED, " + t.tryagain
        + " TRYAGAIN, " + t.failed + " errors reached the application; p99 " + ms(t.p99Before) + " before, "
        + ms(t.p99During) + " during."));
    return lines;
  }

  private static String ms(Double value) {
    return value == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f ms", value);
  }
}
