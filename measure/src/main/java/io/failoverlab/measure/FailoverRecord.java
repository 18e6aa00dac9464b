package io.failoverlab.measure;

import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.IncidentReport.Durations;
import io.failoverlab.common.contract.IncidentReport.Milestones;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One failover as the lab measured it: the fault, and what each witness saw. The oracle says when
 * the cluster could take the failed shard's writes again; each client, when it first succeeded on
 * that shard after the fault; the monitor's incident, the phases of the failover and what the
 * clients suffered. Times are epoch ms on this JVM's clock (the lab, its clients and the oracle run
 * here). What a run did not measure is null: the drill runs no oracle; a client that did not recover
 * has no time. The drill, the bench and the client scorecard all record their failovers as this.
 *
 * @param fault      what was done, to which node, when
 * @param shard      the failed shard's slot ranges ("0-5460"): stable across the failover
 * @param promoted   the node that took the shard over: the oracle's first accepting replica, else the incident's
 * @param oracle     the oracle's first accepted write and its resolution, or null without an oracle
 * @param clients    per client (service or library label), in the order they were recorded
 * @param incident   the monitor's incident for this fault, or null when it was not waited for
 * @param restoredAt when the crashed node answered again after its restart (crash only)
 * @param healthyAt  when the cluster was healthy and in sync again, ready for the next failover
 */
public record FailoverRecord(
    int index,
    Fault fault,
    String shard,
    String promoted,
    OracleReading oracle,
    Map<String, ClientRecovery> clients,
    IncidentReport incident,
    Long restoredAt,
    Long healthyAt) {

  /**
   * The fault: {@code action} crash, hang or failover; {@code target} the node aimed at (the shard's
   * master); {@code actedOn} the node acted on (for a graceful failover, the replica that took over);
   * {@code chaosId} and {@code method} as the monitor's kill endpoint reported them (null when the
   * fault was caused directly); {@code at} when it was injected.
   */
  public record Fault(String action, String target, String actedOn, String chaosId, String method, long at) {
  }

  /** The oracle's first accepted write (null: it saw none) and its mean period between writes to one replica. */
  public record OracleReading(Long firstSuccessAt, Double periodMs) {
  }

  /**
   * One client's view: its first success on the failed shard after the fault (null: not recovered),
   * and its errors on the shards whose master did not fail (null: not counted).
   */
  public record ClientRecovery(Long recoveredAt, Long healthyShardErrors) {
  }

  public FailoverRecord {
    Objects.requireNonNull(fault, "fault");
    clients = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(clients));
  }

  public static Builder builder(int index, Fault fault, String shard) {
    return new Builder(index, fault, shard);
  }

  public Builder toBuilder() {
    Builder builder = new Builder(index, fault, shard).promoted(promoted).oracle(oracle).incident(incident)
        .restored(restoredAt, healthyAt);
    clients.forEach(builder::client);
    return builder;
  }

  public String action() {
    return fault.action();
  }

  public String target() {
    return fault.target();
  }

  public long faultAt() {
    return fault.at();
  }

  // ---- against the oracle

  public Long oracleAt() {
    return oracle == null ? null : oracle.firstSuccessAt();
  }

  /** When {@code client} first succeeded on the failed shard, or null. */
  public Long recoveredAt(String client) {
    ClientRecovery recovery = clients.get(client);
    return recovery == null ? null : recovery.recoveredAt();
  }

  /** {@code at} minus the oracle's first success: how long a client trailed the cluster (negative: it was first). */
  public Long lag(Long at) {
    Long oracleAt = oracleAt();
    return at == null || oracleAt == null ? null : at - oracleAt;
  }

  /** {@code client}'s lag behind the oracle, or null. */
  public Long lagOf(String client) {
    return lag(recoveredAt(client));
  }

  /** {@code at} minus the fault: how long the shard was down for whoever recovered at {@code at}. */
  public Long unavailability(Long at) {
    return at == null ? null : at - fault.at();
  }

  /** {@code client}'s errors on the healthy shards, or null when not counted. */
  public Long healthyShardErrors(String client) {
    ClientRecovery recovery = clients.get(client);
    return recovery == null ? null : recovery.healthyShardErrors();
  }

  // ---- the monitor's incident (empty values without one)

  public Milestones milestones() {
    return incident == null ? Milestones.NONE : incident.milestones();
  }

  public Durations durations() {
    return incident == null ? Durations.NONE : incident.durations();
  }

  public long lostWrites() {
    return incident == null ? 0 : incident.lostWrites();
  }

  public long unknownOutcomeWrites() {
    return incident == null ? 0 : incident.unknownOutcomeWrites();
  }

  /** Errors on shards whose master did not fail, all services together, as the incident counted them. */
  public long incidentHealthyShardErrors() {
    return incident == null ? 0 : incident.healthyShardErrors().values().stream().mapToLong(Long::longValue).sum();
  }

  /** Collects a record step by step, as a failover goes. */
  public static final class Builder {
    private final int index;
    private final Fault fault;
    private final String shard;
    private String promoted;
    private OracleReading oracle;
    private final Map<String, ClientRecovery> clients = new LinkedHashMap<>();
    private IncidentReport incident;
    private Long restoredAt;
    private Long healthyAt;

    private Builder(int index, Fault fault, String shard) {
      this.index = index;
      this.fault = fault;
      this.shard = shard;
    }

    public Builder promoted(String node) {
      this.promoted = node;
      return this;
    }

    public Builder oracle(OracleReading reading) {
      this.oracle = reading;
      return this;
    }

    public Builder client(String client, ClientRecovery recovery) {
      clients.put(client, recovery);
      return this;
    }

    public Builder incident(IncidentReport report) {
      this.incident = report;
      return this;
    }

    public Builder restored(Long restored, Long healthy) {
      this.restoredAt = restored;
      this.healthyAt = healthy;
      return this;
    }

    public FailoverRecord build() {
      return new FailoverRecord(index, fault, shard, promoted, oracle, clients, incident, restoredAt, healthyAt);
    }
  }
}
