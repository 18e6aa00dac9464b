package io.failoverlab.bench;

import io.vertx.core.json.JsonObject;

/**
 * One crash failover as the {@link TimingProbe} stamped it, in wall-clock ms of this machine (every
 * stamp is the arrival of the reply that first showed the milestone), and the phases between them.
 * A milestone the probe never saw is null, and so is every phase that needs it.
 *
 * <p>promotedAt is the first ROLE reply saying master, or the first accepted write if that came
 * first: an accepted write proves the promotion, and the two probes stamp replies of different
 * commands, so without that rule their 2 ms jitter could put "writable" before "promoted".
 */
record FailoverTiming(int index, String victim, String promoted, long killAt, Long pfailAt, Long failAt,
                      Long roleMasterAt, Long writableAt) {

  /** The phases of a failover, by the names the tables, the chart and the JSON use. */
  enum Phase {
    PFAIL("PFAIL", "kill to the first PFAIL seen by another master"),
    DETECTION("detection", "kill to the first FAIL seen by another master"),
    ELECTION("election", "FAIL to a replica's promotion"),
    WRITABLE("to writable", "promotion to the first write a replica accepted"),
    TOTAL("total", "kill to the first write a replica accepted");

    final String label;
    final String meaning;

    Phase(String label, String meaning) {
      this.label = label;
      this.meaning = meaning;
    }

    /** The phase's length in {@code timing}, null when a milestone it needs is missing. */
    Long of(FailoverTiming timing) {
      return switch (this) {
        case PFAIL -> between(timing.killAt, timing.pfailAt);
        case DETECTION -> between(timing.killAt, timing.failAt);
        case ELECTION -> between(timing.failAt, timing.promotedAt());
        case WRITABLE -> between(timing.promotedAt(), timing.writableAt);
        case TOTAL -> between(timing.killAt, timing.writableAt);
      };
    }

    String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  Long promotedAt() {
    if (roleMasterAt == null) {
      return writableAt;
    }
    return writableAt == null ? roleMasterAt : Math.min(roleMasterAt, writableAt);
  }

  /** The milestones in the order a failover passes them: PFAIL, FAIL, promoted, writable (missing ones skipped). */
  boolean inOrder() {
    Long[] stamps = {killAt, pfailAt, failAt, promotedAt(), writableAt};
    Long last = null;
    for (Long stamp : stamps) {
      if (stamp != null) {
        if (last != null && stamp < last) {
          return false;
        }
        last = stamp;
      }
    }
    return true;
  }

  private static Long between(Long from, Long to) {
    return from == null || to == null ? null : to - from;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("index", index).put("victim", victim).put("promoted", promoted)
        .put("killAt", killAt).put("pfailAt", pfailAt).put("failAt", failAt).put("roleMasterAt", roleMasterAt)
        .put("promotedAt", promotedAt()).put("writableAt", writableAt);
    for (Phase phase : Phase.values()) {
      json.put(phase.key() + "Ms", phase.of(this));
    }
    return json;
  }
}
