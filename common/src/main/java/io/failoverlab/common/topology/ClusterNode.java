package io.failoverlab.common.topology;

import io.failoverlab.common.topology.HostAndPort;
import java.util.List;
import java.util.Set;

/**
 * One line of CLUSTER NODES: how the node that answered sees a node (possibly itself).
 * {@code address} is null when the line has no usable address (a node in handshake, "noaddr").
 */
public record ClusterNode(
    String id,
    HostAndPort address,
    Set<String> flags,
    String masterId,
    long configEpoch,
    boolean linkConnected,
    List<SlotRange> slots) {

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
