package io.failoverlab.drill;

import io.failoverlab.common.topology.HostAndPort;
import java.util.Locale;

/**
 * Which master each failover hits: round-robin over the shards, or always the shard of one named node
 * (its current master, since after a failover the named node may have become a replica).
 *
 * @param node null for round-robin
 */
public record DrillTarget(HostAndPort node) {

  public static final String ROUND_ROBIN = "round-robin";

  public static DrillTarget roundRobin() {
    return new DrillTarget(null);
  }

  /** "round-robin" or "host:port"; anything else is an IllegalArgumentException saying what was expected. */
  public static DrillTarget parse(String text) {
    if (text == null || text.isBlank() || ROUND_ROBIN.equals(text.trim().toLowerCase(Locale.ROOT))) {
      return roundRobin();
    }
    try {
      return new DrillTarget(HostAndPort.parse(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected round-robin or host:port, got '" + text + "'");
    }
  }

  public boolean roundRobinMode() {
    return node == null;
  }

  @Override
  public String toString() {
    return node == null ? ROUND_ROBIN : node.toString();
  }
}
