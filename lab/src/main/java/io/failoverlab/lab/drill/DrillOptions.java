package io.failoverlab.lab.drill;

import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.lab.LabOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a drill is run with, validated by {@link DrillCommand}.
 *
 * @param hangSeconds       how long a hung master stays silent (hang only, else null)
 * @param maxUnavailabilityMs worst write unavailability of any failover allowed; null = not checked
 * @param maxLostWrites     lost acknowledged writes allowed over the whole drill; null = not checked
 * @param maxHealthyShardErrors errors on shards whose master did not fail, over the whole drill; null = not checked
 * @param redisNodes        seeds of an existing cluster (external mode), or null for the lab's own cluster
 * @param phaseTimeout      deadline of each wait: cluster healthy, incident closed
 */
public record DrillOptions(
    int failovers,
    ChaosRequest.Action action,
    Integer hangSeconds,
    DrillTarget target,
    Long maxUnavailabilityMs,
    Long maxLostWrites,
    Long maxHealthyShardErrors,
    Path outDir,
    LabOptions lab,
    String redisNodes,
    Duration phaseTimeout) {

  /** Defaults for a local drill: 3 crashes round-robin, no thresholds, files in the current directory. */
  public static DrillOptions defaults(LabOptions lab) {
    return new DrillOptions(3, ChaosRequest.Action.CRASH, null, DrillTarget.roundRobin(), null, null, null,
        Path.of("."), lab, null, Duration.ofSeconds(120));
  }

  public boolean external() {
    return redisNodes != null;
  }

  /** Hang length for the local cluster when not given: a few node timeouts, so the cluster surely fails it over. */
  public static int defaultHangSeconds(int nodeTimeoutMs) {
    return Math.max(2, (int) Math.ceil(3 * nodeTimeoutMs / 1000.0));
  }

  public DrillOptions withThresholds(Long unavailabilityMs, Long lostWrites, Long healthyShardErrors) {
    return new DrillOptions(failovers, action, hangSeconds, target, unavailabilityMs, lostWrites,
        healthyShardErrors, outDir, lab, redisNodes, phaseTimeout);
  }

  /** The settings as report.json shows them. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("mode", external() ? "external" : "local")
        .put("failovers", failovers)
        .put("action", action.label())
        .put("hangSeconds", hangSeconds)
        .put("target", target.toString())
        .put("phaseTimeoutMs", phaseTimeout.toMillis());
    if (external()) {
      json.put("redisNodes", redisNodes);
    } else {
      json.put("cluster", "127.0.0.1:" + lab.portBase() + "-" + (lab.portBase() + lab.clusterConfig().nodeCount() - 1))
          .put("nodeTimeoutMs", lab.nodeTimeoutMs())
          .put("requireFullCoverage", lab.requireFullCoverage());
    }
    return json;
  }
}
