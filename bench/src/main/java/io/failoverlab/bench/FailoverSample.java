package io.failoverlab.bench;

import io.failoverlab.measure.TextTable;
import io.vertx.core.json.JsonObject;

/**
 * One crash failover as the bench measured it. Times are wall-clock ms of this JVM (every client
 * and the oracle run here, so they share one clock); a client that did not recover within the
 * phase deadline has a null time.
 *
 * @param oracleAt       the oracle's first accepted write: the cluster could take the shard's writes again
 * @param healthyP99BeforeMs router probe, healthy shards, p99 over the baseline window before the kill
 * @param healthyP99DuringMs router probe, healthy shards, p99 from the kill to recovery + settle time
 * @param healthyOutageMs the longest outage the writer or reader saw on a healthy shard (CLUSTERDOWN with full coverage)
 * @param incident        the monitor's incident check ("ok", or what was wrong), null when not checked
 * @param oraclePeriodMs  the oracle's resolution: mean time between two of its writes to one replica
 * @param cpuBefore       CPU over the baseline window (this JVM's cores, the machine's busy share)
 * @param cpuDuring       CPU from the kill to recovery + settle time
 */
record FailoverSample(
    int index,
    String victim,
    String shard,
    String promoted,
    long killAt,
    Long oracleAt,
    Long writerAt,
    Long readerAt,
    Long probeAt,
    Long lettuceAt,
    long writerHealthyErrors,
    long readerHealthyErrors,
    long probeHealthyErrors,
    Long lettuceHealthyErrors,
    Double healthyP99BeforeMs,
    Double healthyP99DuringMs,
    long healthyOutageMs,
    String incident,
    Double oraclePeriodMs,
    CpuMeter.Use cpuBefore,
    CpuMeter.Use cpuDuring) {

  FailoverSample withIncident(String verdict) {
    return new FailoverSample(index, victim, shard, promoted, killAt, oracleAt, writerAt, readerAt, probeAt, lettuceAt,
        writerHealthyErrors, readerHealthyErrors, probeHealthyErrors, lettuceHealthyErrors, healthyP99BeforeMs,
        healthyP99DuringMs, healthyOutageMs, verdict, oraclePeriodMs, cpuBefore, cpuDuring);
  }

  /** {@code at} minus the oracle's first success: how long a client trailed the cluster. */
  Long lag(Long at) {
    return at == null || oracleAt == null ? null : at - oracleAt;
  }

  /** {@code at} minus the kill: how long the shard was down for a client. */
  Long unavailability(Long at) {
    return at == null ? null : at - killAt;
  }

  Double p99Ratio() {
    return TextTable.divide(healthyP99DuringMs, healthyP99BeforeMs);
  }

  long servicesHealthyErrors() {
    return writerHealthyErrors + readerHealthyErrors + probeHealthyErrors;
  }

  JsonObject toJson() {
    return new JsonObject().put("index", index).put("victim", victim).put("shard", shard).put("promoted", promoted)
        .put("killAt", killAt).put("oracleAt", oracleAt).put("writerAt", writerAt).put("readerAt", readerAt)
        .put("probeAt", probeAt).put("lettuceAt", lettuceAt).put("writerHealthyErrors", writerHealthyErrors)
        .put("readerHealthyErrors", readerHealthyErrors).put("probeHealthyErrors", probeHealthyErrors)
        .put("lettuceHealthyErrors", lettuceHealthyErrors).put("healthyP99BeforeMs", healthyP99BeforeMs)
        .put("healthyP99DuringMs", healthyP99DuringMs).put("healthyOutageMs", healthyOutageMs)
        .put("incident", incident).put("oraclePeriodMs", oraclePeriodMs)
        .put("jvmCoresBefore", cpuBefore == null ? null : cpuBefore.jvmCores())
        .put("machineBusyBefore", cpuBefore == null ? null : cpuBefore.machineBusy())
        .put("jvmCoresDuring", cpuDuring == null ? null : cpuDuring.jvmCores())
        .put("machineBusyDuring", cpuDuring == null ? null : cpuDuring.machineBusy());
  }
}
