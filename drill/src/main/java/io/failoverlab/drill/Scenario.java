package io.failoverlab.drill;

import java.util.Locale;

/**
 * The rounds that are not one clean promotion, as drill actions ({@code --action
 * two-masters|no-replica|stale-replica|migrate}): a crash of the target shard's master, prepared its
 * own way through the kill endpoint, or a migration of slots; {@link ScenarioRound} runs them.
 */
public enum Scenario {
  /** The target shard's master and the next shard's, crashed at the same moment: two elections, in some order. */
  TWO_MASTERS("two-masters"),
  /** The master's replicas crashed first, then the master: no failover is possible until it returns. */
  NO_REPLICA("no-replica"),
  /** The master's replicas cut off from it (isolate) until too stale to be elected, then the master crashed. */
  STALE_REPLICA("stale-replica"),
  /** Slots of one master moved to the next with their keys (the kill endpoint's migrate), under load. */
  MIGRATE("migrate"),
  /** A new shard joins and takes an even share of the slots (the kill endpoint's add-shard; lab only). */
  ADD_SHARD("add-shard"),
  /** The last master's shard (by address) deals its slots to the others and leaves (remove-shard; lab only). */
  REMOVE_SHARD("remove-shard");

  /** Whether a round changes how many masters the cluster has. */
  public int mastersChange() {
    return this == ADD_SHARD ? 1 : this == REMOVE_SHARD ? -1 : 0;
  }

  /** Only where the drill owns the processes. */
  public boolean labOnly() {
    return this == ADD_SHARD || this == REMOVE_SHARD;
  }

  private final String label;

  Scenario(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** Null for any other text. */
  public static Scenario fromLabel(String text) {
    String wanted = text.strip().toLowerCase(Locale.ROOT);
    for (Scenario scenario : values()) {
      if (scenario.label.equals(wanted)) {
        return scenario;
      }
    }
    return null;
  }
}
