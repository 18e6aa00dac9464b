package io.failoverlab.measure;

import io.failoverlab.clients.ClientRun;
import io.failoverlab.clients.OpLog;
import io.vertx.core.json.JsonObject;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Watches the clients under test through one failover, the way the drill and the bench both measure
 * them: their totals before the fault, whether each has recovered on the failed shard, and what each
 * went through once it is over ({@link ClientOutcome}). A client recovers with its first INCR on the
 * failed shard that started after the fault had taken effect and succeeded: whether it spent the time
 * in errors or inside one blocked call, and an INCR started before the fault proves nothing.
 */
public final class ClientWatch {

  private final BitSet failedSlots;
  private final BitSet healthySlots;
  private final Map<String, JsonObject> before;

  private ClientWatch(BitSet failedSlots, BitSet healthySlots, Map<String, JsonObject> before) {
    this.failedSlots = failedSlots;
    this.healthySlots = healthySlots;
    this.before = before;
  }

  /** Takes each client's totals now, before the fault. Blocks the measuring thread briefly. */
  public static ClientWatch before(List<ClientRun> runs, BitSet failedSlots, BitSet healthySlots) {
    return new ClientWatch(failedSlots, healthySlots, totals(runs));
  }

  /** When {@code run} first succeeded on the failed shard with an INCR started after {@code effectiveAt}, or null. */
  public Double recoveredAt(ClientRun run, double effectiveAt) {
    return run.log().firstSuccessStartedAfter(failedSlots, effectiveAt);
  }

  /**
   * @param signalledAt when the fault was caused: unavailability counts from here
   * @param effectiveAt when it had taken effect (the process gone or frozen)
   * @param oracleAt    the oracle's first success, or null without an oracle
   * @param windowEnd   the end of the failover's window (healthy-shard errors, longest call)
   */
  public ClientOutcome outcome(ClientRun run, String fault, int index, long signalledAt, double effectiveAt,
                               Long oracleAt, long windowEnd, boolean restarted) {
    OpLog log = run.log();
    Double recoveredAt = recoveredAt(run, effectiveAt);
    boolean byItself = recoveredAt != null && !restarted;
    Double unavailability = byItself ? recoveredAt - signalledAt : null;
    Double lag = byItself && oracleAt != null ? recoveredAt - oracleAt : null;
    JsonObject was = restarted ? null : before.get(run.label());
    JsonObject now = totals(List.of(run)).get(run.label());
    Map<String, Long> classes = new TreeMap<>();
    JsonObject wasClasses = was == null ? new JsonObject() : was.getJsonObject("errorClasses", new JsonObject());
    JsonObject nowClasses = now == null ? new JsonObject() : now.getJsonObject("errorClasses", new JsonObject());
    for (String name : nowClasses.fieldNames()) {
      long added = nowClasses.getLong(name) - wasClasses.getLong(name, 0L);
      if (added > 0) {
        classes.put(name, added);
      }
    }
    return new ClientOutcome(fault, index, unavailability, lag,
        log.failedOperations(healthySlots, signalledAt, windowEnd), delta(was, now, "lostWrites"),
        delta(was, now, "unacknowledgedWrites"), log.longestCall(failedSlots, signalledAt, windowEnd), restarted,
        restarted ? recoveredAt != null : null, classes);
  }

  private static long delta(JsonObject before, JsonObject after, String field) {
    if (after == null) {
      return 0;
    }
    return Math.max(0, after.getLong(field, 0L) - (before == null ? 0L : before.getLong(field, 0L)));
  }

  private static Map<String, JsonObject> totals(List<ClientRun> runs) {
    Map<String, JsonObject> totals = new LinkedHashMap<>();
    for (ClientRun run : runs) {
      try {
        totals.put(run.label(), run.totals().await(10, TimeUnit.SECONDS));
      } catch (Exception e) {
        totals.put(run.label(), null);
      }
    }
    return totals;
  }
}
