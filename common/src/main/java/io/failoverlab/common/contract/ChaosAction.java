package io.failoverlab.common.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A fault the monitor accepted and is carrying out: the kill endpoint's 202 body, the reply to a
 * {@link ChaosRequest} on {@link Addresses#CHAOS}, and what it publishes on
 * {@link Addresses#CHAOS_ACTION} so that incidents show "fault injected" at {@code at}.
 *
 * @param id         unique per monitor ("chaos-7")
 * @param node       "host:port" of the node acted on (for failover: the replica that takes over)
 * @param master     "host:port" of the master of the shard it affects (for failover: the one replaced;
 *                   null when unknown, e.g. restart)
 * @param target     the node as the request named it
 * @param method     how it is done in this runtime ("SIGKILL of the redis-server process", "DEBUG SLEEP 5")
 * @param at         epoch ms (monitor clock) when the action was started
 * @param nodes      every node acted on when several were crashed at once ({@code node} is the first), else null
 * @param to         migrate: the master the slots go to ("host:port"); else null
 * @param slots      migrate: the slots moved ("100-199,300"); fix: the open slots it closes; else null
 */
public record ChaosAction(String id, ChaosRequest.Action action, String node, String nodeId, String master, String target,
                          Integer seconds, String method, String requestedBy, long at, List<String> nodes, String to,
                          String slots) {

  public ChaosAction {
    nodes = nodes == null ? null : List.copyOf(nodes);
  }

  /** Any action but a migration. */
  public ChaosAction(String id, ChaosRequest.Action action, String node, String nodeId, String master, String target,
                     Integer seconds, String method, String requestedBy, long at, List<String> nodes) {
    this(id, action, node, nodeId, master, target, seconds, method, requestedBy, at, nodes, null, null);
  }

  /** Every node acted on. */
  public List<String> allNodes() {
    return nodes != null ? nodes : node == null ? List.of() : List.of(node);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("action", action.label())
        .put("node", node)
        .put("nodeId", nodeId)
        .put("master", master)
        .put("target", target)
        .put("seconds", seconds)
        .put("method", method)
        .put("requestedBy", requestedBy)
        .put("at", at)
        .put("nodes", nodes == null ? null : new JsonArray(nodes))
        .put("to", to)
        .put("slots", slots);
  }

  public static ChaosAction fromJson(JsonObject json) {
    return new ChaosAction(json.getString("id"), ChaosRequest.Action.fromLabel(json.getString("action")),
        json.getString("node"), json.getString("nodeId"), json.getString("master"), json.getString("target"),
        json.getInteger("seconds"),
        json.getString("method"), json.getString("requestedBy"), json.getLong("at"),
        json.getJsonArray("nodes") == null ? null
            : json.getJsonArray("nodes").stream().map(String::valueOf).toList(),
        json.getString("to"), json.getString("slots"));
  }
}
