package io.failoverlab.monitor.chaos;

import io.failoverlab.common.contract.MigrationProgress;
import io.failoverlab.monitor.chaos.SlotCommands.Node;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves slots from one master to another with their keys, one slot after the other, the way
 * {@code redis-cli --cluster reshard} does, so that clients see what they see in production: the
 * target IMPORTING and the source MIGRATING the slot; the keys MIGRATEd in batches (a client asking
 * the source for a key already moved gets ASK, and must send ASKING to the target); then CLUSTER
 * SETSLOT NODE on the target, the source and every other master (a client still asking the source
 * now gets MOVED). Written by hand: Redis has no single command for it, and redis-cli is a process
 * that the monitor in a container may not have; the steps are few and each is one command.
 *
 * <p>Runs on the calling event loop, one command at a time, each with its deadline. A failed step
 * stops the migration where it is: that slot stays open (MIGRATING/IMPORTING), the monitor reports
 * it, and {@link SlotRepair} closes it.
 */
public final class SlotMigration {

  private static final Logger LOG = LoggerFactory.getLogger(SlotMigration.class);

  /** How migrate is done, the same in every runtime. */
  public static final String METHOD = "per slot: CLUSTER SETSLOT IMPORTING on the target, MIGRATING on the source, "
      + "MIGRATE of its keys in batches of " + SlotCommands.BATCH + ", CLUSTER SETSLOT NODE on the target, the source "
      + "and every other master";

  private final SlotCommands commands;
  private final String id;
  private final Node source;
  private final Node target;
  private final List<Node> otherMasters;
  private final List<Integer> slots;
  private final Consumer<MigrationProgress> progress;
  private int done;
  private long keysMoved;

  SlotMigration(SlotCommands commands, String id, Node source, Node target, List<Node> otherMasters,
                List<Integer> slots, Consumer<MigrationProgress> progress) {
    this.commands = commands;
    this.id = id;
    this.source = source;
    this.target = target;
    this.otherMasters = List.copyOf(otherMasters);
    this.slots = List.copyOf(slots);
    this.progress = progress;
  }

  /** Moves every slot; fails on the first step that fails, naming it. Closes its connections either way. */
  Future<Void> run() {
    LOG.info("event=migration_started id={} from={} to={} slots={}", id, source.address(), target.address(),
        slots.size());
    return slot(0)
        .onSuccess(v -> {
          LOG.info("event=migration_done id={} slots={} keys={}", id, done, keysMoved);
          progress.accept(report(MigrationProgress.State.DONE, slots.isEmpty() ? null : slots.get(slots.size() - 1),
              null));
        })
        .onFailure(error -> {
          Integer at = done < slots.size() ? slots.get(done) : null;
          LOG.warn("event=migration_failed id={} slot={} slots_done={} error=\"{}\"", id, at, done, error.getMessage());
          progress.accept(report(MigrationProgress.State.FAILED, at, error.getMessage()));
        })
        .eventually(commands::close);
  }

  private Future<Void> slot(int index) {
    if (index >= slots.size()) {
      return Future.succeededFuture();
    }
    int slot = slots.get(index);
    return moveSlot(commands, source, target, otherMasters, slot, count -> keysMoved += count)
        .compose(v -> {
          done++;
          progress.accept(report(MigrationProgress.State.RUNNING, slot, null));
          return slot(index + 1);
        });
  }

  /**
   * One slot, the whole dance: IMPORTING on the target, MIGRATING on the source, the keys, then SETSLOT
   * NODE on the new owner first (it then serves the slot), the old one (it then answers MOVED), and
   * the other masters (a master that is down learns it by gossip: not a reason to stop).
   */
  static Future<Void> moveSlot(SlotCommands commands, Node source, Node target, List<Node> otherMasters, int slot,
                               java.util.function.LongConsumer moved) {
    Future<Void> chain = commands.setslot(target, slot, "IMPORTING", source.id())
        .compose(v -> commands.setslot(source, slot, "MIGRATING", target.id()))
        .compose(v -> commands.moveKeys(source, target, slot, moved))
        .compose(v -> commands.setslot(target, slot, "NODE", target.id()))
        .compose(v -> commands.setslot(source, slot, "NODE", target.id()));
    for (Node other : otherMasters) {
      chain = chain.compose(v -> commands.setslot(other, slot, "NODE", target.id()).recover(error -> {
        LOG.info("event=migration_setslot_skipped node={} slot={} error=\"{}\"", other.address(), slot,
            error.getMessage());
        return Future.succeededFuture();
      }));
    }
    return chain;
  }

  private MigrationProgress report(MigrationProgress.State state, Integer slot, String error) {
    return new MigrationProgress(id, source.address().toString(), target.address().toString(), state, done,
        slots.size(), keysMoved, slot, error, System.currentTimeMillis());
  }
}
