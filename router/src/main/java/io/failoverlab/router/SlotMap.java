package io.failoverlab.router;

import io.failoverlab.common.topology.ClusterNode;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.common.topology.SlotRange;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which node serves each hash slot, and the replicas that could take over. Immutable: the router
 * swaps in a new map when it learns something, so readers never see a half-updated table.
 */
public final class SlotMap {

  /** A master and its replicas. {@code label} (the slot ranges) names the shard across failovers. */
  public record Shard(String masterId, HostAndPort master, List<HostAndPort> replicas, List<SlotRange> ranges) {

    public Shard {
      replicas = List.copyOf(replicas);
      ranges = List.copyOf(ranges);
    }

    public String label() {
      return SlotRange.format(ranges);
    }
  }

  public static final SlotMap EMPTY = new SlotMap(new Shard[SlotHash.SLOTS]);

  private final Shard[] bySlot;
  private final List<Shard> shards;
  // Asked for on every operation (metrics, outages): formatted once per map, not once per call.
  private final Map<Shard, String> labels = new java.util.IdentityHashMap<>();

  private SlotMap(Shard[] bySlot) {
    this.bySlot = bySlot;
    // The slots share a few Shard objects: collect them by identity, not by (deep, costly) record hash.
    Set<Shard> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    List<Shard> ordered = new ArrayList<>();
    for (Shard shard : bySlot) {
      if (shard != null && distinct.add(shard)) {
        ordered.add(shard);
      }
    }
    this.shards = List.copyOf(ordered);
    ordered.forEach(shard -> labels.put(shard, shard.label()));
  }

  /** The label of the shard serving {@code slot} ("0-5460"), or null when no node serves it. */
  public String labelOf(int slot) {
    Shard shard = bySlot[slot];
    return shard == null ? null : labels.get(shard);
  }

  /** The shard serving {@code slot}, or null when no node serves it. */
  public Shard shardOf(int slot) {
    return bySlot[slot];
  }

  public List<Shard> shards() {
    return shards;
  }

  public boolean isEmpty() {
    return shards.isEmpty();
  }

  public int uncoveredSlots() {
    int count = 0;
    for (Shard shard : bySlot) {
      if (shard == null) {
        count++;
      }
    }
    return count;
  }

  /**
   * Merges what several nodes say (CLUSTER NODES from each). A slot belongs to the master with the
   * highest config epoch that claims it: the rule Redis itself uses to settle conflicting claims, so a
   * stale view from a node that just came back cannot win over a promotion.
   */
  public static SlotMap fromViews(Collection<List<ClusterNode>> views) {
    Map<String, ClusterNode> best = new HashMap<>();
    Map<String, Boolean> failed = new HashMap<>();
    String[] ownerBySlot = new String[SlotHash.SLOTS];
    long[] epochBySlot = new long[SlotHash.SLOTS];
    java.util.Arrays.fill(epochBySlot, -1);
    for (List<ClusterNode> view : views) {
      for (ClusterNode node : view) {
        ClusterNode known = best.get(node.id());
        // A node's own line is the authority on its role and master; otherwise keep the first seen.
        if (known == null || (node.myself() && !known.myself()) || (known.address() == null && node.address() != null)) {
          best.put(node.id(), node);
        }
        if (node.failed()) {
          failed.put(node.id(), Boolean.TRUE);
        }
        if (node.master() && node.address() != null) {
          for (SlotRange range : node.slots()) {
            for (int slot = range.from(); slot <= range.to(); slot++) {
              if (node.configEpoch() > epochBySlot[slot]) {
                epochBySlot[slot] = node.configEpoch();
                ownerBySlot[slot] = node.id();
              }
            }
          }
        }
      }
    }
    Map<String, BitSet> slotsByOwner = new LinkedHashMap<>();
    for (int slot = 0; slot < SlotHash.SLOTS; slot++) {
      if (ownerBySlot[slot] != null) {
        slotsByOwner.computeIfAbsent(ownerBySlot[slot], id -> new BitSet()).set(slot);
      }
    }
    Shard[] bySlot = new Shard[SlotHash.SLOTS];
    for (Map.Entry<String, BitSet> entry : slotsByOwner.entrySet()) {
      String masterId = entry.getKey();
      ClusterNode master = best.get(masterId);
      List<HostAndPort> replicas = new ArrayList<>();
      for (ClusterNode node : best.values()) {
        if (masterId.equals(node.masterId()) && node.address() != null && !failed.containsKey(node.id())) {
          replicas.add(node.address());
        }
      }
      replicas.sort(null);
      Shard shard = new Shard(masterId, master.address(), replicas, SlotRange.of(entry.getValue()));
      BitSet slots = entry.getValue();
      for (int slot = slots.nextSetBit(0); slot >= 0; slot = slots.nextSetBit(slot + 1)) {
        bySlot[slot] = shard;
      }
    }
    return new SlotMap(bySlot);
  }

  /**
   * The shard's replica {@code newMaster} accepted a write: it was promoted and now serves all the
   * shard's slots. The old master, once back, is expected to follow it.
   */
  public SlotMap withPromotion(Shard shard, HostAndPort newMaster) {
    List<HostAndPort> replicas = new ArrayList<>(shard.replicas());
    replicas.remove(newMaster);
    replicas.add(shard.master());
    Shard promoted = new Shard(null, newMaster, replicas, shard.ranges());
    Shard[] copy = bySlot.clone();
    for (int slot = 0; slot < copy.length; slot++) {
      if (copy[slot] == shard) {
        copy[slot] = promoted;
      }
    }
    return new SlotMap(copy);
  }

  /** A MOVED reply said {@code slot} is now served by {@code node}. */
  public SlotMap withMovedSlot(int slot, HostAndPort node) {
    Shard current = bySlot[slot];
    if (current != null && current.master().equals(node)) {
      return this;
    }
    if (current != null && current.replicas().contains(node)) {
      return withPromotion(current, node);
    }
    Shard target = null;
    for (Shard shard : shards) {
      if (shard.master().equals(node)) {
        target = shard;
        break;
      }
    }
    if (target == null) {
      target = new Shard(null, node, List.of(), List.of(new SlotRange(slot, slot)));
    }
    Shard[] copy = bySlot.clone();
    copy[slot] = target;
    return new SlotMap(copy);
  }
}
