package io.failoverlab.monitor;

import io.failoverlab.common.contract.TopologyEvent;
import io.failoverlab.common.contract.TopologyEvent.Type;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns two consecutive snapshots into the events between them. Pure, so every event type is tested
 * on snapshots built by hand.
 *
 * <p>Events of one poll come in the order a failover unfolds (unreachable, PFAIL, FAIL, promotion,
 * slots covered, node back, demotion, replica link, recovered), not in node order, so a log reads as
 * a story.
 * The first snapshot is compared with a healthy copy of itself: a monitor started in the middle of
 * a failover still reports the failed node, the uncovered slots and the failing state.
 */
final class TopologyDiff {

  private static final List<Type> STORY_ORDER = List.of(
      Type.NODE_ADDED, Type.NODE_UNREACHABLE, Type.NODE_PFAIL, Type.NODE_FAIL, Type.CLUSTER_STATE_FAIL,
      Type.SLOTS_UNCOVERED, Type.PROMOTED, Type.SLOTS_COVERED, Type.CLUSTER_STATE_OK, Type.NODE_REACHABLE,
      Type.DEMOTED, Type.REPLICA_LINK_DOWN, Type.REPLICA_LINK_UP, Type.NODE_RECOVERED, Type.NODE_REMOVED);

  private TopologyDiff() {
  }

  static List<TopologyEvent> diff(TopologySnapshot previous, TopologySnapshot current, long at) {
    return diff(previous, current, Map.of(), at);
  }

  /** {@code clusterStateByNode}: address -> cluster_state each reachable node reported (may be empty). */
  static List<TopologyEvent> diff(TopologySnapshot previous, TopologySnapshot current,
                                  Map<String, String> clusterStateByNode, long at) {
    TopologySnapshot before = previous == null ? healthyCopyOf(current) : previous;
    Map<String, NodeStatus> old = byId(before);
    Map<String, NodeStatus> now = byId(current);
    List<TopologyEvent> events = new ArrayList<>();

    for (NodeStatus node : now.values()) {
      NodeStatus was = old.get(node.id());
      if (was == null) {
        events.add(event(Type.NODE_ADDED, at, node, node.address() + " joined the cluster as " + node.role(),
            nodeData(node)));
      } else {
        nodeChanges(was, node, at, events);
      }
    }
    for (NodeStatus was : old.values()) {
      if (!now.containsKey(was.id())) {
        events.add(event(Type.NODE_REMOVED, at, was, was.address() + " is no longer in any node table",
            new JsonObject().put("lastRole", was.role())));
      }
    }
    clusterChanges(before, current, clusterStateByNode, at, events);
    events.sort(Comparator.comparingInt(event -> STORY_ORDER.indexOf(event.type())));
    return events;
  }

  private static void nodeChanges(NodeStatus was, NodeStatus node, long at, List<TopologyEvent> events) {
    String address = node.address();
    if (was.reachable() && !node.reachable()) {
      events.add(event(Type.NODE_UNREACHABLE, at, node, address + " does not answer the monitor", nodeData(node)));
    }
    boolean wasPfail = was.flags().contains(TopologyFacts.FLAG_PFAIL);
    boolean wasFail = was.flags().contains(TopologyFacts.FLAG_FAIL);
    boolean pfail = node.flags().contains(TopologyFacts.FLAG_PFAIL);
    boolean fail = node.flags().contains(TopologyFacts.FLAG_FAIL);
    if (!wasPfail && !wasFail && pfail) {
      events.add(event(Type.NODE_PFAIL, at, node, address + " is suspected down (fail?) by a node", nodeData(node)));
    }
    if (!wasFail && fail) {
      events.add(event(Type.NODE_FAIL, at, node, address + " is flagged FAIL: the masters agreed it is down",
          nodeData(node)));
    }
    if (!was.reachable() && node.reachable()) {
      events.add(event(Type.NODE_REACHABLE, at, node, address + " answers the monitor again as " + node.role(),
          new JsonObject().put("role", node.role()).put("master", node.master())));
    }
    if (TopologyFacts.REPLICA.equals(was.role()) && TopologyFacts.MASTER.equals(node.role())
        && TopologyFacts.hasSlots(node)) {
      events.add(event(Type.PROMOTED, at, node,
          address + " was promoted to master of slots " + node.slots()
              + (was.master() == null ? "" : ", replacing " + was.master()),
          new JsonObject().put("slots", node.slots()).put("previousMaster", was.master())
              .put("previousMasterId", was.masterId()).put("configEpoch", node.configEpoch())));
    }
    if (TopologyFacts.MASTER.equals(was.role()) && TopologyFacts.REPLICA.equals(node.role())) {
      events.add(event(Type.DEMOTED, at, node, address + " is now a replica of " + node.master(),
          new JsonObject().put("master", node.master()).put("masterId", node.masterId())
              .put("previousSlots", was.slots())));
    }
    Boolean wasLink = linkState(was);
    Boolean link = linkState(node);
    if (Boolean.FALSE.equals(link) && !Boolean.FALSE.equals(wasLink)) {
      events.add(event(Type.REPLICA_LINK_DOWN, at, node, address + " has lost its link to master " + node.master(),
          new JsonObject().put("master", node.master())));
    }
    if (Boolean.TRUE.equals(link) && Boolean.FALSE.equals(wasLink)) {
      events.add(event(Type.REPLICA_LINK_UP, at, node, address + " is in sync with master " + node.master(),
          new JsonObject().put("master", node.master())));
    }
    if ((wasPfail || wasFail) && !pfail && !fail) {
      events.add(event(Type.NODE_RECOVERED, at, node, address + " is no longer flagged as failing", nodeData(node)));
    }
  }

