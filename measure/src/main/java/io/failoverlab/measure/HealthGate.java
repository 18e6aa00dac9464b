package io.failoverlab.measure;

import io.failoverlab.common.async.Waits;
import io.failoverlab.common.contract.ClientStats;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.stack.Lab;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Whether the lab is ready for the next failover, and the wait for it: the local cluster healthy
 * and every replica in sync (when the lab runs one), the monitor's view healthy at two consecutive
 * polls taken after the wait began ({@link ClusterHealth}), and every client serving every shard.
 * The drill and the bench wait here before each failover, so a failover never starts on a cluster
 * that is still healing from the previous one.
 */
public final class HealthGate {

  private HealthGate() {
  }

  /**
   * Null when every one of {@code clients} is serving: its latest stats window (published after
   * {@code since}) has successes and no shard in outage, and no outage it announced is still open.
   */
  public static String clientsProblem(EventRecorder recorder, Collection<String> clients, long since) {
    for (String client : clients) {
      ClientStats stats = recorder.latest(client);
      if (stats == null || stats.timestamp() < since) {
        return "waiting for the " + client + "'s next stats";
      }
      if (!stats.shardsInOutage().isEmpty()) {
        return "the " + client + " still has shards in outage: " + stats.shardsInOutage();
      }
      if (stats.succeeded() == 0) {
        return "the " + client + " had no successful operation in its last second";
      }
      if (!recorder.openOutages(client).isEmpty()) {
        return "the " + client + "'s outage on " + recorder.openOutages(client) + " has not ended yet";
      }
    }
    return null;
  }

  /**
   * Blocks the measuring thread until the lab is ready (see the class comment) and {@code more}
   * answers null too (a check of the caller's own clients); returns the monitor's snapshot that
   * confirmed it. {@code masters} 0 = any number of masters.
   */
  public static TopologySnapshot await(Lab lab, EventRecorder recorder, Collection<String> clients, int masters,
                                       Duration timeout, String when, Supplier<String> more) {
    long since = System.currentTimeMillis();
    if (lab.cluster() != null) {
      Await.result(lab.cluster().awaitHealthy(timeout), timeout.plus(Await.ANSWER_SLACK), "local cluster healthy " + when);
    }
    long[] firstHealthyPoll = {-1};
    return Await.until(lab.vertx(), "healthy cluster " + when, timeout, () -> {
      TopologySnapshot snapshot = lab.monitor().latestSnapshot();
      if (snapshot == null || snapshot.timestamp() < since) {
        return Waits.Probe.notYet("waiting for the monitor's next poll");
      }
      String problem = ClusterHealth.problem(snapshot, masters);
      if (problem == null) {
        problem = clientsProblem(recorder, clients, since);
      }
      if (problem == null) {
        problem = more.get();
      }
      if (problem != null) {
        firstHealthyPoll[0] = -1;
        return Waits.Probe.notYet(problem);
      }
      if (firstHealthyPoll[0] < 0 || firstHealthyPoll[0] == snapshot.timestamp()) {
        firstHealthyPoll[0] = snapshot.timestamp();
        return Waits.Probe.notYet("healthy at one poll, confirming at the next");
      }
      return Waits.Probe.ready(snapshot);
    });
  }
}
