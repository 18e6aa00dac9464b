package io.failoverlab.common.contract;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * Where a {@code migrate} action is, published on {@link Addresses#MIGRATION_PROGRESS} after every
 * slot it moved and once at its end.
 *
 * @param id         the chaos action's id ("chaos-7")
 * @param from       the master the slots leave ("host:port")
 * @param to         the master they go to
 * @param state      running, done or failed
 * @param slotsDone  slots owned by {@code to} so far
 * @param slotsTotal slots the action moves
 * @param keysMoved  keys MIGRATEd so far
 * @param slot       the slot last moved (running, done) or being moved when it stopped (failed); null if none
 * @param error      why it stopped (failed only): the step, the node and what it answered
 * @param at         epoch ms (monitor clock)
 */
public record MigrationProgress(String id, String from, String to, State state, int slotsDone, int slotsTotal,
                                long keysMoved, Integer slot, String error, long at) {

  public enum State {
    RUNNING, DONE, FAILED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static State fromLabel(String label) {
      return label == null ? null : valueOf(label.toUpperCase(Locale.ROOT));
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("from", from).put("to", to).put("state", state.label())
        .put("slotsDone", slotsDone).put("slotsTotal", slotsTotal).put("keysMoved", keysMoved).put("slot", slot)
        .put("error", error).put("at", at);
  }

  public static MigrationProgress fromJson(JsonObject json) {
    return new MigrationProgress(json.getString("id"), json.getString("from"), json.getString("to"),
        State.fromLabel(json.getString("state")), json.getInteger("slotsDone"), json.getInteger("slotsTotal"),
        json.getLong("keysMoved"), json.getInteger("slot"), json.getString("error"), json.getLong("at"));
  }
}
