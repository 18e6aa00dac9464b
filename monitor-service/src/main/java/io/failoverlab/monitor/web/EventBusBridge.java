package io.failoverlab.monitor.web;

import io.failoverlab.common.contract.Addresses;
import io.failoverlab.common.http.HttpErrors;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.Transport;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event bus as the live page sees it: the Vert.x SockJS bridge at {@code /eventbus/*}, outbound
 * only. A browser may register for the addresses in {@link #OUTBOUND} and nothing else; nothing is
 * permitted inbound, so every send or publish from a browser is answered with an {@code err} frame
 * ({@code access_denied}) and never reaches the bus (faults are caused through the kill endpoint and
 * its token, never through the bridge).
 *
 * <p>Only WebSocket transports are on (the page uses the raw one, {@code /eventbus/websocket}), and a
 * browser request from another origin is refused: the polling transports answer any origin through
 * CORS, and a WebSocket is not bound by the same-origin policy, so without the check any web page a
 * user visits could read the cluster's topology off a monitor on their network.
 */
public final class EventBusBridge {

  private static final Logger LOG = LoggerFactory.getLogger(EventBusBridge.class);

  public static final String PATH = "/eventbus/*";

  /** What a browser may receive: the page's live data. Floors and chaos requests stay off the bridge. */
  public static final List<String> OUTBOUND = List.of(
      Addresses.TOPOLOGY_SNAPSHOT,
      Addresses.TOPOLOGY_EVENT,
      Addresses.CLIENT_STATS,
      Addresses.CLIENT_OUTAGE,
      Addresses.INCIDENT,
      Addresses.CHAOS_ACTION,
      Addresses.MIGRATION_PROGRESS);

  private EventBusBridge() {
  }

  /**
   * Exact addresses out, nothing in. A socket silent for 30 s is closed (the page pings every 5 s;
   * the margin covers a browser throttling the timers of a background tab).
   */
  public static SockJSBridgeOptions options() {
    SockJSBridgeOptions options = new SockJSBridgeOptions().setPingTimeout(30_000);
    OUTBOUND.forEach(address -> options.addOutboundPermitted(new PermittedOptions().setAddress(address)));
    return options;
  }

  public static SockJSHandlerOptions handlerOptions() {
    SockJSHandlerOptions options = new SockJSHandlerOptions().setInsertJSESSIONID(false);
    for (Transport transport : List.of(Transport.XHR, Transport.EVENT_SOURCE, Transport.HTML_FILE, Transport.JSON_P)) {
      options.addDisabledTransport(transport.name());
    }
    return options;
  }

  public static void mount(Vertx vertx, Router router) {
    // A sub-router must be alone on its route: the origin check gets a route of its own, first.
    router.route(PATH).handler(EventBusBridge::webSocketOnly);
    router.route(PATH).handler(EventBusBridge::sameOrigin);
    router.route(PATH).subRouter(SockJSHandler.create(vertx, handlerOptions()).bridge(options()));
  }

  /**
   * Only GETs, and on a {@code websocket} path only a real WebSocket handshake: SockJS answers the
   * rest itself, with a plain-text 400 ("Can "Upgrade" only to "WebSocket"."), an empty 405, or an
   * empty 400 for an upgrade without its key (found by BadInputIT); here they get the JSON errors of
   * every other endpoint instead.
   */
  static void webSocketOnly(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    if (request.method() != HttpMethod.GET) {
      rc.response().putHeader("Allow", "GET");
      HttpErrors.send(rc, 405, "method " + request.method() + " not allowed on the event-bus bridge");
      return;
    }
    if (request.path().endsWith("/websocket") && (!request.canUpgradeToWebSocket()
        || request.getHeader("Sec-WebSocket-Key") == null || request.getHeader("Sec-WebSocket-Key").isBlank())) {
      HttpErrors.send(rc, 400, "the event-bus bridge only speaks WebSocket here: send a WebSocket handshake");
      return;
    }
    rc.next();
  }

  /**
   * Browsers send Origin on every WebSocket handshake; it must name the host the page came from (Host,
   * or X-Forwarded-Host behind a proxy). Clients that send no Origin are not browsers and pass.
   */
  static void sameOrigin(RoutingContext rc) {
    String origin = rc.request().getHeader("Origin");
    if (origin == null || sameHost(origin, rc.request().getHeader("Host"))
        || sameHost(origin, rc.request().getHeader("X-Forwarded-Host"))) {
      rc.next();
      return;
    }
    LOG.warn("event=bridge_refused reason=cross_origin origin=\"{}\" source={}", printable(origin),
        rc.request().remoteAddress());
    HttpErrors.send(rc, 403, "the event-bus bridge only serves pages of this monitor's own origin");
  }

  static boolean sameHost(String origin, String host) {
    if (host == null || host.isBlank()) {
      return false;
    }
    try {
      URI uri = URI.create(origin.strip());
      if (uri.getHost() == null) {
        return false;
      }
      String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      String expected = host.split(",")[0].strip();
      if (authority.equalsIgnoreCase(expected)) {
        return true;
      }
      // Host leaves out the scheme's default port; Origin does too, but be lenient about it either way.
      int defaultPort = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
      return (uri.getPort() < 0 && expected.equalsIgnoreCase(uri.getHost() + ":" + defaultPort))
          || (uri.getPort() == defaultPort && expected.equalsIgnoreCase(uri.getHost()));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String printable(String value) {
    String clean = value.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
  }
}
