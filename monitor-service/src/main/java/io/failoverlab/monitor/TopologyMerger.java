package io.failoverlab.monitor;

import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.topology.ClusterNode;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.common.topology.SlotRange;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Merges every node's answers of one poll into one {@link TopologySnapshot}. Pure: replies in,
 * snapshot out, so it is tested with real CLUSTER NODES text captured from a failing cluster.
 *
 * <p>During a failover the nodes disagree for a while (gossip spreads a promotion in tens of ms,
 * a dead node says nothing). The rules:
 * <ul>
 *   <li>role, master and config epoch: what the node says of itself when it answered, else what
 *       most of the others say;</li>
 *   <li>flags: the union of what everybody says (one node's "fail?" is already news);</li>
 *   <li>slot owner: the claim with the highest config epoch, as Redis itself resolves conflicts,
 *       so a promoted replica owns its slots as soon as one view shows it, not when all do.</li>
 * </ul>
 */
final class TopologyMerger {

  /** Flags that describe the answering node's relation to the line, not the node. */
  private static final Set<String> VIEW_FLAGS = Set.of("myself", "master", "slave", "noflags");

  private TopologyMerger() {
  }

  /** What all views say about one node id. */
  private static final class Claims {
    final String id;
    ClusterNode self;
    final Map<HostAndPort, Integer> addressVotes = new LinkedHashMap<>();
    final Set<String> flags = new TreeSet<>();
    int masterVotes;
    int replicaVotes;
    final Map<String, Integer> masterIdVotes = new LinkedHashMap<>();
    long maxEpoch;

    Claims(String id) {
      this.id = id;
    }
  }

  static MergedTopology merge(List<NodeReply> replies, long timestamp, long pollIntervalMs) {
    return merge(replies, null, timestamp, pollIntervalMs);
  }

  /**
   * {@code previous}: the last snapshot, used only when no node answered at all. Then nothing is
   * known but that the monitor lost contact: the last known nodes stay, unreachable, rather than
   * disappearing from the picture (and from the poll targets) as if removed from the cluster.
   */
  static MergedTopology merge(List<NodeReply> replies, TopologySnapshot previous, long timestamp,
                              long pollIntervalMs) {
    // One reply per node: a node polled under two addresses (a seed alias) must not vote twice.
    Map<String, NodeReply> byId = new LinkedHashMap<>();
    Map<HostAndPort, String> idByPolledAddress = new HashMap<>();
    for (NodeReply reply : replies) {
      ClusterNode self = reply.self();
      if (self != null) {
        idByPolledAddress.put(reply.address(), self.id());
        NodeReply known = byId.get(self.id());
        if (known == null || self.address() != null && self.address().equals(reply.address())) {
          byId.put(self.id(), reply);
        }
      }
    }

    Map<String, Claims> claims = new LinkedHashMap<>();
    Set<HostAndPort> listed = new LinkedHashSet<>();
    String[] owner = new String[TopologyFacts.SLOTS];
    long[] ownerEpoch = new long[TopologyFacts.SLOTS];
    boolean[] ownerSaidSo = new boolean[TopologyFacts.SLOTS];
    java.util.Arrays.fill(ownerEpoch, -1);

    for (NodeReply reply : byId.values()) {
      for (ClusterNode line : reply.view()) {
        if (line.flags().contains("handshake")) {
          // A node being introduced has a temporary random id; it shows up properly once it joined.
          continue;
        }
        Claims claim = claims.computeIfAbsent(line.id(), Claims::new);
        if (line.myself()) {
          claim.self = line;
        }
        if (line.address() != null) {
          claim.addressVotes.merge(line.address(), 1, Integer::sum);
          listed.add(line.address());
        }
        for (String flag : line.flags()) {
          if (!VIEW_FLAGS.contains(flag)) {
            claim.flags.add(flag);
          }
        }
        if (line.master()) {
          claim.masterVotes++;
        } else if (line.replica()) {
          claim.replicaVotes++;
          if (line.masterId() != null) {
            claim.masterIdVotes.merge(line.masterId(), 1, Integer::sum);
          }
        }
        claim.maxEpoch = Math.max(claim.maxEpoch, line.configEpoch());
        if (line.master()) {
          claimSlots(line, owner, ownerEpoch, ownerSaidSo);
        }
      }
    }

    Map<String, BitSet> slotsById = new HashMap<>();
    for (int slot = 0; slot < TopologyFacts.SLOTS; slot++) {
      if (owner[slot] != null) {
        slotsById.computeIfAbsent(owner[slot], id -> new BitSet(TopologyFacts.SLOTS)).set(slot);
      }
    }

    Map<String, HostAndPort> addressById = new HashMap<>();
    for (Claims claim : claims.values()) {
      HostAndPort address = claim.self != null && claim.self.address() != null
          ? claim.self.address() : mostVoted(claim.addressVotes);
      if (address == null && byId.containsKey(claim.id)) {
        address = byId.get(claim.id).address();
      }
      if (address != null) {
        addressById.put(claim.id, address);
      }
    }

    List<NodeStatus> nodes = new ArrayList<>();
    for (Claims claim : claims.values()) {
      HostAndPort address = addressById.get(claim.id);
      if (address == null) {
        // Nobody knows where it is: nothing to poll, nothing a user could act on.
        continue;
      }
      NodeReply own = byId.get(claim.id);
      boolean reachable = own != null;
      String role = role(claim);
      String masterId = TopologyFacts.REPLICA.equals(role)
          ? (claim.self != null ? claim.self.masterId() : mostVoted(claim.masterIdVotes)) : null;
      HostAndPort masterAddress = masterId == null ? null : addressById.get(masterId);
      long epoch = claim.self != null ? claim.self.configEpoch() : claim.maxEpoch;
      boolean linkUp = reachable && (TopologyFacts.MASTER.equals(role)
          || "up".equals(own.replication().get("master_link_status")));
      BitSet slots = slotsById.get(claim.id);
      Long linkDownSeconds = null;
      if (reachable && !linkUp && TopologyFacts.REPLICA.equals(role)) {
        try {
          linkDownSeconds = Long.parseLong(own.replication().getOrDefault("master_link_down_since_seconds", "x"));
        } catch (NumberFormatException notGiven) {
          // "-1" or absent before the first link: unknown, left null.
        }
      }
      nodes.add(new NodeStatus(claim.id, address.toString(), role, new ArrayList<>(claim.flags), masterId,
          masterAddress == null ? null : masterAddress.toString(),
          slots == null ? "" : SlotRange.format(SlotRange.of(slots)), reachable, linkUp, epoch,
          linkDownSeconds != null && linkDownSeconds >= 0 ? linkDownSeconds : null));
    }
    if (byId.isEmpty() && previous != null) {
      for (NodeStatus node : previous.nodes()) {
        nodes.add(new NodeStatus(node.id(), node.address(), node.role(), node.flags(), node.masterId(), node.master(),
            node.slots(), false, false, node.configEpoch()));
        listed.add(HostAndPort.parse(node.address()));
      }
    }
    nodes.sort(Comparator.comparing(NodeStatus::address));

    Map<String, String> stateByNode = new LinkedHashMap<>();
    for (NodeReply reply : byId.values()) {
      String state = reply.clusterInfo().get("cluster_state");
      if (state != null) {
        stateByNode.put(reply.address().toString(), state);
      }
    }
    String clusterState = stateByNode.isEmpty() ? TopologyFacts.STATE_UNKNOWN
        : stateByNode.values().stream().allMatch(TopologyFacts.STATE_OK::equals) ? TopologyFacts.STATE_OK
        : TopologyFacts.STATE_FAIL;
    int masters = (int) nodes.stream().filter(TopologyFacts::liveMaster).count();
    int uncovered = TopologyFacts.uncovered(nodes).cardinality();

    Long currentEpoch = null;
    for (NodeReply reply : byId.values()) {
      try {
        String epoch = reply.clusterInfo().get("cluster_current_epoch");
        if (epoch != null) {
          currentEpoch = Math.max(currentEpoch == null ? 0 : currentEpoch, Long.parseLong(epoch.strip()));
        }
      } catch (NumberFormatException e) {
        // A node that reports no number has no say in it.
      }
    }
    TopologySnapshot snapshot = new TopologySnapshot(timestamp, pollIntervalMs, clusterState, masters, uncovered, nodes,
        currentEpoch, openSlots(byId, addressById));
    return new MergedTopology(snapshot, stateByNode, listed, idByPolledAddress);
  }

  /**
   * Slots in the middle of a move, as each node that answered says of itself (only a node's own line
   * shows them), ordered by slot then node.
   */
  private static List<TopologySnapshot.OpenSlot> openSlots(Map<String, NodeReply> byId,
                                                           Map<String, HostAndPort> addressById) {
    List<TopologySnapshot.OpenSlot> open = new ArrayList<>();
    for (NodeReply reply : byId.values()) {
      for (ClusterNode line : reply.view() == null ? List.<ClusterNode>of() : reply.view()) {
        if (!line.myself()) {
          continue;
        }
        for (ClusterNode.OpenSlot slot : line.openSlots()) {
          HostAndPort peer = addressById.get(slot.peerId());
          open.add(new TopologySnapshot.OpenSlot(slot.slot(), reply.address().toString(),
              slot.importing() ? TopologySnapshot.OpenSlot.IMPORTING : TopologySnapshot.OpenSlot.MIGRATING,
              peer == null ? slot.peerId() : peer.toString()));
        }
      }
    }
    open.sort(Comparator.comparingInt(TopologySnapshot.OpenSlot::slot).thenComparing(TopologySnapshot.OpenSlot::node));
    return open;
  }

  /**
   * The higher config epoch wins a slot, as in Redis; on a tie the owner's own word beats a third
   * party's (a tie between two owners is a conflict Redis itself resolves within milliseconds).
   */
  private static void claimSlots(ClusterNode line, String[] owner, long[] ownerEpoch, boolean[] ownerSaidSo) {
    long epoch = line.configEpoch();
    for (SlotRange range : line.slots()) {
      for (int slot = range.from(); slot <= range.to(); slot++) {
        if (epoch > ownerEpoch[slot] || epoch == ownerEpoch[slot] && line.myself() && !ownerSaidSo[slot]) {
          owner[slot] = line.id();
          ownerEpoch[slot] = epoch;
          ownerSaidSo[slot] = line.myself();
        }
      }
    }
  }

  private static String role(Claims claim) {
    if (claim.self != null) {
      return claim.self.master() ? TopologyFacts.MASTER
          : claim.self.replica() ? TopologyFacts.REPLICA : TopologyFacts.UNKNOWN;
    }
    if (claim.masterVotes == 0 && claim.replicaVotes == 0) {
      return TopologyFacts.UNKNOWN;
    }
    // On a tie, trust "replica": a node that was demoted is told so before all views have caught up.
    return claim.masterVotes > claim.replicaVotes ? TopologyFacts.MASTER : TopologyFacts.REPLICA;
  }

  private static <K> K mostVoted(Map<K, Integer> votes) {
    K best = null;
    int bestVotes = 0;
    for (Map.Entry<K, Integer> entry : votes.entrySet()) {
      if (entry.getValue() > bestVotes) {
        best = entry.getKey();
        bestVotes = entry.getValue();
      }
    }
    return best;
  }
}
