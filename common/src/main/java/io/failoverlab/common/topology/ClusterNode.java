package io.failoverlab.common.topology;

import io.failoverlab.common.topology.HostAndPort;
import java.util.List;
import java.util.Set;

/**
 * One line of CLUSTER NODES: how the node that answered sees a node (possibly itself).
 * {@code address} is null when the line has no usable address (a node in handshake, "noaddr").
 * {@code openSlots}: slots this node is migrating or importing; a node shows them on its own
 * ("myself") line only.
 */
public record ClusterNode(
    String id,
    HostAndPort address,
    Set<String> flags,
    String masterId,
    long configEpoch,
    boolean linkConnected,
    List<SlotRange> slots,
    List<OpenSlot> openSlots) {

  /**
   * A slot in the middle of a move: {@code [slot->-peer]} (this node is MIGRATING it to {@code
   * peerId}) or {@code [slot-<-peer]} (IMPORTING it from {@code peerId}).
   */
  public record OpenSlot(int slot, boolean importing, String peerId) {

    /** Parses a bracketed CLUSTER NODES slot entry; null if it is not one. */
    public static OpenSlot parse(String field) {
      if (!field.startsWith("[") || !field.endsWith("]")) {
        return null;
      }
      String inner = field.substring(1, field.length() - 1);
      boolean importing = inner.contains("-<-");
      String[] parts = inner.split(importing ? "-<-" : "->-");
      if (parts.length != 2) {
        return null;
      }
      try {
        return new OpenSlot(Integer.parseInt(parts[0]), importing, parts[1]);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  public ClusterNode {
    slots = List.copyOf(slots);
    openSlots = openSlots == null ? List.of() : List.copyOf(openSlots);
  }

  /** Without slots in the middle of a move. */
  public ClusterNode(String id, HostAndPort address, Set<String> flags, String masterId, long configEpoch,
                     boolean linkConnected, List<SlotRange> slots) {
    this(id, address, flags, masterId, configEpoch, linkConnected, slots, List.of());
  }

  public boolean myself() {
    return flags.contains("myself");
  }

  public boolean master() {
    return flags.contains("master");
  }

  public boolean replica() {
    return flags.contains("slave");
  }

  /** FAIL: the majority of masters agreed the node is down. */
  public boolean failed() {
    return flags.contains("fail");
  }

  /** PFAIL: the node answering has not heard from this node for longer than the node timeout. */
  public boolean possiblyFailed() {
    return flags.contains("fail?");
  }

  public int slotCount() {
    int count = 0;
    for (SlotRange range : slots) {
      count += range.size();
    }
    return count;
  }
}
