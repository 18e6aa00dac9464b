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

  /** One slot to move, from its owner to another master. */
  record Move(Node source, Node target, int slot) {
  }

  private final SlotCommands commands;
  private final String id;
  private final List<Move> moves;
  private final List<Node> masters;
  private final Consumer<MigrationProgress> progress;
  private final String from;
  private final String to;
  private int done;
  private long keysMoved;

  /**
   * @param moves   the slots to move, in order (one source and target for a migrate; several sources
   *                for adding a shard, several targets for removing one)
   * @param masters every live master: those not part of a move are told its new owner too
   */
  SlotMigration(SlotCommands commands, String id, List<Move> moves, List<Node> masters,
                Consumer<MigrationProgress> progress) {
    this.commands = commands;
    this.id = id;
    this.moves = List.copyOf(moves);
    this.masters = List.copyOf(masters);
    this.progress = progress;
    this.from = String.join(",", moves.stream().map(move -> move.source().address().toString()).distinct().toList());
    this.to = String.join(",", moves.stream().map(move -> move.target().address().toString()).distinct().toList());
  }

  /** Every slot of {@code slots} from {@code source} to {@code target}. */
  static List<Move> moves(Node source, Node target, List<Integer> slots) {
    return slots.stream().map(slot -> new Move(source, target, slot)).toList();
  }

  /** Moves every slot; fails on the first step that fails, naming it. Closes its connections either way. */
  Future<Void> run() {
    LOG.info("event=migration_started id={} from={} to={} slots={}", id, from, to, moves.size());
    return slot(0)
        .onSuccess(v -> {
          LOG.info("event=migration_done id={} slots={} keys={}", id, done, keysMoved);
          progress.accept(report(MigrationProgress.State.DONE,
              moves.isEmpty() ? null : moves.get(moves.size() - 1).slot(), null));
        })
        .onFailure(error -> {
          Integer at = done < moves.size() ? moves.get(done).slot() : null;
          LOG.warn("event=migration_failed id={} slot={} slots_done={} error=\"{}\"", id, at, done, error.getMessage());
          progress.accept(report(MigrationProgress.State.FAILED, at, error.getMessage()));
        })
        .eventually(commands::close);
  }

  private Future<Void> slot(int index) {
    if (index >= moves.size()) {
      return Future.succeededFuture();
    }
    Move move = moves.get(index);
    List<Node> others = masters.stream().filter(node -> !node.equals(move.source()) && !node.equals(move.target()))
        .toList();
    return moveSlot(commands, move.source(), move.target(), others, move.slot(), count -> keysMoved += count)
        .compose(v -> {
          done++;
          progress.accept(report(MigrationProgress.State.RUNNING, move.slot(), null));
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
    return new MigrationProgress(id, from, to, state, done, moves.size(), keysMoved, slot, error,
        System.currentTimeMillis());
  }
}
