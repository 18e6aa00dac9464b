package io.failoverlab.bench;

import io.failoverlab.clients.ClientHarness;
import io.failoverlab.clients.ClientRun;
import io.failoverlab.common.topology.SlotRange;
import io.failoverlab.measure.Await;
import io.failoverlab.measure.ClusterHealth;
import io.failoverlab.measure.MeasurementFailure;
import io.failoverlab.stack.Lab;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * The clients under test ready for the next fault or migration: started (or reported failed), then
 * each succeeding on every shard. Shared by the phases that run them; blocks the measuring thread.
 */
final class ClientsReady {

  private ClientsReady() {
  }

  /** Until no client is still starting; those that failed are printed. */
  static void awaitStarted(Vertx vertx, ClientHarness harness, Duration timeout, Consumer<String> print) {
    Await.until(vertx, "every client under test started or reported failed", timeout, Bench.POLL, () -> {
      List<String> starting = harness.runs().stream().filter(run -> run.state() == ClientRun.State.STARTING)
          .map(ClientRun::label).toList();
      return starting.isEmpty() ? null : "still starting: " + starting;
    });
    harness.runs().stream().filter(run -> run.state() == ClientRun.State.FAILED)
        .forEach(run -> print.accept("client " + run.label() + " failed: " + run.failure()));
  }

  /**
   * The clients running now, each succeeding on every shard within the last second; one that is not
   * within half the timeout is restarted once, and left out of this step if that does not help.
   */
  static List<ClientRun> awaitServing(Lab lab, ClientHarness harness, Duration timeout, String step,
                                      Consumer<String> print) {
    List<ClientRun> serving = new ArrayList<>();
    for (ClientRun run : harness.runs()) {
      if (run.state() != ClientRun.State.RUNNING) {
        continue;
      }
      if (servesEveryShard(lab, run, step, timeout.dividedBy(2))) {
        serving.add(run);
        continue;
      }
      print.accept(step + ": " + run.label() + " does not serve every shard before the fault; restarting it");
      ClientRun fresh = Await.result(harness.restart(run.label()), Duration.ofSeconds(60), step + ": restart "
          + run.label());
      if (servesEveryShard(lab, fresh, step, timeout.dividedBy(2))) {
        serving.add(fresh);
      } else {
        print.accept(step + ": " + run.label() + " left out of this step: it does not serve every shard even after a "
            + "restart (" + (fresh.failure() == null ? fresh.state() : fresh.failure()) + ")");
      }
    }
    return serving;
  }

  private static boolean servesEveryShard(Lab lab, ClientRun run, String step, Duration within) {
    List<BitSet> shards = ClusterHealth.masters(lab.monitor().latestSnapshot()).stream()
        .map(master -> RecoveryPhase.slots(SlotRange.parseList(master.slots()))).toList();
    try {
      Await.until(lab.vertx(), step + ": " + run.label() + " serving every shard", within, Bench.POLL, () -> {
        long since = System.currentTimeMillis() - 1000;
        return shards.stream().allMatch(slots -> run.log().succeededSince(slots, since)) ? null
            : "not every shard in the last second";
      });
      return true;
    } catch (MeasurementFailure notServing) {
      return false;
    }
  }
}
