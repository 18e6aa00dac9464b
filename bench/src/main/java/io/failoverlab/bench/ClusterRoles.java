package io.failoverlab.bench;

import io.failoverlab.common.topology.ClusterNode;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.common.topology.SlotRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who is master of what, by each node's own word (the "myself" line of its CLUSTER NODES), and
 * whether every node's view agrees with it. A failover needs that agreement: a master grants its
 * vote only to a replica it knows as a replica of the failed master, and right after a cluster forms
 * (more so with a long node timeout, as gossip is slower) some node may not know yet.
 */
record ClusterRoles(Map<String, Role> byId) {

  /** One node as it describes itself. */
  record Role(String id, HostAndPort address, boolean master, String masterId, List<SlotRange> slots) {
  }

  /** The roles from each node's own line; {@code views} maps the address asked to its CLUSTER NODES. */
  static ClusterRoles of(Map<HostAndPort, List<ClusterNode>> views) {
    Map<String, Role> roles = new LinkedHashMap<>();
    views.forEach((address, view) -> view.stream().filter(ClusterNode::myself).findFirst().ifPresent(self ->
        roles.put(self.id(), new Role(self.id(), address, self.master(), self.masterId(), self.slots()))));
    return new ClusterRoles(Map.copyOf(roles));
  }

  /** Null when every view shows every node with the role and master it gives itself, unflagged; else the first difference. */
  String disagreement(Map<HostAndPort, List<ClusterNode>> views) {
    if (byId.size() != views.size()) {
      return byId.size() + " of " + views.size() + " nodes described themselves";
    }
    for (Map.Entry<HostAndPort, List<ClusterNode>> entry : views.entrySet()) {
      int known = 0;
      for (ClusterNode line : entry.getValue()) {
        Role role = byId.get(line.id());
        if (role == null) {
          continue;
        }
        known++;
        if (line.failed() || line.possiblyFailed()) {
          return entry.getKey() + " flags " + role.address() + " " + line.flags();
        }
        if (line.master() != role.master() || !Objects.equals(line.masterId(), role.masterId())) {
          return entry.getKey() + " sees " + role.address() + " as " + (line.master() ? "a master" : "a replica of "
              + line.masterId()) + ", it says " + (role.master() ? "master" : "replica of " + role.masterId());
        }
      }
      if (known != byId.size()) {
        return entry.getKey() + " knows " + known + " of " + byId.size() + " nodes";
      }
    }
    return null;
  }

  /** The masters with slots, in slot order (the round robin's order). */
  List<Role> mastersBySlot() {
    List<Role> masters = new ArrayList<>(byId.values().stream().filter(role -> role.master() && !role.slots().isEmpty())
        .toList());
    masters.sort(Comparator.comparingInt(role -> role.slots().get(0).from()));
    return masters;
  }

  List<Role> replicasOf(String masterId) {
    return byId.values().stream().filter(role -> !role.master() && masterId.equals(role.masterId()))
        .sorted(Comparator.comparingInt(role -> role.address().port())).toList();
  }
}
