package io.failoverlab.bench;

import io.failoverlab.stack.LabClients;
import io.failoverlab.stack.LabOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What a bench run is made of, validated by {@link BenchCommand}. Every local cluster of the run
 * takes its ports from {@code portBase}: recovery +0, full-coverage recovery +10, load +20, the lab
 * jar +30, scale +40, clients +60, migrations +70, timing +80 (each node's cluster bus is on its port + 10000).
 */
public record BenchOptions(
    Set<Measurement> measurements,
    int failovers,
    int coverageYesFailovers,
    int nodeTimeoutMs,
    int portBase,
    int scaleMasters,
    int scaleReplicas,
    int scaleFailovers,
    int throughputSeconds,
    int throughputRounds,
    int warmupSeconds,
    int pipeline,
    int monitorSeconds,
    long oracleIntervalMs,
    long baselineMs,
    LettuceWriter.Config lettuce,
    Path writerJar,
    Path readerJar,
    Path monitorJar,
    Path labJar,
    List<String> childJvmOptions,
    String redisBenchmark,
    Duration phaseTimeout,
    ClientsOptions clients,
    MigrationOptions migration,
    TimingOptions timing) {

  /**
   * The client scorecard: which clients, how many crash failovers (as many hangs follow), how long a
   * client may trail the oracle before it is restarted, and the redis-cli of the independent check.
   */
  public record ClientsOptions(LabClients clients, int failovers, Duration deadline, String redisCli) {
  }

  /** Slot migrations: how many, how many slots each moves, and the keys the cluster is filled with first. */
  public record MigrationOptions(int migrations, int slots, int fillKeys) {
  }

  static final int RECOVERY_PORT_OFFSET = 0;
  static final int COVERAGE_PORT_OFFSET = 10;
  static final int LOAD_PORT_OFFSET = 20;
  static final int LAB_PORT_OFFSET = 30;
  static final int SCALE_PORT_OFFSET = 40;
  static final int CLIENTS_PORT_OFFSET = 60;
  static final int MIGRATION_PORT_OFFSET = 70;
  static final int TIMING_PORT_OFFSET = 80;

  /** The measurements of the issue, by the names {@code --only} takes. */
  public enum Measurement {
    RECOVERY("recovery", "1. recovery lag behind the oracle"),
    UNAVAILABILITY("unavailability", "2. unavailability per failover"),
    BLAST("blast", "3. blast radius on the healthy shards"),
    LETTUCE("lettuce", "4. side by side with Lettuce"),
    THROUGHPUT("throughput", "5. throughput against redis-benchmark"),
    MEMORY("memory", "6. memory and CPU"),
    SCALE("scale", "7. scale"),
    CLIENTS("clients", "8. the clients people run"),
    CLOCK("clock", "9. the incident clock against the oracle"),
    TIMING("timing", "10. failover timing against cluster-node-timeout"),
    MIGRATION("migration", "11. slot migrations under load");

    final String label;
    final String title;

    Measurement(String label, String title) {
      this.label = label;
      this.title = title;
    }

    public String label() {
      return label;
    }

    /**
     * What a bench without {@code --only} runs: all but the timing curve, which starts a cluster per
     * point and waits out 15 s node timeouts (about 10 minutes at its defaults): it runs on its own.
     */
    static Set<Measurement> defaults() {
      Set<Measurement> all = java.util.EnumSet.allOf(Measurement.class);
      all.remove(TIMING);
      return all;
    }

    static Measurement fromLabel(String label) {
      for (Measurement measurement : values()) {
        if (measurement.label.equals(label)) {
          return measurement;
        }
      }
      return null;
    }
  }

  boolean selected(Measurement measurement) {
    return measurements.contains(measurement);
  }

  /** The failovers with full coverage off run when any of measurements 1-4 is selected. */
  boolean recoveryPhase() {
    return selected(Measurement.RECOVERY) || selected(Measurement.UNAVAILABILITY) || selected(Measurement.BLAST)
        || selected(Measurement.LETTUCE) || selected(Measurement.SCALE) || selected(Measurement.CLOCK);
  }

  LabOptions lab(int portOffset, boolean requireFullCoverage) {
    return new LabOptions(portBase + portOffset, nodeTimeoutMs, requireFullCoverage, "127.0.0.1", 0, 0, 0);
  }

  JsonObject toJson() {
    JsonArray selected = new JsonArray();
    measurements.forEach(measurement -> selected.add(measurement.label));
    return new JsonObject().put("measurements", selected).put("failovers", failovers)
        .put("coverageYesFailovers", coverageYesFailovers).put("nodeTimeoutMs", nodeTimeoutMs).put("portBase", portBase)
        .put("scaleMasters", scaleMasters).put("scaleReplicas", scaleReplicas).put("scaleFailovers", scaleFailovers)
        .put("throughputSeconds", throughputSeconds).put("throughputRounds", throughputRounds)
        .put("warmupSeconds", warmupSeconds).put("pipeline", pipeline).put("monitorSeconds", monitorSeconds)
        .put("oracleIntervalMs", oracleIntervalMs).put("baselineMs", baselineMs).put("lettuce", lettuce.describe())
        .put("childJvmOptions", new JsonArray(childJvmOptions))
        .put("clients", new JsonArray(clients.clients().specs().stream().map(Object::toString).toList()))
        .put("clientFailovers", clients.failovers()).put("clientDeadlineMs", clients.deadline().toMillis())
        .put("migrations", migration.migrations()).put("migrationSlots", migration.slots())
        .put("migrationFillKeys", migration.fillKeys())
        .put("timing", timing.toJson());
  }
}
