package io.failoverlab.monitor.journal;

import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.OutageEvent;
import io.failoverlab.common.contract.TopologyEvent;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Incidents shaped like a crash failover's (a dozen topology events, a writer's and a reader's outage,
 * the explanation), so sizes measured on them are near a real journal's.
 */
public final class Reports {

  private Reports() {
  }

  /** Incident {@code inc-n} opened at {@code at}; closed 6 s later when {@code closed}, else open with milestones up to FAIL. */
  public static IncidentReport incident(int n, long at, boolean closed) {
    List<TopologyEvent> events = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      events.add(event(at + 100L * i, i));
    }
    List<OutageEvent> outages = List.of(
        new OutageEvent("writer", "w-1a2b3c4d", OutageEvent.Phase.END, "0-5460", at + 2500, at + 10, 2490,
            Map.of("connection", 40L, "timeout", 12L, "clusterdown", 3L), 55),
        new OutageEvent("reader", "r-5e6f7a8b", OutageEvent.Phase.END, "0-5460", at + 2520, at + 12, 2508,
            Map.of("connection", 38L, "timeout", 9L), 47));
    return new IncidentReport("inc-" + n, closed ? IncidentReport.State.CLOSED : IncidentReport.State.OPEN, at,
        closed ? at + 6000 : null, "fault_injected", "monitor wall clock, epoch ms", 200,
        new IncidentReport.Milestones(at, at + 10, at + 1100, at + 1600, closed ? at + 2400L : null,
            closed ? at + 2450L : null, closed ? at + 2500L : null, closed ? at + 2520L : null),
        Map.of("suspectedAt", 5L, "failAgreedAt", 5L, "promotedAt", 5L, "clusterOkAt", 200L),
        new IncidentReport.Durations(1600L, "fault_injected", closed ? 800L : null, closed ? 100L : null,
            closed ? 2490L : null),
        "127.0.0.1:7000", "0-5460", closed ? "127.0.0.1:7003" : null,
        closed ? List.of(new IncidentReport.SlotMove("0-5460", "127.0.0.1:7000", "127.0.0.1:7003")) : List.of(),
        Map.of("writer", Map.of("connection", 40L, "timeout", 12L), "reader", Map.of("connection", 38L)),
        Map.of("writer", 0L, "reader", 0L), 0, 3, outages, events, 0,
        List.of("Fault injected: crash of 127.0.0.1:7000 (token holder from 127.0.0.1).",
            "127.0.0.1:7001 flagged 127.0.0.1:7000 PFAIL +1100 ms; FAIL agreed +1600 ms.",
            "Replica 127.0.0.1:7003 took writes for slots 0-5460 +2400 ms (800 ms after FAIL).",
            "The writer wrote to 0-5460 again +2500 ms; the reader +2520 ms."));
  }

  public static TopologyEvent event(long at, int i) {
    return new TopologyEvent(TopologyEvent.Type.NODE_PFAIL, at, "127.0.0.1:" + (7000 + i % 6), "node-id-" + i,
        "127.0.0.1:7001 flags 127.0.0.1:7000 as possibly failed",
        new JsonObject().put("role", "master").put("by", "127.0.0.1:7001"));
  }

  public static ChaosAction crash(int n, long at) {
    return new ChaosAction("act-" + n, ChaosRequest.Action.CRASH, "127.0.0.1:7000", "node-id-0", null, null, null,
        "SIGKILL", "127.0.0.1", at, null);
  }
}
