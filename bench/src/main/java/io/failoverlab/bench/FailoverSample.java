package io.failoverlab.bench;

import io.failoverlab.common.contract.ServiceName;
import io.failoverlab.measure.FailoverRecord;
import io.failoverlab.measure.TextTable;
import io.vertx.core.json.JsonObject;

/**
 * One crash failover as the bench measured it: the lab's per-failover record (the oracle, every
 * client's recovery and healthy-shard errors, the incident) plus what only the bench looks at: the
 * healthy shards' latency and outages, the CPU, and the check of the monitor's incident. Times are
 * wall-clock ms of this JVM (every client and the oracle run here, so they share one clock).
 *
 * @param healthy        the router probe's p99 on the healthy shards before and during, and their longest outage
 * @param incidentCheck  the monitor's incident check ("ok", or what was wrong), null when not checked
 * @param cpuBefore      CPU over the baseline window (this JVM's cores, the machine's busy share)
 * @param cpuDuring      CPU from the kill to recovery + settle time
 */
record FailoverSample(FailoverRecord record, HealthyShards healthy, String incidentCheck, CpuMeter.Use cpuBefore,
                      CpuMeter.Use cpuDuring) {

  /** The clients the bench records, by the label each has in the record. */
  static final String WRITER = ServiceName.WRITER.label();
  static final String READER = ServiceName.READER.label();
  static final String PROBE = "router probe";
  static final String LETTUCE = "lettuce";

  /**
   * The healthy shards during the failover: the router probe's p99 over the baseline window and from
   * the kill to recovery + settle time; the longest outage the writer or reader saw on a healthy
   * shard (CLUSTERDOWN with full coverage).
   */
  record HealthyShards(Double p99BeforeMs, Double p99DuringMs, long longestOutageMs) {
  }

  FailoverSample withIncidentCheck(String verdict) {
    return new FailoverSample(record, healthy, verdict, cpuBefore, cpuDuring);
  }

  int index() {
    return record.index();
  }

  String victim() {
    return record.target();
  }

  String promoted() {
    return record.promoted();
  }

  Long oracleAt() {
    return record.oracleAt();
  }

  /** When {@code client} first succeeded on the failed shard, or null. */
  Long at(String client) {
    return record.recoveredAt(client);
  }

  /** {@code client}'s lag behind the oracle (ms), or null. */
  Long lag(String client) {
    return record.lagOf(client);
  }

  /** From the kill to {@code client}'s first success on the failed shard (ms), or null. */
  Long unavailability(String client) {
    return record.unavailability(at(client));
  }

  /**
   * The monitor's incident clock against the oracle: its promotedAt minus the oracle's first
   * success (ms), or null without both.
   */
  Long clockError() {
    Long promotedAt = record.milestones().promotedAt();
    return promotedAt == null || oracleAt() == null ? null : promotedAt - oracleAt();
  }

  /** How precise the incident says {@code milestone} is (ms), or null. */
  Long precision(String milestone) {
    return record.incident() == null ? null : record.incident().milestonePrecisionMs().get(milestone);
  }

  /** From the kill to the incident's {@code at} (ms), or null. */
  Long sinceKill(Long at) {
    return record.unavailability(at);
  }

  /** From the kill to the oracle's first success (ms), or null. */
  Long oracleUnavailability() {
    return record.unavailability(oracleAt());
  }

  /** {@code client}'s errors on the healthy shards (0 when it was not counted, as for a client not run). */
  long healthyErrors(String client) {
    Long errors = record.healthyShardErrors(client);
    return errors == null ? 0 : errors;
  }

  Double p99Ratio() {
    return TextTable.divide(healthy.p99DuringMs(), healthy.p99BeforeMs());
  }

  long servicesHealthyErrors() {
    return healthyErrors(WRITER) + healthyErrors(READER) + healthyErrors(PROBE);
  }

  /** In the bench's --json output. */
  JsonObject toJson() {
    return new JsonObject().put("index", index()).put("victim", victim()).put("shard", record.shard())
        .put("promoted", promoted()).put("killAt", record.faultAt()).put("oracleAt", oracleAt())
        .put("writerAt", at(WRITER)).put("readerAt", at(READER)).put("probeAt", at(PROBE)).put("lettuceAt", at(LETTUCE))
        .put("writerHealthyErrors", healthyErrors(WRITER)).put("readerHealthyErrors", healthyErrors(READER))
        .put("probeHealthyErrors", healthyErrors(PROBE)).put("lettuceHealthyErrors", record.healthyShardErrors(LETTUCE))
        .put("healthyP99BeforeMs", healthy.p99BeforeMs()).put("healthyP99DuringMs", healthy.p99DuringMs())
        .put("healthyOutageMs", healthy.longestOutageMs()).put("incident", incidentCheck)
        .put("oraclePeriodMs", record.oracle() == null ? null : record.oracle().periodMs())
        .put("jvmCoresBefore", cpuBefore == null ? null : cpuBefore.jvmCores())
        .put("machineBusyBefore", cpuBefore == null ? null : cpuBefore.machineBusy())
        .put("jvmCoresDuring", cpuDuring == null ? null : cpuDuring.jvmCores())
        .put("machineBusyDuring", cpuDuring == null ? null : cpuDuring.machineBusy());
  }
}
