package io.failoverlab.common.contract;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * A request to inject a fault, as the kill endpoint and the drill send it (HTTP body, or a request on
 * {@link Addresses#CHAOS}). {@code node} is "host:port" or a node id of the discovered cluster;
 * {@code seconds} is how long a hang lasts (hang only); {@code requestedBy} says who asked (for logs).
 */
public record ChaosRequest(Action action, String node, Integer seconds, String requestedBy) {

  public enum Action {
    /** The node's process dies (lab: SIGKILL; elsewhere SHUTDOWN NOSAVE NOW FORCE). */
    CRASH,
    /** The node answers nothing, clients nor cluster bus, for {@code seconds} (lab: SIGSTOP; elsewhere DEBUG SLEEP). */
    HANG,
    /** Graceful, loss-free promotion: CLUSTER FAILOVER on the named replica, or on the named master's replica. */
    FAILOVER,
    /** Start a crashed node again (lab only). */
    RESTART;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Null for an unknown label. */
    public static Action fromLabel(String label) {
      for (Action action : values()) {
        if (action.label().equals(label)) {
          return action;
        }
      }
      return null;
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("action", action.label())
        .put("node", node)
        .put("seconds", seconds)
        .put("requestedBy", requestedBy);
  }

  /** Lenient only where the kill endpoint validates afterwards; an unknown action is null. */
  public static ChaosRequest fromJson(JsonObject json) {
    return new ChaosRequest(Action.fromLabel(json.getString("action")), json.getString("node"),
        json.getInteger("seconds"), json.getString("requestedBy"));
  }
}
