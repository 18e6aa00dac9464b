package io.failoverlab.measure;

import io.failoverlab.common.async.Waits;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.stack.Lab;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The drill's and the bench's way to the monitor's kill endpoint: chaos requests on {@link Addresses#CHAOS} (the same
 * validation as the HTTP endpoint, without its token: a local consumer), and restarting a crashed
 * node until it answers the monitor again. Blocks the calling (measuring) thread, never an event loop.
 */
public final class ChaosSender {

  public static final long SEND_TIMEOUT_MS = 10_000;
  /** The monitor stamps the action and the incident's faultInjectedAt together; this only absorbs skew. */
  public static final long INCIDENT_MATCH_SLACK_MS = 2_000;

  /** The monitor answered a chaos request with a refusal (HTTP-like status) or not at all (status -1). */
  public static final class ChaosRefused extends MeasurementFailure {
    public final int status;

    ChaosRefused(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private final Lab lab;
  private final Duration phaseTimeout;
  private final Consumer<String> print;

  public ChaosSender(Lab lab, Duration phaseTimeout, Consumer<String> print) {
    this.lab = lab;
    this.phaseTimeout = phaseTimeout;
    this.print = print;
  }

  /** Asks the monitor for {@code request}; the accepted action, or a {@link ChaosRefused} naming the step. */
  public ChaosAction send(ChaosRequest request, String step) {
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(SEND_TIMEOUT_MS);
    String what = request.action().label() + " " + (request.node() != null ? request.node() : request.nodes());
    try {
      Message<JsonObject> reply = lab.vertx().eventBus().<JsonObject>request(Addresses.CHAOS, request.toJson(), delivery)
          .await(SEND_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
      return ChaosAction.fromJson(reply.body());
    } catch (ReplyException e) {
      throw switch (e.failureType()) {
        case NO_HANDLERS -> new ChaosRefused(-1, step + ": nothing serves " + Addresses.CHAOS
            + " on the event bus: this monitor cannot inject faults");
        case TIMEOUT -> new ChaosRefused(-1, step + ": the monitor did not answer the request to " + what
            + " within " + SEND_TIMEOUT_MS + " ms");
        default -> new ChaosRefused(e.failureCode(), step + ": the monitor refused to " + what + ": "
            + e.failureCode() + " " + e.getMessage());
      };
    } catch (MeasurementFailure e) {
      throw e;
    } catch (Exception e) {
      throw new ChaosRefused(-1, step + ": request to " + what + " failed: " + MeasurementFailure.messageOf(e));
    }
  }

  /** Starts the crashed node again; null when this runtime cannot (the health wait then says what is missing). */
  public Long restart(String node, String step) {
    try {
      ChaosAction restart = send(new ChaosRequest(ChaosRequest.Action.RESTART, node, null, "drill"), step + " restart");
      // The monitor answers once the restart has started; the node is back when it answers the monitor.
      Await.result(Waits.untilReady(lab.vertx(), step + ": " + node + " answering again after restart",
          phaseTimeout, () -> reachable(node)), phaseTimeout.plusSeconds(5), step + ": restart");
      print.accept(step + ": restarted " + node + " [" + restart.id() + "]");
      return System.currentTimeMillis();
    } catch (ChaosRefused refused) {
      if (refused.status == 501) {
        print.accept(step + ": " + node + " cannot be restarted from here (" + refused.getMessage()
            + "); waiting for it to come back by other means (a restart policy, an operator)");
        return null;
      }
      throw refused;
    }
  }

  /**
   * The incident that recorded {@code fault}, once {@code problem} finds nothing missing in it (null);
   * within the phase timeout, else a {@link MeasurementFailure} naming {@code what} and what was missing.
   */
  public IncidentReport awaitIncident(EventRecorder recorder, ChaosAction fault, String what,
                                      Function<IncidentReport, String> problem) {
    return Await.until(lab.vertx(), what, phaseTimeout, () -> {
      IncidentReport report = recorder.incidentOf(fault, INCIDENT_MATCH_SLACK_MS);
      if (report == null) {
        return Waits.Probe.notYet("no incident recorded " + fault.id() + " yet");
      }
      String missing = problem.apply(report);
      return missing == null ? Waits.Probe.ready(report) : Waits.Probe.notYet("incident " + report.id() + ": " + missing);
    });
  }

  /**
   * Migration {@code index} (from 1) of a round robin over the masters by address, as the cluster is
   * now: {@code slots} slots of the index-th master moved to the next one. The accepted action: its
   * {@code node()} is the source, its {@code to()} the target, its {@code slots()} what moves.
   */
  public ChaosAction migrateRoundRobin(int index, int slots, String requestedBy, String step) {
    List<TopologySnapshot.NodeStatus> masters = ClusterHealth.masters(lab.monitor().latestSnapshot()).stream()
        .sorted(Comparator.comparing(TopologySnapshot.NodeStatus::address)).toList();
    String source = masters.get((index - 1) % masters.size()).address();
    String target = masters.get(index % masters.size()).address();
    return send(ChaosRequest.migrate(source, new ChaosRequest.Migration(target, null, slots), requestedBy), step);
  }

  /**
   * A {@link MeasurementFailure} if {@code closed} is of a migration (a migrate or a shard change, named
   * {@code what} in the message) that ended other than done, naming its state and error.
   */
  public static void requireMigrationDone(IncidentReport closed, String what, String step) {
    if (closed.migration() != null && !"done".equals(closed.migration().state())) {
      throw new MeasurementFailure(step + ": " + what + " " + closed.migration().state() + ": "
          + closed.migration().error());
    }
  }

  /** For {@link #awaitIncident}: what a closed incident lacks (null once it is closed). */
  public static String closed(IncidentReport report) {
    return report.open() ? "still open (milestones " + report.milestones().toJson().encode() + ")" : null;
  }

  private Waits.Probe<Boolean> reachable(String node) {
    TopologySnapshot snapshot = lab.monitor().latestSnapshot();
    if (snapshot != null) {
      for (TopologySnapshot.NodeStatus status : snapshot.nodes()) {
        if (status.address().equals(node) && status.reachable()) {
          return Waits.Probe.ready(true);
        }
      }
    }
    return Waits.Probe.notYet(node + " does not answer the monitor yet");
  }
}
