package io.failoverlab.lab.reliability;

import io.vertx.core.json.JsonObject;

/**
 * The independent check of a writer's lost-write count: what its ledger says it was acknowledged,
 * against what the servers hold (redis-cli GET), key by key. Keys are fresh, so every counter started
 * at 0; a write of unknown outcome may or may not be there, hence a range.
 *
 * @param atLeast acknowledged writes the servers miss
 * @param atMost  the same, counting every unknown-outcome write as made
 */
record LostWritesCheck(long atLeast, long atMost) {

  /** A key's value on the servers now. */
  interface Counter {
    long of(String key) throws Exception;
  }

  /** {@code ledger}: the writer's {@code /api/ledger} (or ledgerSnapshot()). */
  static LostWritesCheck of(JsonObject ledger, Counter counter) throws Exception {
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
    return new LostWritesCheck(atLeast, atMost);
  }

  @Override
  public String toString() {
    return atLeast + ".." + atMost;
  }
}
