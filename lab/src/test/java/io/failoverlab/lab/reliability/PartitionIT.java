package io.failoverlab.lab.reliability;

import io.failoverlab.measure.LedgerCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.failoverlab.common.config.Env;
import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.TopologyEvent;
import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.router.SlotHash;
import io.failoverlab.router.load.CounterKeys;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabOptions;
import io.failoverlab.testsupport.ClusterView;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A network partition of one master from the rest of the cluster, on a cluster whose six nodes are hosts
 * of their own (network namespaces, {@link NetnsCluster}; node timeout 2000 ms, ports 8320-8325). The
 * services run here, on the master's side: they still reach it, and it still reaches nothing else.
 *
 * <p>What Redis Cluster promises, measured: the minority master acknowledges writes until it notices
 * it cannot reach a majority (about one node timeout), then answers CLUSTERDOWN; meanwhile the majority
 * promotes its replica, which never received those writes: when the partition heals, the old master
 * rejoins as a replica and they are gone. The writer must count them as lost, and the count must match
 * what redis-cli finds on the servers key by key; a probe writing straight to the minority master says
 * when it stopped accepting writes.
 *
 * <p>Needs root (it creates network namespaces); without it the test is skipped, except under CI=true.
 */
class PartitionIT {

  private static final int PORT_BASE = 8320;
  private static final int NODE_TIMEOUT_MS = 2000;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String KEY_PREFIX = "partition" + System.nanoTime();

  /** One INCR of the probe on the minority master: when, and what came back. */
  record ProbeReply(long at, Long value, String error) {
  }

  /** The writer's acknowledged count on the partitioned shard's keys, sampled over HTTP. */
  record LedgerSample(long at, long acknowledged) {
  }

