package io.failoverlab.router;

import io.failoverlab.common.config.RedisSettings;
import io.failoverlab.common.topology.HostAndPort;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs each operation to its end: sends every attempt where {@link Routing} says, within the command
 * deadline and what is left of the operation's, and retries the retryable failures after a short,
 * bounded, jittered backoff.
 */
final class OperationRunner {

  private static final int MAX_REDIRECTS_IN_A_ROW = 5;

  private final Vertx vertx;
  private final RedisSettings settings;
  private final NodeLinks links;
  private final NodeHealth health;
  private final Topology topology;
  private final LastContact contact;
  private final Routing routing;
  private boolean closed;

  OperationRunner(Vertx vertx, RedisSettings settings, ReadFrom readFrom, NodeLinks links, NodeHealth health,
                  Topology topology, LastContact contact) {
    this.vertx = vertx;
    this.settings = settings;
    this.links = links;
    this.health = health;
    this.topology = topology;
    this.contact = contact;
    this.routing = new Routing(readFrom, topology, health);
  }

  Future<Response> execute(int slot, Supplier<Request> request, AttemptObserver observer) {
    Operation operation = new Operation(slot, request, observer,
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.operationTimeoutMs()));
    attempt(operation);
    return operation.promise.future();
  }

  /** From now on every attempt, retries of running operations included, fails at once. */
  void close() {
    closed = true;
  }

  private static final class Operation {
    final int slot;
    final Supplier<Request> request;
    final AttemptObserver observer;
    final long deadlineNanos;
    final Promise<Response> promise = Promise.promise();
    int attempts;
    int redirectsInARow;
    HostAndPort redirectTo;
    boolean ask;
    RedisFailure lastFailure;

    Operation(int slot, Supplier<Request> request, AttemptObserver observer, long deadlineNanos) {
      this.slot = slot;
      this.request = request;
      this.observer = observer;
      this.deadlineNanos = deadlineNanos;
    }

    long remainingMillis() {
      return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }
  }

  private void attempt(Operation op) {
    if (closed) {
      op.promise.tryFail(new RedisFailure(ErrorType.CONNECTION, false, null, "router closed"));
      return;
    }
    long left = op.remainingMillis();
    if (left <= 0) {
      op.promise.tryFail(op.lastFailure != null ? op.lastFailure
          : new RedisFailure(ErrorType.TIMEOUT, false, null, "operation deadline passed"));
      return;
    }
    Routing.Target target = routing.target(op.slot, op.redirectTo);
    if (target == null) {
      RedisFailure failure = new RedisFailure(ErrorType.CONNECTION, false, null,
          "no reachable node serves slot " + op.slot);
      op.observer.attemptFailed(failure, System.currentTimeMillis());
      op.lastFailure = failure;
      topology.requestRefresh();
      retryLater(op);
      return;
    }
    op.attempts++;
    boolean asking = op.ask;
    op.ask = false;
    op.redirectTo = null;
    NodeLink link = links.link(target.node());
    long sentAt = System.currentTimeMillis();
    long timeout = Math.min(settings.commandTimeoutMs(), left);
    // A deadline cut short by the operation's own budget proves nothing about the node.
    boolean fullDeadline = timeout >= settings.commandTimeoutMs();
    Future<Response> reply = asking ? link.sendAsking(op.request.get(), timeout) : link.send(op.request.get(), timeout);
    reply.onComplete(result -> {
      if (result.succeeded()) {
        contact.replied();
        if (target.probe()) {
          topology.promotionSeen(target.shard(), target.node());
        }
        op.promise.tryComplete(result.result());
      } else {
        RedisFailure failure = RedisFailure.of(result.cause(), target.node(), true);
        if (failure.type() != ErrorType.CONNECTION && failure.type() != ErrorType.TIMEOUT) {
          contact.replied();
        }
        op.lastFailure = failure;
        op.observer.attemptFailed(failure, sentAt);
        if (failure.type() == ErrorType.TIMEOUT && !fullDeadline) {
          op.promise.tryFail(failure);
          return;
        }
        onFailure(op, target, failure);
      }
    });
  }

  private void onFailure(Operation op, Routing.Target target, RedisFailure failure) {
    switch (failure.type()) {
      case MOVED, ASK -> {
        Redirect redirect = Redirect.parse(failure.getMessage());
        if (redirect == null || health.isDown(redirect.target())) {
          // The replica still names its dead master: not promoted yet. Wait a little and ask again.
          retryLater(op);
        } else if (redirect.ask()) {
          op.ask = true;
          op.redirectTo = redirect.target();
          attempt(op);
        } else {
          topology.slotMoved(redirect.slot(), redirect.target());
          if (++op.redirectsInARow <= MAX_REDIRECTS_IN_A_ROW) {
            op.redirectTo = redirect.target();
            attempt(op);
          } else {
            op.redirectsInARow = 0;
            retryLater(op);
          }
        }
      }
      case CONNECTION, TIMEOUT -> {
        health.markDown(target.node(), failure);
        topology.requestRefresh();
        retryLater(op);
      }
      case CLUSTERDOWN, READONLY -> {
        topology.requestRefresh();
        retryLater(op);
      }
      case TRYAGAIN, LOADING -> retryLater(op);
      default -> op.promise.tryFail(failure);
    }
  }

  private void retryLater(Operation op) {
    long cap = Math.min(settings.retryBackoffMaxMs(),
        (long) settings.retryBackoffMinMs() << Math.min(op.attempts, 20));
    long delay = cap <= 1 ? cap : ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
    if (op.remainingMillis() <= delay) {
      op.promise.tryFail(op.lastFailure);
      return;
    }
    if (delay <= 0) {
      vertx.runOnContext(v -> attempt(op));
    } else {
      vertx.setTimer(delay, id -> attempt(op));
    }
  }
}