  /** A replica's link state as far as the monitor knows it: null for masters and unreachable nodes. */
  private static Boolean linkState(NodeStatus node) {
    return TopologyFacts.REPLICA.equals(node.role()) && node.reachable() ? node.linkUp() : null;
  }

  private static void clusterChanges(TopologySnapshot before, TopologySnapshot current,
                                     Map<String, String> clusterStateByNode, long at, List<TopologyEvent> events) {
    String state = current.clusterState();
    if (TopologyFacts.STATE_FAIL.equals(state) && !TopologyFacts.STATE_FAIL.equals(before.clusterState())) {
      events.add(clusterEvent(Type.CLUSTER_STATE_FAIL, at, "cluster_state is fail on "
          + saying(clusterStateByNode, state), new JsonObject().put("state", state)
          .put("nodes", new JsonArray(saying(clusterStateByNode, state)))));
    }
    if (TopologyFacts.STATE_OK.equals(state) && TopologyFacts.STATE_FAIL.equals(before.clusterState())) {
      events.add(clusterEvent(Type.CLUSTER_STATE_OK, at, "cluster_state is ok on every reachable node",
          new JsonObject().put("state", state).put("nodes", new JsonArray(saying(clusterStateByNode, state)))));
    }
    int uncovered = current.uncoveredSlots();
    if (uncovered > 0 && uncovered > before.uncoveredSlots()) {
      String ranges = TopologyFacts.uncoveredRanges(current);
      events.add(clusterEvent(Type.SLOTS_UNCOVERED, at, uncovered + " slots have no live master: " + ranges,
          new JsonObject().put("uncoveredSlots", uncovered).put("ranges", ranges)));
    }
    if (uncovered == 0 && before.uncoveredSlots() > 0) {
      events.add(clusterEvent(Type.SLOTS_COVERED, at, "every slot has a live master again",
          new JsonObject().put("uncoveredSlots", 0).put("previouslyUncovered", before.uncoveredSlots())));
    }
  }

  private static List<String> saying(Map<String, String> clusterStateByNode, String state) {
    List<String> nodes = new ArrayList<>();
    clusterStateByNode.forEach((node, said) -> {
      if (state.equals(said)) {
        nodes.add(node);
      }
    });
    nodes.sort(null);
    return nodes;
  }

  private static JsonObject nodeData(NodeStatus node) {
    return new JsonObject()
        .put("role", node.role())
        .put("slots", node.slots())
        .put("master", node.master())
        .put("flags", new JsonArray(new ArrayList<>(node.flags())));
  }

  private static TopologyEvent event(Type type, long at, NodeStatus node, String description, JsonObject data) {
    return new TopologyEvent(type, at, node.address(), node.id(), description, data);
  }

  private static TopologyEvent clusterEvent(Type type, long at, String description, JsonObject data) {
    return new TopologyEvent(type, at, null, null, description, data);
  }

  private static Map<String, NodeStatus> byId(TopologySnapshot snapshot) {
    Map<String, NodeStatus> nodes = new LinkedHashMap<>();
    for (NodeStatus node : snapshot.nodes()) {
      nodes.put(node.id(), node);
    }
    return nodes;
  }

  /** The same nodes, roles and slots, everybody reachable, unflagged and in sync; the cluster ok. */
  private static TopologySnapshot healthyCopyOf(TopologySnapshot snapshot) {
    List<NodeStatus> nodes = new ArrayList<>();
    for (NodeStatus node : snapshot.nodes()) {
      List<String> flags = new ArrayList<>(node.flags());
      flags.remove(TopologyFacts.FLAG_FAIL);
      flags.remove(TopologyFacts.FLAG_PFAIL);
      nodes.add(new NodeStatus(node.id(), node.address(), node.role(), flags, node.masterId(), node.master(),
          node.slots(), true, true, node.configEpoch()));
    }
    return new TopologySnapshot(snapshot.timestamp(), snapshot.pollIntervalMs(), TopologyFacts.STATE_OK,
        snapshot.masters(), 0, nodes, snapshot.currentEpoch(), snapshot.openSlots());
  }
}
