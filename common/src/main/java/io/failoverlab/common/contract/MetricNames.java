package io.failoverlab.common.contract;

/**
 * Metric names (Micrometer dotted form; Prometheus shows them with '_' and the unit or _total suffix
 * given in each comment). Dashboards and alerts depend on these: change them only with the README's
 * metric table and the dashboard.
 */
public final class MetricNames {

  // ---- tags ----
  public static final String TAG_SERVICE = "service";
  /** The client library ("failoverlab-router" for writer and reader, "lettuce", "redis-py", ...). */
  public static final String TAG_CLIENT = "client";
  /** The client's configuration ("default", "tuned"). */
  public static final String TAG_CONFIG = "config";
  public static final String TAG_OP = "op";
  public static final String TAG_OUTCOME = "outcome";
  public static final String TAG_ERROR_TYPE = "error_type";
  public static final String TAG_SHARD = "shard";
  public static final String TAG_NODE = "node";
  public static final String TAG_TYPE = "type";
  public static final String TAG_PHASE = "phase";

  public static final String OUTCOME_SUCCESS = "success";
  public static final String OUTCOME_ERROR = "error";
  public static final String NO_ERROR = "none";

  // ---- clients (writer, reader) ----
  /** failoverlab_operations_total{service,op,outcome,error_type}: logical operations, after retries. */
  public static final String OPERATIONS = "failoverlab.operations";
  /** failoverlab_command_errors_total{service,op,error_type}: every failed command, retried or not. */
  public static final String COMMAND_ERRORS = "failoverlab.command.errors";
  /** failoverlab_operation_duration_seconds{service,op}: histogram, retries included. */
  public static final String OPERATION_DURATION = "failoverlab.operation.duration";
  /** failoverlab_skipped_operations_total{service,op}: not started because of the in-flight bound. */
  public static final String SKIPPED = "failoverlab.skipped.operations";
  /** failoverlab_inflight_operations{service}: gauge. */
  public static final String IN_FLIGHT = "failoverlab.inflight.operations";
  /** failoverlab_outages_total{service}: outages started (one per shard that became unavailable). */
  public static final String OUTAGES = "failoverlab.outages";
  /** failoverlab_outage_active{service}: gauge, shards currently in outage for this service. */
  public static final String OUTAGE_ACTIVE = "failoverlab.outage.active";
  /** failoverlab_outage_duration_seconds{service}: histogram of ended outages. */
  public static final String OUTAGE_DURATION = "failoverlab.outage.duration";
  /** failoverlab_last_outage_seconds{service,client,config}: how long the client's last ended outage lasted. */
  public static final String LAST_OUTAGE = "failoverlab.last.outage";
  /** failoverlab_lost_writes_total{service}: acknowledged writes found missing (writer: INCR replies; reader: floors). */
  public static final String LOST_WRITES = "failoverlab.lost.writes";
  /** failoverlab_unacknowledged_writes_total{service}: writes sent whose outcome is unknown (no reply). */
  public static final String UNACKNOWLEDGED_WRITES = "failoverlab.unacknowledged.writes";
  /** failoverlab_read_regressions_total{service}: a read lower than the previous read of that key. */
  public static final String READ_REGRESSIONS = "failoverlab.read.regressions";
  /** failoverlab_stale_reads_total{service}: replica reads below the acknowledged floor (replication lag). */
  public static final String STALE_READS = "failoverlab.stale.reads";

