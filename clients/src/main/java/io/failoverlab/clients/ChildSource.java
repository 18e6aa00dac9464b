package io.failoverlab.clients;

import io.failoverlab.clients.child.ChildClient;
import io.failoverlab.clients.child.LineProtocol;
import io.failoverlab.router.load.LoadLoop;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client in a child process, speaking the line protocol. Its settings go in FAILOVERLAB_*
 * environment variables, its keys in the order the writer visits them (so a shard's keys are spread
 * over each cycle); its lines are drained every {@value #DRAIN_MS} ms on the run's event loop, at
 * most {@value #DRAIN_MAX} at a time, so a flood cannot hold the loop.
 */
final class ChildSource implements ClientRun.Source {

  static final long DRAIN_MS = 20;
  static final int DRAIN_MAX = 2000;

  private final List<String> command;
  private final Path directory;
  private final Map<String, String> environment;
  private final long stallMs;
  private ChildClient child;
  private ClientRun run;
  private long timer = -1;
  private boolean helloSeen;

  /**
   * @param environment what the child gets besides its keys and configuration (seeds, rate, password)
   * @param stallMs     how long the child may print nothing before it is reported failed
   */
  ChildSource(List<String> command, Path directory, Map<String, String> environment, long stallMs) {
    this.command = List.copyOf(command);
    this.directory = directory;
    this.environment = Map.copyOf(environment);
    this.stallMs = stallMs;
  }

  @Override
  public Future<Void> start(ClientRun run) {
    this.run = run;
    Map<String, String> env = new LinkedHashMap<>(environment);
    List<String> keys = run.keys();
    int[] order = LoadLoop.spreadOrder(keys.size());
    StringBuilder visiting = new StringBuilder();
    for (int index : order) {
      visiting.append(visiting.length() == 0 ? "" : ",").append(keys.get(index));
    }
    env.put("FAILOVERLAB_KEYS", visiting.toString());
    env.put("FAILOVERLAB_CONFIG", run.spec().config());
    env.put("FAILOVERLAB_RATE", Integer.toString(run.workload().rate()));
    var vertx = run.vertx();
    return vertx.executeBlocking(() -> ChildClient.start(run.label(), command, directory, env, stallMs), false)
        .map(started -> {
          child = started;
          timer = vertx.setPeriodic(DRAIN_MS, id -> drain());
          return null;
        });
  }

  private void drain() {
    record(child.drain(DRAIN_MAX));
    if (child.failure() != null) {
      run.fail(child.failure());
    }
  }

  private void record(List<LineProtocol.Line> lines) {
    for (LineProtocol.Line line : lines) {
      if (line instanceof LineProtocol.Op op) {
        run.record(op.record());
      } else if (line instanceof LineProtocol.Skip) {
        run.skipped();
      } else if (line instanceof LineProtocol.Hello hello) {
        hello(hello);
      }
    }
  }

  private void hello(LineProtocol.Hello hello) {
    if (helloSeen) {
      run.fail("said hello twice");
      return;
    }
    helloSeen = true;
    if (hello.config() != null && !hello.config().equals(run.spec().config())) {
      run.fail("runs configuration '" + hello.config() + "', asked for '" + run.spec().config() + "'");
      return;
    }
    run.describedAs(hello.version(), new JsonObject().put("library", hello.client()).put("command", String.join(" ", command))
        .mergeIn(hello.settings()));
  }

  @Override
  public Future<Void> stop() {
    if (timer >= 0) {
      run.vertx().cancelTimer(timer);
      timer = -1;
    }
    ChildClient stopping = child;
    if (stopping == null) {
      return Future.succeededFuture();
    }
    // What the child printed up to its exit is recorded too: an INCR it made after our last drain and
    // left out of the ledger would make the servers' counters look higher than the ledger says, and hide
    // a lost write from the independent check (seen with predis, which exits up to a second after
    // its stdin closes). The queue is bounded, so this drain is too.
    return run.vertx().executeBlocking(() -> {
      stopping.close();
      return null;
    }, false).map(closed -> {
      List<LineProtocol.Line> rest;
      do {
        rest = stopping.drain(DRAIN_MAX);
        record(rest);
      } while (!rest.isEmpty());
      return null;
    });
  }

  @Override
  public int inFlight() {
    return 0;
  }
}
