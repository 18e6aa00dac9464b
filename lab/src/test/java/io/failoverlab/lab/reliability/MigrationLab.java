package io.failoverlab.lab.reliability;

import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.common.contract.MigrationProgress;
import io.failoverlab.measure.EventRecorder;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabOptions;
import io.failoverlab.testsupport.ClusterView;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A lab for the tests that move slots (SlotMigrationIT, ShardChangeIT): three masters with a replica
 * each, node timeout 1000 ms, writer and reader over 2048 keys; every migration progress event and
 * incident recorded; the waits those tests share.
 */
final class MigrationLab implements AutoCloseable {

  final Lab lab;
  final WebClient http;
  final EventRecorder events;
  final List<MigrationProgress> progress = new CopyOnWriteArrayList<>();
  private final Duration wait;

  private MigrationLab(Lab lab, EventRecorder events, Duration wait) {
    this.lab = lab;
    this.http = WebClient.create(lab.vertx());
    this.events = events;
    this.wait = wait;
  }

  /** {@code env}: on top of the defaults here (their rates, a refresh period...). */
  static MigrationLab start(int base, String prefix, Map<String, String> env, Duration wait) throws Exception {
    Map<String, String> all = new HashMap<>(Map.of("MONITOR_POLL_MS", "100", "INCIDENT_QUIET_MS", "1000",
        "KEY_COUNT", "2048", "KEY_PREFIX", prefix + System.nanoTime()));
    all.putAll(env);
    Lab lab = Lab.start(LabOptions.defaults().withPortBase(base).withNodeTimeoutMs(1000).withHttpPorts(0, 0, 0),
        new Env(all)).await(180, TimeUnit.SECONDS);
    MigrationLab started = new MigrationLab(lab, EventRecorder.attach(lab.vertx()).await(10, TimeUnit.SECONDS), wait);
    lab.vertx().eventBus().<JsonObject>consumer(Addresses.MIGRATION_PROGRESS,
        message -> started.progress.add(MigrationProgress.fromJson(message.body())))
        .completion().await(10, TimeUnit.SECONDS);
    await().atMost(wait).until(() -> lab.monitor().latestSnapshot() != null
        && ClusterView.masters(lab.monitor().latestSnapshot()).size() == 3
        && lab.monitor().latestSnapshot().uncoveredSlots() == 0);
    return started;
  }

  /** The action's last word: done or failed. */
  MigrationProgress awaitEnd(String id) {
    MigrationProgress[] end = new MigrationProgress[1];
    await().atMost(wait).until(() -> {
      Optional<MigrationProgress> last = progress.stream().filter(p -> p.id().equals(id)
          && p.state() != MigrationProgress.State.RUNNING).findFirst();
      last.ifPresent(p -> end[0] = p);
      return last.isPresent();
    });
    return end[0];
  }

  /** The incident the action opened, once it closed. */
  IncidentReport awaitClosedIncident(ChaosAction action) {
    await().atMost(wait).until(() -> {
      IncidentReport report = events.incidentOf(action, 50);
      return report != null && !report.open();
    });
    return events.incidentOf(action, 50);
  }

  /** Writer and reader at work long enough for the monitor to know their latency before a move. */
  void awaitClientsAtWork(long writerOps, long readerOps) {
    await().atMost(wait).until(() -> totals(lab.writer().httpPort()).getLong("succeeded") > writerOps
        && totals(lab.reader().httpPort()).getLong("succeeded") > readerOps);
  }

  /** A service's running totals ({@code /stats}). */
  JsonObject totals(int port) throws Exception {
    return http.get(port, "127.0.0.1", "/stats").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject()
        .getJsonObject("totals");
  }

  /** The monitor's answer to a request expected to be refused: "status: reason", or "accepted". */
  String refused(JsonObject request) throws Exception {
    return ChaosBus.refusal(lab.vertx(), request);
  }

  @Override
  public void close() throws Exception {
    lab.stop().await(60, TimeUnit.SECONDS);
  }
}