  // ---- monitor ----
  /** failoverlab_node_role{node}: 1 master, 0 replica, -1 unreachable or failed. */
  public static final String NODE_ROLE = "failoverlab.node.role";
  /** failoverlab_node_reachable{node}: 1 when the monitor's last poll of the node succeeded. */
  public static final String NODE_REACHABLE = "failoverlab.node.reachable";
  /** failoverlab_node_link_up{node}: replicas: master_link_status up = 1; masters: 1. */
  public static final String NODE_LINK_UP = "failoverlab.node.link.up";
  /** failoverlab_cluster_state_ok: 1 when every reachable node says cluster_state:ok. */
  public static final String CLUSTER_STATE_OK = "failoverlab.cluster.state.ok";
  /** failoverlab_cluster_masters: masters serving slots and not failed. */
  public static final String CLUSTER_MASTERS = "failoverlab.cluster.masters";
  /** failoverlab_cluster_uncovered_slots: slots with no live master. */
  public static final String CLUSTER_UNCOVERED_SLOTS = "failoverlab.cluster.uncovered.slots";
  /** failoverlab_failovers_total: promotions the monitor saw. */
  public static final String FAILOVERS = "failoverlab.failovers";
  /** failoverlab_topology_events_total{type}. */
  public static final String TOPOLOGY_EVENTS = "failoverlab.topology.events";
  /** failoverlab_topology_poll_duration_seconds: histogram, one poll of every node. */
  public static final String TOPOLOGY_POLL_DURATION = "failoverlab.topology.poll.duration";
  /**
   * failoverlab_monitor_probe_commands_total{command,outcome}: the monitor's probe of a suspected
   * shard (command write or cluster_nodes; outcome accepted or an error_type label), counted apart
   * from every client's commands.
   */
  public static final String MONITOR_PROBE_COMMANDS = "failoverlab.monitor.probe.commands";
  /** Tag of {@link #MONITOR_PROBE_COMMANDS} (with {@link #TAG_OUTCOME}). */
  public static final String TAG_COMMAND = "command";
  /**
   * failoverlab_monitor_journal_failing: 1 while the monitor's incident journal cannot write (its last
   * write failed, or a record found the write queue full); it keeps serving from memory meanwhile.
   */
  public static final String MONITOR_JOURNAL_FAILING = "failoverlab.monitor.journal.failing";
  /** failoverlab_monitor_journal_dropped_records_total: records the journal could not write (full queue, failed write). */
  public static final String MONITOR_JOURNAL_DROPPED = "failoverlab.monitor.journal.dropped.records";
  /** failoverlab_monitor_journal_skipped_records_total: records unreadable at load (torn, corrupted), kept aside. */
  public static final String MONITOR_JOURNAL_SKIPPED = "failoverlab.monitor.journal.skipped.records";
  /** failoverlab_monitor_journal_bytes: size of the journal file. */
  public static final String MONITOR_JOURNAL_BYTES = "failoverlab.monitor.journal.bytes";
  /** failoverlab_incidents_total. */
  public static final String INCIDENTS = "failoverlab.incidents";
  /** failoverlab_incident_active: 1 while an incident is open. */
  public static final String INCIDENT_ACTIVE = "failoverlab.incident.active";
  /** failoverlab_last_incident_phase_seconds{phase}: durations of the last closed incident's phases. */
  public static final String LAST_INCIDENT_PHASE = "failoverlab.last.incident.phase";

  /**
   * failoverlab_incident_milestone_timestamp_seconds{milestone}: when the latest incident reached a
   * milestone, epoch seconds (fault injected, FAIL agreed, promoted: the probe's stamps). The
   * dashboard's annotations read it as time ({@code * 1000}, "series value as timestamp"), so every
   * failover's moments are marked on every time-series panel.
   */
  public static final String INCIDENT_MILESTONE_TIMESTAMP = "failoverlab.incident.milestone.timestamp";
  /** Tag of {@link #INCIDENT_MILESTONE_TIMESTAMP} and its values. */
  public static final String TAG_MILESTONE = "milestone";
  public static final String MILESTONE_FAULT_INJECTED = "fault_injected";
  public static final String MILESTONE_FAIL_AGREED = "fail_agreed";
  public static final String MILESTONE_PROMOTED = "promoted";

  /** Values of the {@code phase} tag of {@link #LAST_INCIDENT_PHASE} (see IncidentReport's durations). */
  public static final String PHASE_DETECTION = "detection";
  public static final String PHASE_ELECTION = "election";
  public static final String PHASE_CLIENT_RECOVERY = "client_recovery";
  public static final String PHASE_WRITE_UNAVAILABILITY = "write_unavailability";
  /** Opened to closed. */
  public static final String PHASE_TOTAL = "total";

  private MetricNames() {
  }
}
