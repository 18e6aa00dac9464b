package io.failoverlab.common.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Every HTTP error leaves as JSON {"status": n, "error": "..."}: one shape for every endpoint. */
public final class HttpErrors {

  private HttpErrors() {
  }

  public static void send(RoutingContext rc, int status, String message) {
    if (rc.response().ended()) {
      return;
    }
    rc.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        // Errors echo the path they refuse: never let a browser sniff that into markup.
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(new JsonObject().put("status", status).put("error", message).encode());
  }

  public static void sendJson(RoutingContext rc, JsonObject body) {
    rc.response().putHeader("content-type", "application/json").end(body.encodePrettily());
  }
}
