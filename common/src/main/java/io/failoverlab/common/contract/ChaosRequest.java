package io.failoverlab.common.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * A request to inject a fault, as the kill endpoint and the drill send it (HTTP body, or a request on
 * {@link Addresses#CHAOS}). {@code node} is "host:port" or a node id of the discovered cluster;
 * {@code seconds} is how long a hang or an isolation lasts (hang and isolate only); {@code mode} how a failover is forced (failover
 * only; null: the default, graceful one); {@code requestedBy} says who asked (for logs); {@code nodes}
 * instead of {@code node}: several nodes crashed at the same moment (crash only; null otherwise).
 */
public record ChaosRequest(Action action, String node, Integer seconds, FailoverMode mode, String requestedBy,
                           List<String> nodes) {

  public ChaosRequest {
    nodes = nodes == null ? null : List.copyOf(nodes);
  }

  /** Without a failover mode: every action but a forced failover. */
  public ChaosRequest(Action action, String node, Integer seconds, String requestedBy) {
    this(action, node, seconds, null, requestedBy, null);
  }

  /** One node. */
  public ChaosRequest(Action action, String node, Integer seconds, FailoverMode mode, String requestedBy) {
    this(action, node, seconds, mode, requestedBy, null);
  }

  /** Several nodes crashed at once. */
  public static ChaosRequest crash(List<String> nodes, String requestedBy) {
    return new ChaosRequest(Action.CRASH, null, null, null, requestedBy, nodes);
  }

  /**
   * The three ways of CLUSTER FAILOVER on a replica. DEFAULT: the master stops taking writes until
   * the replica has caught up, then the replica is elected: loses nothing, needs the master alive.
   * FORCE: no handshake with the master (it may be dead), still an election by a majority of masters:
   * writes the master took but had not yet copied are lost. TAKEOVER: no election either, the replica
   * bumps the epoch on its own: works when most masters are unreachable, and may lose writes the same way.
   */
  public enum FailoverMode {
    DEFAULT, FORCE, TAKEOVER;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Null for an unknown label. */
    public static FailoverMode fromLabel(String label) {
      for (FailoverMode mode : values()) {
        if (mode.label().equals(label)) {
          return mode;
        }
      }
      return null;
    }
  }

  public enum Action {
    /** The node's process dies (lab: SIGKILL; elsewhere SHUTDOWN NOSAVE NOW FORCE). */
    CRASH,
    /** The node answers nothing, clients nor cluster bus, for {@code seconds} (lab: SIGSTOP; elsewhere DEBUG SLEEP). */
    HANG,
    /** Graceful, loss-free promotion: CLUSTER FAILOVER on the named replica, or on the named master's replica. */
    FAILOVER,
    /** Start a crashed node again (lab only). */
    RESTART,
    /**
     * A replica copies nothing from its master for {@code seconds} (its replication link is cut; it
     * keeps answering and gossiping), so its data ages: crash the master meanwhile and a replica too
     * stale to be elected refuses to take over.
     */
    ISOLATE;

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
        .put("mode", mode == null ? null : mode.label())
        .put("nodes", nodes == null ? null : new JsonArray(nodes))
        .put("requestedBy", requestedBy);
  }

  /** Lenient only where the kill endpoint validates afterwards; an unknown action is null. */
  public static ChaosRequest fromJson(JsonObject json) {
    String mode = json.getString("mode");
    FailoverMode failoverMode = mode == null ? null : FailoverMode.fromLabel(mode);
    if (mode != null && failoverMode == null) {
      throw new IllegalArgumentException("unknown failover mode '" + mode + "': expected default, force or takeover");
    }
    List<String> nodes = null;
    if (json.getValue("nodes") != null) {
      if (!(json.getValue("nodes") instanceof JsonArray array)
          || !array.stream().allMatch(String.class::isInstance)) {
        throw new IllegalArgumentException("\"nodes\" must be a list of host:port or node ids");
      }
      nodes = array.stream().map(String.class::cast).toList();
    }
    return new ChaosRequest(Action.fromLabel(json.getString("action")), json.getString("node"),
        json.getInteger("seconds"), failoverMode, json.getString("requestedBy"), nodes);
  }
}
