package io.failoverlab.router;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/** The router's part of a service's {@code /stats}: its picture of the cluster and how it got it. */
final class RouterStats {

  private RouterStats() {
  }

  static JsonObject toJson(ReadFrom readFrom, Topology topology, NodeHealth health, LastContact contact) {
    SlotMap slots = topology.slots();
    JsonArray shards = new JsonArray();
    for (SlotMap.Shard shard : slots.shards()) {
      JsonArray replicas = new JsonArray();
      shard.replicas().forEach(replica -> replicas.add(replica.toString()));
      shards.add(new JsonObject()
          .put("slots", shard.label())
          .put("master", shard.master().toString())
          .put("replicas", replicas));
    }
    JsonArray down = new JsonArray();
    health.downNodes().forEach(node -> down.add(node.toString()));
    return new JsonObject()
        .put("readFrom", readFrom.name().toLowerCase(Locale.ROOT))
        .put("knownNodes", topology.knownNodeCount())
        .put("downNodes", down)
        .put("uncoveredSlots", slots.uncoveredSlots())
        .put("shardsDown", new JsonArray(health.shardsDown(slots)))
        .put("shards", shards)
        .put("topologyRefreshes", topology.refreshes())
        .put("promotionsSeen", topology.promotionsSeen())
        .put("lastContactMillis", contact.millis());
  }
}
