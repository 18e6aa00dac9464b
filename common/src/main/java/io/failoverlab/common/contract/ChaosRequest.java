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
 * instead of {@code node}: several nodes crashed at the same moment (crash only; null otherwise);
 * {@code migration}: where slots go and which (migrate only; null otherwise).
 */
public record ChaosRequest(Action action, String node, Integer seconds, FailoverMode mode, String requestedBy,
                           List<String> nodes, Migration migration) {

  /**
   * The slots a {@code migrate} moves from {@code node} to {@code to} ("host:port" or node id):
   * {@code slots} ("100-199,300") or the first {@code count} slots {@code node} owns, one of the two.
   */
  public record Migration(String to, String slots, Integer count) {
  }

  public ChaosRequest {
    nodes = nodes == null ? null : List.copyOf(nodes);
  }

  /** Without a failover mode: every action but a forced failover. */
  public ChaosRequest(Action action, String node, Integer seconds, String requestedBy) {
    this(action, node, seconds, null, requestedBy, null, null);
  }

  /** One node. */
  public ChaosRequest(Action action, String node, Integer seconds, FailoverMode mode, String requestedBy) {
    this(action, node, seconds, mode, requestedBy, null, null);
  }

  /** Several nodes, as {@code nodes}. */
  public ChaosRequest(Action action, String node, Integer seconds, FailoverMode mode, String requestedBy,
                      List<String> nodes) {
    this(action, node, seconds, mode, requestedBy, nodes, null);
  }

  /** Slots moved from {@code from} to {@code to}, with their keys. */
  public static ChaosRequest migrate(String from, Migration migration, String requestedBy) {
    return new ChaosRequest(Action.MIGRATE, from, null, null, requestedBy, null, migration);
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
    ISOLATE,
    /**
     * Slots move from {@code node} to another master with their keys, step by step as redis-cli
     * --cluster reshard moves them (IMPORTING/MIGRATING, MIGRATE in batches, SETSLOT NODE everywhere).
     */
    MIGRATE,
    /**
     * Slots left open by an interrupted migration are closed (redis-cli --cluster fix): each is
     * finished where both sides live, else given back to the node that owns it.
     */
    FIX,
    /**
     * A new shard (a master and its replicas) joins the cluster and takes an even share of every
     * master's slots with their keys (lab only: it starts processes).
     */
    ADD_SHARD,
    /**
     * The shard of {@code node} gives its slots with their keys to the other masters, evenly, and its
     * nodes are forgotten by the cluster and stopped (lab only).
     */
    REMOVE_SHARD;

    /** As the kill endpoint's path says it: "crash", "add-shard". */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
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
        .put("to", migration == null ? null : migration.to())
        .put("slots", migration == null ? null : migration.slots())
        .put("count", migration == null ? null : migration.count())
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
    Migration migration = null;
    if (json.getValue("to") != null || json.getValue("slots") != null || json.getValue("count") != null) {
      if (json.getValue("to") != null && !(json.getValue("to") instanceof String)) {
        throw new IllegalArgumentException("\"to\" must be a string (host:port or node id)");
      }
      if (json.getValue("slots") != null && !(json.getValue("slots") instanceof String)) {
        throw new IllegalArgumentException("\"slots\" must be a string of slots and ranges, e.g. \"100-199,300\"");
      }
      if (json.getValue("count") != null && !(json.getValue("count") instanceof Integer)) {
        throw new IllegalArgumentException("\"count\" must be a whole number of slots");
      }
      migration = new Migration(json.getString("to"), json.getString("slots"), json.getInteger("count"));
    }
    return new ChaosRequest(Action.fromLabel(json.getString("action")), json.getString("node"),
        json.getInteger("seconds"), failoverMode, json.getString("requestedBy"), nodes, migration);
  }
}
