package io.failoverlab.drill;

import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.stack.LabClients;
import io.failoverlab.stack.LabOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a drill is run with, validated by {@link DrillCommand}.
 *
 * @param actions           the fault of each failover, in turn: one action, or crash, hang, failover for "mixed"
 * @param hangSeconds       how long a hung master stays silent (when a hang is among the actions, else null)
 * @param maxUnavailabilityMs worst write unavailability of any failover allowed; null = not checked
 * @param maxLostWrites     lost acknowledged writes allowed over the whole drill; null = not checked
 * @param maxHealthyShardErrors errors on shards whose master did not fail, over the whole drill; null = not checked
 * @param redisNodes        seeds of an existing cluster (external mode), or null for the lab's own cluster
 * @param phaseTimeout      deadline of each wait: cluster healthy, incident closed
 * @param clients           the clients under test run during the drill, and how long after the oracle
 *                          each may take to recover on the failed shard
 * @param failoverMode      how a failover action is done: default (graceful), force or takeover
 * @param scenario          a failure that does not end in one clean promotion (its fault is a crash, so
 *                          {@code actions} is crash), a migration, or null
 * @param migrateSlots      slots each migration moves (scenario migrate only, else null)
 */
public record DrillOptions(
    int failovers,
    List<ChaosRequest.Action> actions,
    Integer hangSeconds,
    DrillTarget target,
    Long maxUnavailabilityMs,
    Long maxLostWrites,
    Long maxHealthyShardErrors,
    Path outDir,
    LabOptions lab,
    String redisNodes,
    Duration phaseTimeout,
    Clients clients,
    ChaosRequest.FailoverMode failoverMode,
    Scenario scenario,
    Integer migrateSlots) {

  /** Clients under test during the drill ({@code --clients}); with any, an oracle times each failover too. */
  public record Clients(LabClients asked, Duration deadline) {

    public static Clients none() {
      return new Clients(LabClients.none(), Duration.ofSeconds(20));
    }

    public boolean any() {
      return asked.any();
    }
  }

  /** Without clients under test. */
  public DrillOptions(int failovers, List<ChaosRequest.Action> actions, Integer hangSeconds, DrillTarget target,
                      Long maxUnavailabilityMs, Long maxLostWrites, Long maxHealthyShardErrors, Path outDir,
                      LabOptions lab, String redisNodes, Duration phaseTimeout) {
    this(failovers, actions, hangSeconds, target, maxUnavailabilityMs, maxLostWrites, maxHealthyShardErrors, outDir,
        lab, redisNodes, phaseTimeout, Clients.none());
  }

  /** Graceful failovers. */
  public DrillOptions(int failovers, List<ChaosRequest.Action> actions, Integer hangSeconds, DrillTarget target,
                      Long maxUnavailabilityMs, Long maxLostWrites, Long maxHealthyShardErrors, Path outDir,
                      LabOptions lab, String redisNodes, Duration phaseTimeout, Clients clients) {
    this(failovers, actions, hangSeconds, target, maxUnavailabilityMs, maxLostWrites, maxHealthyShardErrors, outDir,
        lab, redisNodes, phaseTimeout, clients, ChaosRequest.FailoverMode.DEFAULT);
  }

  /** Without a scenario. */
  public DrillOptions(int failovers, List<ChaosRequest.Action> actions, Integer hangSeconds, DrillTarget target,
                      Long maxUnavailabilityMs, Long maxLostWrites, Long maxHealthyShardErrors, Path outDir,
                      LabOptions lab, String redisNodes, Duration phaseTimeout, Clients clients,
                      ChaosRequest.FailoverMode failoverMode) {
    this(failovers, actions, hangSeconds, target, maxUnavailabilityMs, maxLostWrites, maxHealthyShardErrors, outDir,
        lab, redisNodes, phaseTimeout, clients, failoverMode, null, null);
  }

  /** "--action mixed": the three faults in turn, so a long drill (the soak) meets each of them. */
  public static final List<ChaosRequest.Action> MIXED = List.of(ChaosRequest.Action.CRASH, ChaosRequest.Action.HANG,
      ChaosRequest.Action.FAILOVER);

  public DrillOptions {
    actions = List.copyOf(actions);
    failoverMode = failoverMode == null ? ChaosRequest.FailoverMode.DEFAULT : failoverMode;
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("at least one action");
    }
    if (scenario != null && !actions.equals(List.of(ChaosRequest.Action.CRASH))) {
      throw new IllegalArgumentException("a scenario's fault is a crash, not " + actions);
    }
  }

  /** Defaults for a local drill: 3 crashes round-robin, no thresholds, files in the current directory. */
  public static DrillOptions defaults(LabOptions lab) {
    return new DrillOptions(3, List.of(ChaosRequest.Action.CRASH), null, DrillTarget.roundRobin(), null, null, null,
        Path.of("."), lab, null, Duration.ofSeconds(120));
  }

  /** The fault of failover {@code index} (1-based). */
  public ChaosRequest.Action actionOf(int index) {
    return actions.get((index - 1) % actions.size());
  }

  public boolean mixed() {
    return actions.size() > 1;
  }

  /** As the command line says it: the action's label, the scenario's, or "mixed". */
  public String actionLabel() {
    return scenario != null ? scenario.label() : mixed() ? "mixed" : actions.get(0).label();
  }

  public DrillOptions withScenario(Scenario value) {
    return withScenario(value, null);
  }

  /** {@code slots}: what each migration moves (migrate only). */
  public DrillOptions withScenario(Scenario value, Integer slots) {
    return new DrillOptions(failovers, List.of(ChaosRequest.Action.CRASH), null, target, maxUnavailabilityMs,
        maxLostWrites, maxHealthyShardErrors, outDir, lab, redisNodes, phaseTimeout, clients, failoverMode, value,
        slots);
  }

  public boolean external() {
    return redisNodes != null;
  }

  /** Hang length for the local cluster when not given: a few node timeouts, so the cluster surely fails it over. */
  public static int defaultHangSeconds(int nodeTimeoutMs) {
    return Math.max(2, (int) Math.ceil(3 * nodeTimeoutMs / 1000.0));
  }

  public DrillOptions withThresholds(Long unavailabilityMs, Long lostWrites, Long healthyShardErrors) {
    return new DrillOptions(failovers, actions, hangSeconds, target, unavailabilityMs, lostWrites,
        healthyShardErrors, outDir, lab, redisNodes, phaseTimeout, clients, failoverMode, scenario, migrateSlots);
  }

  /** The settings as report.json shows them. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("mode", external() ? "external" : "local")
        .put("failovers", failovers)
        .put("action", actionLabel())
        .put("hangSeconds", hangSeconds)
        .put("failoverMode", failoverMode.label())
        .put("migrateSlots", migrateSlots)
        .put("target", target.toString())
        .put("phaseTimeoutMs", phaseTimeout.toMillis());
    if (clients.any()) {
      json.put("clients", new io.vertx.core.json.JsonArray(clients.asked().specs().stream().map(Object::toString).toList()))
          .put("clientDeadlineMs", clients.deadline().toMillis());
    }
    if (external()) {
      json.put("redisNodes", redisNodes);
    } else {
      json.put("cluster", "127.0.0.1:" + lab.portBase() + "-" + (lab.portBase() + lab.clusterConfig().nodeCount() - 1))
          .put("masters", lab.clusterConfig().masters())
          .put("replicasPerMaster", lab.clusterConfig().replicasPerMaster())
          .put("nodeTimeoutMs", lab.nodeTimeoutMs())
          .put("requireFullCoverage", lab.requireFullCoverage());
    }
    return json;
  }
}
