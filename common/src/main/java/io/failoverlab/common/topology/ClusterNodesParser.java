package io.failoverlab.common.topology;

import io.failoverlab.common.topology.HostAndPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses the CLUSTER NODES reply:
 * {@code <id> <ip:port@cport[,hostname]> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>...}
 * Slots in brackets are migrations in progress, not ownership: they are kept apart, as open slots.
 */
public final class ClusterNodesParser {

  private ClusterNodesParser() {
  }

  public static List<ClusterNode> parse(String reply) {
    List<ClusterNode> nodes = new ArrayList<>();
    for (String line : reply.split("\n")) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty()) {
        nodes.add(parseLine(trimmed));
      }
    }
    return nodes;
  }

  static ClusterNode parseLine(String line) {
    String[] fields = line.split(" ");
    if (fields.length < 8) {
      throw new IllegalArgumentException("CLUSTER NODES line has " + fields.length + " fields, expected at least 8: " + line);
    }
    Set<String> flags = Set.of(fields[2].split(","));
    String master = "-".equals(fields[3]) ? null : fields[3];
    long epoch;
    try {
      epoch = Long.parseLong(fields[6]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("CLUSTER NODES line has a bad config epoch: " + line);
    }
    List<SlotRange> slots = new ArrayList<>();
    List<ClusterNode.OpenSlot> open = new ArrayList<>();
    for (int i = 8; i < fields.length; i++) {
      if (!fields[i].startsWith("[")) {
        slots.add(SlotRange.parse(fields[i]));
      } else {
        ClusterNode.OpenSlot slot = ClusterNode.OpenSlot.parse(fields[i]);
        if (slot != null) {
          open.add(slot);
        }
      }
    }
    return new ClusterNode(fields[0], parseAddress(fields[1]), flags, master, epoch,
        "connected".equals(fields[7]), slots, open);
  }

  /** "127.0.0.1:7000@17000,host" -> 127.0.0.1:7000; ":0@0" (unknown address) -> null. */
  static HostAndPort parseAddress(String field) {
    String address = field;
    int comma = address.indexOf(',');
    if (comma >= 0) {
      address = address.substring(0, comma);
    }
    int at = address.indexOf('@');
    if (at >= 0) {
      address = address.substring(0, at);
    }
    if (address.startsWith(":")) {
      return null;
    }
    try {
      HostAndPort parsed = HostAndPort.parse(address);
      return parsed.port() == 0 ? null : parsed;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
