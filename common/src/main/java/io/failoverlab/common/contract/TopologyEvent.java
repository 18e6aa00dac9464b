package io.failoverlab.common.contract;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * One change in the cluster as the monitor saw it between two polls. {@code timestamp} is the
 * monitor's clock at the poll that saw it: the change happened at most one poll interval earlier.
 * {@code data} holds the type's details (see each type).
 */
public record TopologyEvent(Type type, long timestamp, String node, String nodeId, String description, JsonObject data) {

  public enum Type {
    /** A node sees another as possibly failed (no pong for longer than the node timeout). */
    NODE_PFAIL,
    /** The masters agreed the node failed. */
    NODE_FAIL,
    /** Nobody flags the node as failing any more. */
    NODE_RECOVERED,
    /** The monitor cannot reach the node. */
    NODE_UNREACHABLE,
    /** The monitor reaches the node again; data: role, master (for a replica). */
    NODE_REACHABLE,
    /** A replica became master; data: slots, previousMaster. */
    PROMOTED,
    /** A master became a replica (e.g. the old master came back); data: master. */
    DEMOTED,
    /** A replica's link to its master went down or came up; data: master. */
    REPLICA_LINK_DOWN,
    REPLICA_LINK_UP,
    /** cluster_state changed; data: state, nodes (which said so). */
    CLUSTER_STATE_FAIL,
    CLUSTER_STATE_OK,
    /** Some slots have no live master / all slots served again; data: uncoveredSlots. */
    SLOTS_UNCOVERED,
    SLOTS_COVERED,
    /** A node joined or left the cluster's node tables. */
    NODE_ADDED,
    NODE_REMOVED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Type fromLabel(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT));
    }
  }

  public TopologyEvent {
    data = data == null ? new JsonObject() : data.copy();
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("type", type.label())
        .put("timestamp", timestamp)
        .put("node", node)
        .put("nodeId", nodeId)
        .put("description", description)
        .put("data", data.copy());
  }

  public static TopologyEvent fromJson(JsonObject json) {
    return new TopologyEvent(
        Type.fromLabel(json.getString("type")),
        json.getLong("timestamp"),
        json.getString("node"),
        json.getString("nodeId"),
        json.getString("description"),
        json.getJsonObject("data"));
  }
}
