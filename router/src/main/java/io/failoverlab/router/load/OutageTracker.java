package io.failoverlab.router.load;

import io.failoverlab.common.contract.OutageEvent;
import io.failoverlab.common.topology.SlotRange;
import io.failoverlab.router.ClusterRouter;
import io.failoverlab.router.ErrorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Turns a client's per-shard results into outage start/end events. Tracked per shard, because while
 * one shard fails over the others keep succeeding: a service-wide "first success after errors" would
 * end the outage on the next healthy-shard write.
 *
 * <p>A shard is named by its slot ranges as the client knew them when the failure came. That name can
 * go away: a MOVED reply teaches the router a one-slot shard ("14664") until the next topology refresh
 * merges it back into "10923-16383". An outage under a name that no longer exists ends at the first
 * success on any of its slots, whatever the shard is called then (found by the Docker end-to-end
 * test: an outage started under "14664" at start-up never ended, and its incident never closed).
 */
public final class OutageTracker {

  static final int MAX_REMEMBERED_SHARDS = 1024;

  private static final class Outage {
    final long startedAt;
    final List<SlotRange> slots;
    final Map<String, Long> errors = new TreeMap<>();
    long failedOperations;

    Outage(long startedAt, List<SlotRange> slots) {
      this.startedAt = startedAt;
      this.slots = slots;
    }

    boolean covers(int slot) {
      return SlotRange.contains(slots, slot);
    }
  }

  private final String service;
  private final String instance;
  private final Consumer<OutageEvent> listener;
  private final Map<String, Outage> active = new LinkedHashMap<>();
  /** When each shard's last outage ended; bounded, since shard names come from the topology. */
  private final Map<String, Long> endedAt = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > MAX_REMEMBERED_SHARDS;
    }
  };
  private long started;
  private OutageEvent lastEnded;

  public OutageTracker(String service, String instance, Consumer<OutageEvent> listener) {
    this.service = service;
    this.instance = instance;
    this.listener = listener;
  }

  /**
   * A command for {@code shard}, sent at {@code sentAt}, failed. A command sent before the shard's last
   * outage ended belongs to that outage: its failure, arriving late (a timeout after the recovery),
   * opens no new one (seen with Lettuce: five overlapping outages for one failover, each starting
   * before the previous one's end).
   */
  public void attemptFailed(String shard, ErrorType type, long sentAt) {
    Outage outage = active.get(shard);
    if (outage == null) {
      if (type == ErrorType.MOVED || type == ErrorType.ASK) {
        // A redirect on a healthy cluster is routing (slot migration), not unavailability.
        return;
      }
      Long ended = endedAt.get(shard);
      if (ended != null && sentAt < ended) {
        return;
      }
      outage = new Outage(sentAt, slotsOf(shard));
      active.put(shard, outage);
      outage.errors.put(type.label(), 1L);
      started++;
      listener.accept(new OutageEvent(service, instance, OutageEvent.Phase.START, shard, sentAt, sentAt, 0,
          outage.errors, 0));
      return;
    }
    outage.errors.merge(type.label(), 1L, Long::sum);
  }

  /** An operation on {@code shard} gave up (deadline or non-retryable error). */
  public void operationFailed(String shard) {
    Outage outage = active.get(shard);
    if (outage != null) {
      outage.failedOperations++;
    }
  }

  /**
   * An operation on {@code slot}, served by {@code shard}, succeeded at {@code at}. Ends that shard's
   * outage if there is one; an outage of the {@link ClusterRouter#UNKNOWN_SHARD} (failures before the
   * topology was known, e.g. at start-up while Redis was away), since any success proves the cluster
   * answers again and no later success would carry that label to end it; and an outage under an
   * older name of this slot's shard.
   */
  public void succeeded(String shard, int slot, long at) {
    end(shard, at);
    if (active.isEmpty()) {
      return;
    }
    if (!ClusterRouter.UNKNOWN_SHARD.equals(shard)) {
      end(ClusterRouter.UNKNOWN_SHARD, at);
    }
    List<String> renamed = new ArrayList<>();
    active.forEach((name, outage) -> {
      if (outage.covers(slot)) {
        renamed.add(name);
      }
    });
    renamed.forEach(name -> end(name, at));
  }

  /** The slots a shard label names ("0-5460", "0-100,5000-5460"); none for "unknown". */
  private static List<SlotRange> slotsOf(String shard) {
    try {
      return SlotRange.parseList(shard);
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  private void end(String shard, long at) {
    Outage outage = active.remove(shard);
    if (outage != null) {
      endedAt.put(shard, at);
      lastEnded = new OutageEvent(service, instance, OutageEvent.Phase.END, shard, at, outage.startedAt,
          Math.max(0, at - outage.startedAt), outage.errors, outage.failedOperations);
      listener.accept(lastEnded);
    }
  }

  public List<String> activeShards() {
    return new ArrayList<>(active.keySet());
  }

  public long started() {
    return started;
  }

  /** The last outage that ended, or null. */
  public OutageEvent lastEnded() {
    return lastEnded;
  }
}
