package io.failoverlab.measure;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The independent check of a lost-write count: what a ledger (the writer's {@code /api/ledger}, a
 * client under test's) says was acknowledged, against what the servers hold, key by key. Keys are
 * fresh, so every counter started at 0; a write of unknown outcome may or may not be there, hence a
 * range.
 *
 * @param atLeast acknowledged writes the servers miss
 * @param atMost  the same, counting every unknown-outcome write as made
 */
public record LedgerCheck(long atLeast, long atMost) {

  /** A key's value on the servers now. */
  public interface Counter {
    long of(String key) throws Exception;
  }

  /** Against {@code counter}, one key at a time. */
  public static LedgerCheck of(JsonObject ledger, Counter counter) throws Exception {
    JsonObject keys = ledger.getJsonObject("keys");
    if (keys.isEmpty()) {
      throw new IllegalStateException("the ledger has no keys: nothing was checked");
    }
    long atLeast = 0;
    long atMost = 0;
    for (String key : keys.fieldNames()) {
      JsonObject entry = keys.getJsonObject(key);
      long value = counter.of(key);
      atLeast += Math.max(0, entry.getLong("acknowledged") - value);
      atMost += Math.max(0, entry.getLong("acknowledged") + entry.getLong("unknownOutcome") - value);
    }
    return new LedgerCheck(atLeast, atMost);
  }

  /** Against values read beforehand (a key missing from {@code values} holds 0). */
  public static LedgerCheck of(JsonObject ledger, Map<String, Long> values) throws Exception {
    return of(ledger, key -> values.getOrDefault(key, 0L));
  }

  /** Whether a count of lost writes is what the servers say (within the unknown outcomes). */
  public boolean admits(long counted) {
    return counted >= atLeast && counted <= atMost;
  }

  @Override
  public String toString() {
    return atLeast + ".." + atMost;
  }
}
