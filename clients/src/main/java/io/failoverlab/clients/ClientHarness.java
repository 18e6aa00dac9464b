package io.failoverlab.clients;

import io.failoverlab.clients.jvm.JedisClient;
import io.failoverlab.clients.jvm.JvmClient;
import io.failoverlab.clients.jvm.LettuceClient;
import io.failoverlab.clients.jvm.RedissonClientUnderTest;
import io.failoverlab.clients.jvm.Seeds;
import io.failoverlab.clients.jvm.VertxClusterClient;
import io.failoverlab.common.config.RedisSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients under test of one lab, each in its own {@link ClientRun} (its own verticle, so its own
 * event loop), beside the services and on the same event bus, metrics registry and clock. A client
 * that fails is reported and stays failed; the others, and the services, go on.
 */
public final class ClientHarness {

  private static final Logger LOG = LoggerFactory.getLogger(ClientHarness.class);

  /**
   * @param keys    keys per client (spread over every shard, like the writer's)
   * @param rate    INCR per second per client
   * @param stallMs how long a client may show no sign of life before it is reported failed: a child
   *                process printing nothing, a library in this JVM failing again and again to start
   */
  public record Settings(int keys, int rate, long stallMs) {

    public static Settings defaults() {
      return new Settings(48, 200, 60_000);
    }
  }

  private final Vertx vertx;
  private final MeterRegistry registry;
  private final ClientCatalog catalog;
  private final Seeds seeds;
  private final Settings settings;
  private ShardNames shards;
  private final Map<String, ClientRun> runs = new LinkedHashMap<>();
  private final Map<String, String> deployments = new HashMap<>();
  private String shardNamesDeployment;

  private ClientHarness(Vertx vertx, MeterRegistry registry, ClientCatalog catalog, Seeds seeds, Settings settings) {
    this.vertx = vertx;
    this.registry = registry;
    this.catalog = catalog;
    this.seeds = seeds;
    this.settings = settings;
  }

  /** Starts every client of {@code specs}; completes once each is deployed (started, or reported failed). */
  public static Future<ClientHarness> start(Vertx vertx, MeterRegistry registry, ClientCatalog catalog,
                                            List<ClientSpec> specs, RedisSettings redis, Settings settings) {
    ClientHarness harness = new ClientHarness(vertx, registry, catalog, new Seeds(redis.seeds(), redis.password()),
        settings);
    harness.shards = new ShardNames(redis);
    return vertx.deployVerticle(harness.shards).compose(id -> {
      harness.shardNamesDeployment = id;
      List<Future<String>> deployed = new ArrayList<>();
      for (ClientSpec spec : specs) {
        deployed.add(harness.deploy(spec, 1));
      }
      LOG.info("event=clients_starting clients={}", harness.runs.keySet());
      return Future.all(deployed).map(done -> harness);
    });
  }

  private synchronized Future<String> deploy(ClientSpec spec, int generation) {
    ClientRun run = new ClientRun(spec, generation, source(vertx, catalog, spec, seeds, settings),
        new ClientRun.Workload(settings.keys(), settings.rate()), shards, registry);
    runs.put(spec.label(), run);
    return vertx.deployVerticle(run).onSuccess(id -> {
      synchronized (this) {
        deployments.put(spec.label(), id);
      }
    });
  }

  /**
   * Stops the client labelled {@code label} (closes its library, ends its process) and starts it
   * afresh, on keys of its own: what an operator does when a client does not recover by itself.
   * Completes with the new run.
   */
  public Future<ClientRun> restart(String label) {
    ClientRun old;
    String id;
    synchronized (this) {
      old = runs.get(label);
      id = deployments.remove(label);
    }
    if (old == null) {
      return Future.failedFuture(new IllegalArgumentException("no client " + label));
    }
    LOG.info("event=client_restart client={} generation={}", label, old.generation() + 1);
    Future<Void> stopped = id == null ? Future.succeededFuture() : vertx.undeploy(id);
    return stopped.recover(error -> Future.succeededFuture())
        .compose(v -> deploy(old.spec(), old.generation() + 1))
        .map(v -> run(label));
  }

  private static ClientRun.Source source(Vertx vertx, ClientCatalog catalog, ClientSpec spec, Seeds seeds,
                                         Settings settings) {
    boolean tuned = ClientSpec.TUNED.equals(spec.config());
    if (!catalog.inJvm(spec.library())) {
      Map<String, String> env = new HashMap<>();
      env.put("FAILOVERLAB_SEEDS", seeds.joined());
      if (seeds.password() != null) {
        env.put("FAILOVERLAB_PASSWORD", seeds.password());
      }
      return new ChildSource(catalog.command(spec.library()), catalog.directory(), env, settings.stallMs());
    }
    Callable<JvmClient> factory = switch (spec.library()) {
      case "vertx-redis-client" -> () -> new VertxClusterClient(vertx, seeds, tuned);
      case "lettuce" -> () -> new LettuceClient(seeds, tuned);
      case "jedis" -> () -> new JedisClient(seeds, tuned, spec.label());
      case "redisson" -> () -> new RedissonClientUnderTest(seeds, tuned);
      default -> throw new IllegalArgumentException("no Java client '" + spec.library() + "'");
    };
    return new JvmSource(factory, settings.stallMs());
  }

  /** Stops one client (its run stays listed, stopped): its ledger can then be checked against the servers. */
  public Future<Void> stop(String label) {
    String id;
    synchronized (this) {
      id = deployments.remove(label);
    }
    return id == null ? Future.succeededFuture() : vertx.undeploy(id);
  }

  /** Every client, in the order asked for (after a restart, its current run). */
  public synchronized List<ClientRun> runs() {
    return List.copyOf(runs.values());
  }

  /** The client labelled {@code label} ("lettuce:tuned"), its current run, or null. */
  public synchronized ClientRun run(String label) {
    return runs.get(label);
  }

  /** Each client's {@link ClientRun#describe()}, in order. */
  public Future<JsonArray> describe() {
    List<Future<io.vertx.core.json.JsonObject>> all = runs().stream().map(ClientRun::describe).toList();
    return Future.join(all).map(done -> {
      JsonArray array = new JsonArray();
      all.forEach(future -> array.add(future.succeeded() ? future.result()
          : new io.vertx.core.json.JsonObject().put("error", String.valueOf(future.cause()))));
      return array;
    });
  }

  /** Stops every client (each closes its library or ends its process), then the shard names. */
  public Future<Void> stop() {
    List<Future<Void>> undeploying = new ArrayList<>();
    synchronized (this) {
      deployments.values().forEach(id -> undeploying.add(vertx.undeploy(id)));
      deployments.clear();
    }
    return Future.join(undeploying).eventually(() -> shardNamesDeployment == null ? Future.succeededFuture()
        : vertx.undeploy(shardNamesDeployment)).mapEmpty();
  }
}