  private static BlockedThreadWatch blocked;
  private static NetnsCluster cluster;
  private static Lab lab;
  private static final List<TopologyEvent> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    String whyNot = NetnsCluster.whyNot();
    if (whyNot != null) {
      if (System.getenv("CI") != null) {
        fail("the partition test must run in CI, but: " + whyNot);
      }
      Assumptions.abort("network namespaces unavailable (run as root): " + whyNot);
    }
    blocked = BlockedThreadWatch.install();
    cluster = new NetnsCluster(100 + (int) (ProcessHandle.current().pid() % 150), PORT_BASE, NODE_TIMEOUT_MS);
    try {
      cluster.start();
      lab = Lab.startExternal(LabOptions.defaults().withHttpPorts(0, 0, 0), new Env(Map.of(
          "REDIS_NODES", String.join(",", cluster.seeds()), "WRITER_RATE", "600", "READER_RATE", "300",
          "MONITOR_POLL_MS", "100", "INCIDENT_QUIET_MS", "1000", "KEY_PREFIX", KEY_PREFIX)))
          .await(120, TimeUnit.SECONDS);
      lab.vertx().eventBus().<JsonObject>consumer(Addresses.TOPOLOGY_EVENT,
          m -> events.add(TopologyEvent.fromJson(m.body()))).completion().await(10, TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> masters().size() == 3 && ready(lab.writer().httpPort())
          && ready(lab.reader().httpPort()));
    } catch (Exception | Error e) {
      stop();
      throw e;
    }
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (lab != null) {
        lab.stop().await(60, TimeUnit.SECONDS);
      }
    } finally {
      if (cluster != null) {
        cluster.close();
        assertThat(cluster.leftovers()).as("namespaces and links left behind").isEmpty();
      }
      if (blocked != null) {
        assertThat(blocked.warnings()).as("Vert.x blocked-thread warnings").isEmpty();
        blocked.close();
      }
    }
  }

  @Test
  void aMasterCutOffFromTheRestAcknowledgesWritesUntilItStepsDownAndTheyAreLost() throws Exception {
    TopologySnapshot before = lab.monitor().latestSnapshot();
    String master = masters().get(0);
    NodeStatus minority = node(before, master);
    String replica = before.nodes().stream().filter(n -> master.equals(n.master())).map(NodeStatus::address)
        .findFirst().orElseThrow();
    List<int[]> ranges = ranges(minority.slots());
    List<String> shardKeys = new ArrayList<>();
    // The writer's keys, as it derives them from KEY_PREFIX and the default KEY_COUNT.
    for (String key : new CounterKeys(KEY_PREFIX, 48).names()) {
      if (inRanges(SlotHash.slot(key), ranges)) {
        shardKeys.add(key);
      }
    }
    assertThat(shardKeys).isNotEmpty();
    String probeKey = probeKey(ranges);

    List<ProbeReply> probe = new CopyOnWriteArrayList<>();
    List<LedgerSample> ledger = new CopyOnWriteArrayList<>();
    AtomicBoolean sampling = new AtomicBoolean(true);
    RedisConnection connection = Redis.createClient(lab.vertx(), new RedisOptions()
        .setConnectionString("redis://" + master)).connect().await(10, TimeUnit.SECONDS);
    long probeTimer = startProbe(connection, probeKey, probe, sampling);
    long ledgerTimer = startLedgerSampling(shardKeys, ledger, sampling);
    await().atMost(WAIT).until(() -> probe.stream().filter(r -> r.value() != null).count() >= 20);

    long partitionedAt = System.currentTimeMillis();
    cluster.partition(cluster.nodeOf(master));

    // The minority master steps down by itself: its first refusal after the partition.
    ProbeReply refusal = await().atMost(WAIT).until(() -> probe.stream()
        .filter(r -> r.at() > partitionedAt && r.error() != null).findFirst(), Optional::isPresent).get();
    ProbeReply lastAccepted = probe.stream().filter(r -> r.at() < refusal.at() && r.value() != null)
        .reduce((a, b) -> b).orElseThrow();
    long probeAcksAfter = probe.stream().filter(r -> r.at() > partitionedAt && r.at() < refusal.at() && r.value() != null)
        .count();
    // The majority promotes the replica; the clients serve every shard again, still partitioned.
    TopologyEvent promoted = await().atMost(WAIT).until(() -> events.stream().filter(e -> e.timestamp() >= partitionedAt
        && e.type() == TopologyEvent.Type.PROMOTED && replica.equals(e.node())).findFirst(), Optional::isPresent).get();
    await().atMost(WAIT).until(() -> ready(lab.writer().httpPort()) && ready(lab.reader().httpPort()));
    // Between the cut and the refusal only the minority master acknowledges the shard's writes (the
    // replica is promoted after it steps down: printed below), so the ledger, sampled every 100 ms,
    // brackets how many it did.
    long ackedAtRefusal = await().atMost(WAIT).until(() -> firstAfter(ledger, refusal.at()), Optional::isPresent).get();
    long writerAckedAtLeast = ackedAtRefusal - firstAfter(ledger, partitionedAt).orElseThrow();
    long writerAckedAtMost = ackedAtRefusal - latestBefore(ledger, partitionedAt);

    cluster.heal();
    long healedAt = System.currentTimeMillis();
    await().atMost(WAIT).until(() -> node(lab.monitor().latestSnapshot(), master).role().equals("replica")
        && replica.equals(node(lab.monitor().latestSnapshot(), master).master())
        && node(lab.monitor().latestSnapshot(), master).linkUp());
    cluster.awaitHealthy();
    sampling.set(false);
    lab.vertx().cancelTimer(probeTimer);
    lab.vertx().cancelTimer(ledgerTimer);
    connection.close().await(10, TimeUnit.SECONDS);

    // Independent check: stop the writer, then compare its ledger with the servers, key by key.
    long readerLost = totals(lab.reader().httpPort()).getLong("lostWrites");
    lab.undeploy(lab.writer()).await(30, TimeUnit.SECONDS);
    JsonObject final_ = lab.writer().ledgerSnapshot();
    long writerLost = final_.getLong("lost");
    LedgerCheck check = LedgerCheck.of(final_, PartitionIT::counter);
    long lostAtLeast = check.atLeast();
    long lostAtMost = check.atMost();
    long probeAcked = probe.stream().filter(r -> r.value() != null).count();
    long probeLost = probeAcked - counter(probeKey);

    System.out.printf("%npartition: %s (replica %s) cut off from the other 5 nodes at +0 ms (node timeout %d ms)%n"
            + "partition: the minority master's last accepted write +%d ms, first refusal +%d ms: %s%n"
            + "partition: %s promoted at +%d ms (monitor); healed at +%d ms%n"
            + "partition: writes acknowledged by the minority master after the partition began: writer %d..%d (ledger"
            + " sampled every 100 ms), probe %d%n"
            + "partition: lost: writer %d, independent check (redis-cli, key by key) %d..%d, reader %d; probe %d of %d%n",
        master, replica, NODE_TIMEOUT_MS, lastAccepted.at() - partitionedAt, refusal.at() - partitionedAt, refusal.error(),
        replica, promoted.timestamp() - partitionedAt, healedAt - partitionedAt, writerAckedAtLeast, writerAckedAtMost, probeAcksAfter,
        writerLost, lostAtLeast, lostAtMost, readerLost, probeLost, probeAcked);

    assertThat(probeAcksAfter).as("writes the minority master acknowledged after the partition began").isPositive();
    assertThat(refusal.error()).as("how it refuses once it has stepped down").startsWith("CLUSTERDOWN");
    assertThat(refusal.at() - partitionedAt).as("ms until the minority master stopped accepting writes")
        .isBetween((long) NODE_TIMEOUT_MS / 2, NODE_TIMEOUT_MS + 3000L);
    assertThat(writerAckedAtMost).as("writer's writes acknowledged by the minority master").isPositive();
    assertThat(writerLost).as("writer's lost writes").isPositive().isBetween(lostAtLeast, lostAtMost);
    assertThat(probeLost).as("probe writes lost").isPositive().isLessThanOrEqualTo(probeAcksAfter);
    assertThat(readerLost).as("reader's lost writes (judged against floors published once a second)")
        .isLessThanOrEqualTo(lostAtMost);
  }

  // ---- the probe: INCR straight to the minority master, one at a time, every 20 ms

  private static long startProbe(RedisConnection connection, String key, List<ProbeReply> replies, AtomicBoolean on) {
    AtomicBoolean inFlight = new AtomicBoolean();
    return lab.vertx().setPeriodic(20, id -> {
      if (!on.get() || !inFlight.compareAndSet(false, true)) {
        return;
      }
      connection.send(Request.cmd(Command.INCR).arg(key)).timeout(1, TimeUnit.SECONDS).onComplete(reply -> {
        inFlight.set(false);
        long at = System.currentTimeMillis();
        replies.add(reply.succeeded() ? new ProbeReply(at, reply.result().toLong(), null)
            : new ProbeReply(at, null, String.valueOf(reply.cause().getMessage())));
      });
    });
  }

  private static long startLedgerSampling(List<String> keys, List<LedgerSample> samples, AtomicBoolean on) {
    var http = io.vertx.ext.web.client.WebClient.create(lab.vertx());
    return lab.vertx().setPeriodic(100, id -> {
      if (!on.get()) {
        return;
      }
      long at = System.currentTimeMillis();
      http.get(lab.writer().httpPort(), "127.0.0.1", "/api/ledger").send().onSuccess(response -> {
        JsonObject all = response.bodyAsJsonObject().getJsonObject("keys");
        long acknowledged = keys.stream().mapToLong(k -> all.getJsonObject(k).getLong("acknowledged")).sum();
        samples.add(new LedgerSample(at, acknowledged));
      });
    });
  }

  private static Optional<Long> firstAfter(List<LedgerSample> samples, long at) {
    return samples.stream().filter(s -> s.at() >= at).map(LedgerSample::acknowledged).findFirst();
  }

  private static long latestBefore(List<LedgerSample> samples, long at) {
    return samples.stream().filter(s -> s.at() <= at).mapToLong(LedgerSample::acknowledged).max().orElse(0);
  }

  // ---- helpers

  private static String probeKey(List<int[]> ranges) {
    for (int i = 0; ; i++) {
      String key = "partition-probe:{" + System.nanoTime() + "." + i + "}";
      if (inRanges(SlotHash.slot(key), ranges)) {
        return key;
      }
    }
  }

  private static List<int[]> ranges(String slots) {
    List<int[]> ranges = new ArrayList<>();
    for (String part : slots.split(",")) {
      String[] bounds = part.strip().split("-");
      int from = Integer.parseInt(bounds[0]);
      ranges.add(new int[] {from, bounds.length > 1 ? Integer.parseInt(bounds[1]) : from});
    }
    return ranges;
  }

  private static boolean inRanges(int slot, List<int[]> ranges) {
    return ranges.stream().anyMatch(r -> slot >= r[0] && slot <= r[1]);
  }

  /** The counter as the cluster holds it, read with redis-cli (following redirects), not our client. */
  private static long counter(String key) throws Exception {
    String out = cluster.cli(0, "-c", "GET", key).strip();
    return out.isEmpty() ? 0 : Long.parseLong(out);
  }

  private static List<String> masters() {
    return ClusterView.masters(lab.monitor().latestSnapshot());
  }

  private static NodeStatus node(TopologySnapshot snapshot, String address) {
    return ClusterView.node(snapshot, address).orElseThrow();
  }

  private static boolean ready(int port) throws Exception {
    return RawHttp.exchange(port, RawHttp.request("GET", "/health/ready", null)).status() == 200;
  }

  private static JsonObject totals(int port) throws Exception {
    return new JsonObject(RawHttp.exchange(port, RawHttp.request("GET", "/stats", null)).body()).getJsonObject("totals");
  }
}
