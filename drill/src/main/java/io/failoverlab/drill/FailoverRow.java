package io.failoverlab.drill;

import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.JsonMaps;
import io.failoverlab.common.contract.IncidentReport.Durations;
import io.failoverlab.common.contract.IncidentReport.Milestones;
import io.failoverlab.common.contract.IncidentReport.SlotMove;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One failover of a drill: what was done to which node, and what the monitor's incident says it
 * caused. Every time is epoch ms on the monitor's clock (the same JVM as the drill).
 *
 * @param target      the node the drill asked to act on (the shard's master at the time)
 * @param actedOn     the node the monitor acted on (for a graceful failover: the replica that took over)
 * @param faultAt     when the monitor started the action ({@link ChaosAction#at()})
 * @param restoredAt  when the crashed node answered again after the drill's restart (crash only)
 * @param healthyAt   when the cluster was healthy and in sync again, ready for the next failover
 */
public record FailoverRow(
    int index,
    String action,
    String target,
    String shard,
    String actedOn,
    String chaosId,
    String method,
    long faultAt,
    String incidentId,
    long incidentOpenedAt,
    Long incidentClosedAt,
    String failedNode,
    String promotedNode,
    Milestones milestones,
    Durations durations,
    long lostWrites,
    long unknownOutcomeWrites,
    Map<String, Map<String, Long>> errorsByService,
    Map<String, Long> healthyShardErrors,
    List<SlotMove> slotsMoved,
    Long restoredAt,
    Long healthyAt) {

  public FailoverRow {
    Map<String, Map<String, Long>> errors = new TreeMap<>();
    errorsByService.forEach((service, counts) -> errors.put(service, Map.copyOf(counts)));
    errorsByService = Map.copyOf(errors);
    healthyShardErrors = Map.copyOf(healthyShardErrors);
    slotsMoved = List.copyOf(slotsMoved);
  }

  static FailoverRow of(int index, ShardTargets.Choice target, ChaosAction action, IncidentReport incident) {
    return new FailoverRow(index, action.action().label(), target.master(), target.shard(), action.node(),
        action.id(), action.method(), action.at(), incident.id(), incident.openedAt(), incident.closedAt(),
        incident.failedNode(), incident.promotedNode(), incident.milestones(), incident.durations(),
        incident.lostWrites(), incident.unknownOutcomeWrites(), incident.errorsByService(),
        incident.healthyShardErrors(), incident.slotsMoved(), null, null);
  }

  FailoverRow restored(Long restored, Long healthy) {
    return new FailoverRow(index, action, target, shard, actedOn, chaosId, method, faultAt, incidentId,
        incidentOpenedAt, incidentClosedAt, failedNode, promotedNode, milestones, durations, lostWrites,
        unknownOutcomeWrites, errorsByService, healthyShardErrors, slotsMoved, restored, healthy);
  }

  /** Errors on shards whose master did not fail, all services together. */
  public long healthyShardErrorsTotal() {
    return healthyShardErrors.values().stream().mapToLong(Long::longValue).sum();
  }

  public JsonObject toJson() {
    JsonArray moves = new JsonArray();
    slotsMoved.forEach(move -> moves.add(move.toJson()));
    return new JsonObject()
        .put("index", index)
        .put("action", action)
        .put("target", target)
        .put("shard", shard)
        .put("actedOn", actedOn)
        .put("chaosId", chaosId)
        .put("method", method)
        .put("faultAt", faultAt)
        .put("incidentId", incidentId)
        .put("incidentOpenedAt", incidentOpenedAt)
        .put("incidentClosedAt", incidentClosedAt)
        .put("failedNode", failedNode)
        .put("promotedNode", promotedNode)
        .put("milestones", milestones.toJson())
        .put("durationsMs", durations.toJson())
        .put("lostWrites", lostWrites)
        .put("unknownOutcomeWrites", unknownOutcomeWrites)
        .put("errorsByService", JsonMaps.countsByGroup(errorsByService))
        .put("healthyShardErrors", JsonMaps.counts(healthyShardErrors))
        .put("healthyShardErrorsTotal", healthyShardErrorsTotal())
        .put("slotsMoved", moves)
        .put("restoredAt", restoredAt)
        .put("healthyAt", healthyAt);
  }
}
