package io.failoverlab.lab.reliability;

import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.ChaosRequest;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** The monitor's chaos service as the drill reaches it (the local event bus), for the fault tests. */
final class ChaosBus {

  private ChaosBus() {
  }

  /** Submits {@code request}; the accepted action. */
  static ChaosAction submit(Vertx vertx, ChaosRequest request) throws Exception {
    return ChaosAction.fromJson(vertx.eventBus().<JsonObject>request(Addresses.CHAOS, request.toJson())
        .await(10, TimeUnit.SECONDS).body());
  }

  /** Submits a request expected to be refused: "status: reason", or "accepted". */
  static String refusal(Vertx vertx, JsonObject request) throws Exception {
    try {
      vertx.eventBus().request(Addresses.CHAOS, request).await(10, TimeUnit.SECONDS);
      return "accepted";
    } catch (ReplyException e) {
      return e.failureCode() + ": " + e.getMessage();
    }
  }

  /** The port of "host:port". */
  static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }
}
