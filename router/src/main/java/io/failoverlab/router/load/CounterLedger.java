package io.failoverlab.router.load;

import io.failoverlab.common.contract.AckFloors;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per counter key: what a writer (ours, or a client under test) knows the server must hold. INCR replies prove it: with at most one
 * INCR in flight per key, a reply must be at least (last acknowledged reply + 1). A lower reply means
 * acknowledged increments were lost (at least {@code floor + 1 - reply} of them). Writes sent without
 * a reply (timeout, connection closed) may or may not have applied; they can only push replies up,
 * so they never hide a loss that this arithmetic would otherwise find.
 */
public final class CounterLedger {

  public static final class Entry {
    long floor = -1;
    int generation;
    long acknowledged;
    long unknown;
    long lost;
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  public CounterLedger(List<String> keys) {
    for (String key : keys) {
      entries.put(key, new Entry());
    }
  }

  /** A write was sent and no reply came: its outcome is unknown. */
  public void unknownOutcome(String key) {
    entry(key).unknown++;
  }

  /**
   * The server answered INCR with {@code reply}. Returns how many acknowledged writes this reply proves
   * lost (0 normally). The first reply for a key only sets its floor: we cannot know what came before.
   */
  public long acknowledged(String key, long reply) {
    Entry entry = entry(key);
    entry.acknowledged++;
    long lost = 0;
    if (entry.floor >= 0 && reply <= entry.floor) {
      lost = entry.floor + 1 - reply;
      entry.lost += lost;
      // Re-base on the server's value; readers see a new generation and do not count this loss twice.
      entry.generation++;
    }
    entry.floor = reply;
    return lost;
  }

  public long floor(String key) {
    return entry(key).floor;
  }

  public Entry entry(String key) {
    Entry entry = entries.get(key);
    if (entry == null) {
      throw new IllegalArgumentException("not a counter key: " + key);
    }
    return entry;
  }

  /** The floors of every key acknowledged at least once, for the event bus. */
  public Map<String, AckFloors.Floor> floors() {
    Map<String, AckFloors.Floor> floors = new HashMap<>();
    entries.forEach((key, entry) -> {
      if (entry.floor >= 0) {
        floors.put(key, new AckFloors.Floor(entry.floor, entry.generation));
      }
    });
    return floors;
  }

  /** Every key: floor (last acknowledged reply, -1 if none), acknowledged, unknown-outcome and lost writes. */
  public JsonObject toJson() {
    JsonObject keys = new JsonObject();
    entries.forEach((key, entry) -> keys.put(key, new JsonObject()
        .put("floor", entry.floor)
        .put("generation", entry.generation)
        .put("acknowledged", entry.acknowledged)
        .put("unknownOutcome", entry.unknown)
        .put("lost", entry.lost)));
    return new JsonObject()
        .put("acknowledged", totalAcknowledged())
        .put("unknownOutcome", totalUnknown())
        .put("lost", totalLost())
        .put("keys", keys);
  }

  public long totalAcknowledged() {
    return entries.values().stream().mapToLong(entry -> entry.acknowledged).sum();
  }

  public long totalUnknown() {
    return entries.values().stream().mapToLong(entry -> entry.unknown).sum();
  }

  public long totalLost() {
    return entries.values().stream().mapToLong(entry -> entry.lost).sum();
  }
}
