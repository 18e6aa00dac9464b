package io.failoverlab.monitor.chaos;

import io.failoverlab.monitor.chaos.SlotCommands.Node;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the slots an interrupted migration left open, with the semantics of {@code redis-cli
 * --cluster fix} (simplified to the cases a migrate action leaves): each open slot gets one final
 * owner, the node it was being imported into if that node lives (the move is finished), else the
 * node that owns it now (the move is undone); every live master holding keys of the slot sends them
 * there; then every live master is told the owner (SETSLOT NODE) and the slot is made STABLE
 * everywhere. Where a key is on both sides, the owner's copy wins: a source that crashed in the middle
 * of a MIGRATE had sent a batch without deleting it, so its replica (the owner now) and the target both
 * hold those keys, and the clients kept writing to the owner's (MIGRATE REPLACE from the owner); a key
 * on both sides when the slot goes back to the owner stops the repair (BUSYKEY) and is reported. Keys
 * that were on a node that died unreplicated are gone; the writer's ledger counts them.
 */
public final class SlotRepair {

  private static final Logger LOG = LoggerFactory.getLogger(SlotRepair.class);

  /** How fix is done, the same in every runtime. */
  public static final String METHOD = "per open slot: its keys MIGRATEd to the node it was being imported into if "
      + "that node lives, else back to its owner; then CLUSTER SETSLOT NODE on every live master and STABLE";

  /**
   * One open slot's repair.
   *
   * @param owner      the node that owns the slot in the cluster's view now
   * @param finalOwner where the slot and its keys end up
   * @param masters    every live master (the key holders are found among them)
   */
  record Plan(int slot, Node owner, Node finalOwner, List<Node> masters) {
  }

  private final SlotCommands commands;
  private final String id;
  private final List<Plan> plans;
  private long keysMoved;

  SlotRepair(SlotCommands commands, String id, List<Plan> plans) {
    this.commands = commands;
    this.id = id;
    this.plans = List.copyOf(plans);
  }

  Future<Void> run() {
    return repair(0)
        .onSuccess(v -> LOG.info("event=fix_done id={} slots={} keys_moved={}", id, plans.size(), keysMoved))
        .onFailure(error -> LOG.warn("event=fix_failed id={} error=\"{}\"", id, error.getMessage()))
        .eventually(commands::close);
  }

  private Future<Void> repair(int index) {
    if (index >= plans.size()) {
      return Future.succeededFuture();
    }
    Plan plan = plans.get(index);
    LOG.info("event=fix_slot id={} slot={} owner={} final_owner={}", id, plan.slot(), plan.owner().address(),
        plan.finalOwner().address());
    return gather(plan, 0)
        .compose(v -> close(plan))
        .compose(v -> repair(index + 1));
  }

  /** Every other live master's keys of the slot, moved to the final owner. */
  private Future<Void> gather(Plan plan, int index) {
    if (index >= plan.masters().size()) {
      return Future.succeededFuture();
    }
    Node holder = plan.masters().get(index);
    if (holder.equals(plan.finalOwner())) {
      return gather(plan, index + 1);
    }
    int slot = plan.slot();
    return commands.countKeys(holder, slot).compose(count -> {
      if (count == 0) {
        return Future.succeededFuture();
      }
      boolean finalOwnerOwns = plan.finalOwner().equals(plan.owner());
      // The final owner must take the keys (RESTORE-ASKING): it owns the slot, or imports it.
      Future<Void> open = finalOwnerOwns ? Future.succeededFuture()
          : commands.setslot(plan.finalOwner(), slot, "IMPORTING", plan.owner().id());
      // MIGRATE runs on a node only where the slot is open there: MIGRATING on its owner, IMPORTING elsewhere.
      open = open.compose(v -> holder.equals(plan.owner())
          ? commands.setslot(holder, slot, "MIGRATING", plan.finalOwner().id())
          : commands.setslot(holder, slot, "IMPORTING", plan.owner().id()));
      boolean ownersCopyWins = holder.equals(plan.owner());
      return open.compose(v -> commands.moveKeys(holder, plan.finalOwner(), slot, ownersCopyWins,
          moved -> keysMoved += moved));
    }).compose(v -> gather(plan, index + 1));
  }

  /** The owner told to everyone, the new owner first; then no node migrating or importing it any more. */
  private Future<Void> close(Plan plan) {
    int slot = plan.slot();
    Node owner = plan.finalOwner();
    Future<Void> chain = commands.setslot(owner, slot, "NODE", owner.id());
    for (Node master : plan.masters()) {
      if (!master.equals(owner)) {
        chain = chain.compose(v -> commands.setslot(master, slot, "NODE", owner.id()));
      }
    }
    for (Node master : plan.masters()) {
      chain = chain.compose(v -> commands.stable(master, slot));
    }
    return chain;
  }
}
