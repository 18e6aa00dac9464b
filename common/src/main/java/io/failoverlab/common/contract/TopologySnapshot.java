package io.failoverlab.common.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The monitor's merged picture of the cluster after one poll of every node. {@code currentEpoch}: the
 * highest cluster_current_epoch any node reported (every election, won or failed, takes the next
 * one), or null when none did. {@code openSlots}: slots in the middle of a move, as the nodes
 * moving them report them (empty when none: the normal state).
 */
public record TopologySnapshot(
    long timestamp,
    long pollIntervalMs,
    String clusterState,
    int masters,
    int uncoveredSlots,
    List<NodeStatus> nodes,
    Long currentEpoch,
    List<OpenSlot> openSlots) {

  /** Without the cluster's current epoch (tests, and views built from others). */
  public TopologySnapshot(long timestamp, long pollIntervalMs, String clusterState, int masters, int uncoveredSlots,
                          List<NodeStatus> nodes) {
    this(timestamp, pollIntervalMs, clusterState, masters, uncoveredSlots, nodes, null, List.of());
  }

  /**
   * A slot a node is moving: {@code state} "migrating" (its keys are going to {@code peer}) or
   * "importing" (coming from {@code peer}). {@code peer} is "host:port", or the node id when the
   * monitor does not know its address.
   */
  public record OpenSlot(int slot, String node, String state, String peer) {

    public static final String MIGRATING = "migrating";
    public static final String IMPORTING = "importing";

    public JsonObject toJson() {
      return new JsonObject().put("slot", slot).put("node", node).put("state", state).put("peer", peer);
    }

    public static OpenSlot fromJson(JsonObject json) {
      return new OpenSlot(json.getInteger("slot"), json.getString("node"), json.getString("state"),
          json.getString("peer"));
    }
  }

  /**
   * One node. {@code role}: master, replica or unknown. {@code flags}: the union of what the nodes
   * that answered say about it (fail?, fail, ...). {@code linkUp}: a replica's master_link_status.
   */
  public record NodeStatus(
      String id,
      String address,
      String role,
      List<String> flags,
      String masterId,
      String master,
      String slots,
      boolean reachable,
      boolean linkUp,
      long configEpoch,
      Long linkDownSeconds) {

    public NodeStatus {
      flags = List.copyOf(flags);
    }

    /**
     * Without {@code linkDownSeconds}: a replica's {@code master_link_down_since_seconds} (INFO
     * replication) while its link is down, null otherwise.
     */
    public NodeStatus(String id, String address, String role, List<String> flags, String masterId, String master,
                      String slots, boolean reachable, boolean linkUp, long configEpoch) {
      this(id, address, role, flags, masterId, master, slots, reachable, linkUp, configEpoch, null);
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("id", id)
          .put("address", address)
          .put("role", role)
          .put("flags", JsonMaps.strings(flags))
          .put("masterId", masterId)
          .put("master", master)
          .put("slots", slots)
          .put("reachable", reachable)
          .put("linkUp", linkUp)
          .put("configEpoch", configEpoch)
          .put("linkDownSeconds", linkDownSeconds);
    }

    public static NodeStatus fromJson(JsonObject json) {
      return new NodeStatus(
          json.getString("id"),
          json.getString("address"),
          json.getString("role"),
          JsonMaps.strings(json.getJsonArray("flags")),
          json.getString("masterId"),
          json.getString("master"),
          json.getString("slots"),
          json.getBoolean("reachable"),
          json.getBoolean("linkUp"),
          json.getLong("configEpoch"),
          json.getLong("linkDownSeconds"));
    }
  }

  public TopologySnapshot {
    nodes = List.copyOf(nodes);
    openSlots = openSlots == null ? List.of() : List.copyOf(openSlots);
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    nodes.forEach(node -> list.add(node.toJson()));
    return new JsonObject()
        .put("timestamp", timestamp)
        .put("pollIntervalMs", pollIntervalMs)
        .put("clusterState", clusterState)
        .put("masters", masters)
        .put("uncoveredSlots", uncoveredSlots)
        .put("currentEpoch", currentEpoch)
        .put("openSlots", new JsonArray(openSlots.stream().map(OpenSlot::toJson).toList()))
        .put("nodes", list);
  }

  public static TopologySnapshot fromJson(JsonObject json) {
    List<NodeStatus> nodes = new ArrayList<>();
    JsonArray list = json.getJsonArray("nodes", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      nodes.add(NodeStatus.fromJson(list.getJsonObject(i)));
    }
    return new TopologySnapshot(
        json.getLong("timestamp"),
        json.getLong("pollIntervalMs"),
        json.getString("clusterState"),
        json.getInteger("masters"),
        json.getInteger("uncoveredSlots"),
        nodes,
        json.getLong("currentEpoch"),
        json.getJsonArray("openSlots", new JsonArray()).stream().map(JsonObject.class::cast).map(OpenSlot::fromJson)
            .toList());
  }
}
