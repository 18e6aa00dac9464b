package io.failoverlab.monitor.journal;

import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.TopologyEvent;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * What a journal held when it was opened, oldest first, within the bounds: the latest report of each
 * incident (one left open by a monitor that stopped came back closed and interrupted), topology
 * events, chaos actions; and what could not be read.
 *
 * @param skipped the records skipped, each with its file, offset and reason
 * @param movedAside where the file holding them was moved (never deleted), or null
 * @param interrupted ids of the incidents closed as interrupted
 * @param loadMillis how long reading, checking and rewriting took
 */
public record JournalLoad(
    List<IncidentReport> incidents,
    List<TopologyEvent> topologyEvents,
    List<JsonObject> chaosActions,
    List<Skipped> skipped,
    Path movedAside,
    List<String> interrupted,
    long bytesRead,
    long loadMillis) {

  /** A record that could not be read: where, and why. */
  public record Skipped(Path file, long offset, String reason) {

    @Override
    public String toString() {
      return file.getFileName() + "@" + offset + ":" + reason;
    }
  }

  static JournalLoad empty() {
    return new JournalLoad(List.of(), List.of(), List.of(), List.of(), null, List.of(), 0, 0);
  }
}
