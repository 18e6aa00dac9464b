package io.failoverlab.common.contract;

/**
 * Event-bus addresses: the contract between the services. Payloads are JSON, one record type per
 * address (named beside each constant). Publish = every listener gets a copy; request = one replies.
 */
public final class Addresses {

  /** Publish, {@link TopologySnapshot}: the monitor's merged view after every poll. */
  public static final String TOPOLOGY_SNAPSHOT = "failoverlab.topology.snapshot";
  /** Publish, {@link TopologyEvent}: one change the monitor saw (PFAIL, FAIL, promotion, ...). */
  public static final String TOPOLOGY_EVENT = "failoverlab.topology.event";
  /** Publish, {@link ClientStats}: each client service, once per second. */
  public static final String CLIENT_STATS = "failoverlab.client.stats";
  /** Publish, {@link OutageEvent}: a client's outage on one shard started or ended. */
  public static final String CLIENT_OUTAGE = "failoverlab.client.outage";
  /** Publish, {@link AckFloors}: the writer's acknowledged counter values, once per second. */
  public static final String WRITER_FLOORS = "failoverlab.writer.floors";
  /** Publish, {@link IncidentReport}: an incident opened, changed or closed. */
  public static final String INCIDENT = "failoverlab.incident";
  /**
   * Request/reply, in the monitor's own JVM only (local consumer: it takes no token): {@link ChaosRequest}
   * in, {@link ChaosAction} back once accepted; a refusal fails the reply with the HTTP status the kill
   * endpoint would give (400, 404, 409, 501) as failure code.
   */
  public static final String CHAOS = "failoverlab.chaos";
  /** Publish, {@link ChaosAction}: a fault is being injected (incidents show it as "fault injected"). */
  public static final String CHAOS_ACTION = "failoverlab.chaos.action";
  /** Publish, {@link MigrationProgress}: a migrate action moved a slot, finished, or stopped on an error. */
  public static final String MIGRATION_PROGRESS = "failoverlab.migration.progress";
  /** Request/reply, prefix + service instance id: readiness probe of the event bus itself. */
  public static final String HEALTH_PING_PREFIX = "failoverlab.health.ping.";

  private Addresses() {
  }
}
