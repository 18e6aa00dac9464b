package io.failoverlab.monitor.chaos;

import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.ChaosRequest.Action;
import io.failoverlab.common.http.HttpErrors;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kill endpoint: {@code POST /api/chaos/{crash|hang|failover|restart|isolate|migrate|fix}} with a JSON body
 * {@code {"node": "host:port" or node id, "seconds": n (hang and isolate only), "mode": "force" (failover
 * only)}}, or
 * for crash {@code {"nodes": [...]}} (several nodes at the same moment), and
 * {@code Authorization: Bearer <CHAOS_TOKEN>}; answers 202 with the action. {@code GET /api/chaos}
 * lists recent actions. Every refusal is a JSON error naming the problem, and every request is
 * logged with its source, whatever the outcome.
 */
public final class ChaosHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ChaosHandler.class);
  /** The server-wide bound: its BodyHandler reads the body first, so a larger one here could never apply. */
  public static final int MAX_BODY_BYTES = io.failoverlab.common.http.ServiceHttpServer.MAX_BODY_BYTES;
  private static final Set<String> FIELDS = Set.of("node", "nodes", "seconds", "mode", "to", "slots", "count");

  private final ChaosService service;
  private final ChaosToken token;

  public ChaosHandler(ChaosService service, ChaosToken token) {
    this.service = service;
    this.token = token;
  }

  public void mount(Router router) {
    router.get("/api/chaos").handler(rc -> HttpErrors.sendJson(rc, new JsonObject()
        .put("enabled", token.enabled())
        .put("actions", service.recent())));
    // Vert.x Web runs body handlers before user handlers; the body is bounded, so reading it first is cheap.
    router.post("/api/chaos/:action")
        .handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES).setHandleFileUploads(false))
        .handler(this::authorize)
        .handler(this::submit)
        .failureHandler(rc -> {
          // BodyHandler fails with 413 past the limit; the contract here is a 400 naming the problem.
          if (rc.statusCode() == 413) {
            refuse(rc, 400, "request body is larger than " + MAX_BODY_BYTES + " bytes");
          } else {
            rc.next();
          }
        });
  }

  private void authorize(RoutingContext rc) {
    switch (token.check(rc.request().getHeader("Authorization"))) {
      case OK -> rc.next();
      case DISABLED -> refuse(rc, 403, "the chaos endpoint is off: start the monitor with CHAOS_TOKEN set to enable it");
      case MISSING -> {
        rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"failover-lab chaos\"");
        refuse(rc, 401, "missing token: send Authorization: Bearer <CHAOS_TOKEN>");
      }
      case WRONG -> refuse(rc, 403, "wrong token");
    }
  }

  private void submit(RoutingContext rc) {
    String actionName = rc.pathParam("action");
    Action action = Action.fromLabel(actionName);
    if (action == null) {
      refuse(rc, 400, "unknown action '" + actionName + "': expected one of crash, hang, failover, restart, isolate, migrate, fix");
      return;
    }
    ChaosRequest request;
    try {
      request = parse(rc, action);
    } catch (ChaosRefusal refusal) {
      refuse(rc, refusal.status(), refusal.getMessage());
      return;
    }
    service.submit(request).onComplete(result -> {
      if (result.succeeded()) {
        LOG.info("event=chaos_request source={} action={} node={} outcome=accepted id={} method=\"{}\"",
            source(rc), action.label(), printable(request.node()), result.result().id(), result.result().method());
        rc.response().setStatusCode(202);
        HttpErrors.sendJson(rc, result.result().toJson().put("status", "accepted"));
      } else if (result.cause() instanceof ChaosRefusal refusal) {
        refuse(rc, refusal.status(), refusal.getMessage());
      } else {
        rc.fail(result.cause());
      }
    });
  }

  private ChaosRequest parse(RoutingContext rc, Action action) {
    String text = rc.body() == null ? null : rc.body().asString();
    if (text == null || text.isBlank()) {
      throw new ChaosRefusal(400, "missing JSON body: {\"node\": \"host:port\"}");
    }
    JsonObject body;
    try {
      Object parsed = io.vertx.core.json.Json.decodeValue(text);
      if (!(parsed instanceof JsonObject object)) {
        throw new ChaosRefusal(400, "the body must be a JSON object: {\"node\": \"host:port\"}");
      }
      body = object;
    } catch (DecodeException e) {
      // Jackson's message goes on with the location on further lines: the first says what is wrong.
      throw new ChaosRefusal(400, "malformed JSON body: " + e.getMessage().lines().findFirst().orElse(""));
    }
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new ChaosRefusal(400, "unknown field '" + field + "': expected node (or, for crash, nodes) and, for "
            + "hang and isolate, seconds, for failover, mode, for migrate, to and slots or count");
      }
    }
    Object node = body.getValue("node");
    if (node != null && !(node instanceof String)) {
      throw new ChaosRefusal(400, "\"node\" must be a string (host:port or node id)");
    }
    Object seconds = body.getValue("seconds");
    Integer wholeSeconds = null;
    if (seconds != null) {
      if (!(seconds instanceof Integer || seconds instanceof Long)) {
        throw new ChaosRefusal(400, "\"seconds\" must be a whole number of seconds, got " + body.encode());
      }
      long value = ((Number) seconds).longValue();
      if (value < 1 || value > ChaosService.MAX_HANG_SECONDS) {
        throw new ChaosRefusal(400, "\"seconds\" must be between 1 and " + ChaosService.MAX_HANG_SECONDS + ", got " + value);
      }
      wholeSeconds = (int) value;
    }
    Object mode = body.getValue("mode");
    ChaosRequest.FailoverMode failoverMode = null;
    if (mode != null) {
      failoverMode = mode instanceof String label ? ChaosRequest.FailoverMode.fromLabel(label) : null;
      if (failoverMode == null) {
        throw new ChaosRefusal(400, "\"mode\" must be one of default, force, takeover, got " + body.getValue("mode"));
      }
    }
    java.util.List<String> nodes = null;
    Object list = body.getValue("nodes");
    if (list != null) {
      if (!(list instanceof io.vertx.core.json.JsonArray array) || array.isEmpty()
          || !array.stream().allMatch(String.class::isInstance)) {
        throw new ChaosRefusal(400, "\"nodes\" must be a non-empty list of host:port or node ids");
      }
      if (node != null) {
        throw new ChaosRefusal(400, "give \"node\" or \"nodes\", not both");
      }
      nodes = array.stream().map(String.class::cast).toList();
    }
    ChaosRequest.Migration migration = null;
    if (body.getValue("to") != null || body.getValue("slots") != null || body.getValue("count") != null) {
      if (body.getValue("to") != null && !(body.getValue("to") instanceof String)) {
        throw new ChaosRefusal(400, "\"to\" must be a string (host:port or node id)");
      }
      if (body.getValue("slots") != null && !(body.getValue("slots") instanceof String)) {
        throw new ChaosRefusal(400, "\"slots\" must be a string of slots and ranges, e.g. \"100-199,300\"");
      }
      Object count = body.getValue("count");
      if (count != null && !(count instanceof Integer)) {
        throw new ChaosRefusal(400, "\"count\" must be a whole number of slots, got " + count);
      }
      migration = new ChaosRequest.Migration(body.getString("to"), body.getString("slots"), (Integer) count);
    }
    return new ChaosRequest(action, (String) node, wholeSeconds, failoverMode, "http " + source(rc), nodes, migration);
  }

  private static void refuse(RoutingContext rc, int status, String reason) {
    LOG.info("event=chaos_request source={} path={} outcome=refused status={} reason=\"{}\"", source(rc),
        printable(rc.request().path()), status, printable(reason));
    HttpErrors.send(rc, status, reason);
  }

  /** User input in a log line: no control characters (no forged lines), bounded length. */
  static String printable(String value) {
    if (value == null) {
      return "-";
    }
    String clean = value.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 300 ? clean.substring(0, 300) + "..." : clean;
  }

  private static String source(RoutingContext rc) {
    return rc.request().remoteAddress() == null ? "unknown" : rc.request().remoteAddress().toString();
  }
}
