package io.failoverlab.monitor.journal;

import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.TopologyEvent;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * One line of the journal: what it holds ({@link Kind}), when the monitor journaled it (epoch ms) and
 * the contract's own JSON ({@code toJson}), so the journal never needs a schema of its own.
 */
public record JournalRecord(Kind kind, long at, JsonObject data) {

  public enum Kind {
    /** The latest state of one incident: every update is a new record, the last one per id wins. */
    INCIDENT,
    TOPOLOGY_EVENT,
    CHAOS_ACTION;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Kind of(String label) {
      for (Kind kind : values()) {
        if (kind.label().equals(label)) {
          return kind;
        }
      }
      throw new IllegalArgumentException("unknown kind '" + label + "'");
    }
  }

  public static JournalRecord incident(IncidentReport report, long at) {
    return new JournalRecord(Kind.INCIDENT, at, report.toJson());
  }

  public static JournalRecord topologyEvent(TopologyEvent event, long at) {
    return new JournalRecord(Kind.TOPOLOGY_EVENT, at, event.toJson());
  }

  public static JournalRecord chaosAction(ChaosAction action, long at) {
    return new JournalRecord(Kind.CHAOS_ACTION, at, action.toJson());
  }

  /** The incident's id; null for other kinds. */
  String incidentId() {
    return kind == Kind.INCIDENT ? data.getString("id") : null;
  }

  JsonObject toJson() {
    return new JsonObject().put("kind", kind.label()).put("at", at).put("data", data);
  }

  static JournalRecord fromJson(JsonObject json) {
    JsonObject data = json.getJsonObject("data");
    Long at = json.getLong("at");
    if (data == null || at == null) {
      throw new IllegalArgumentException("no 'data' or 'at'");
    }
    Kind kind = Kind.of(json.getString("kind"));
    if (kind == Kind.INCIDENT) {
      // Decoded now, so a record that parses but is not a report is skipped here, not at restore.
      if (IncidentReport.fromJson(data).id() == null) {
        throw new IllegalArgumentException("an incident without an id");
      }
    } else if (kind == Kind.TOPOLOGY_EVENT) {
      TopologyEvent.fromJson(data);
    }
    return new JournalRecord(kind, at, data);
  }
}
