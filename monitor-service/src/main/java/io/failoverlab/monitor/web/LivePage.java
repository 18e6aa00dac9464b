package io.failoverlab.monitor.web;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The live page: {@code GET /} and its scripts and styles under {@code /live/}, plain static files
 * from the jar ({@code webroot/}), no build step and nothing from a CDN. The page reads
 * {@code /api/topology} and {@code /api/incidents} once, then follows the event bus through
 * {@link EventBusBridge}, mounted here too.
 */
public final class LivePage {

  /** Scripts and styles from this origin only, no inline code, nothing may frame the page. */
  public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
      + "frame-ancestors 'none'";

  static final String WEBROOT = "webroot";

  private LivePage() {
  }

  public static void mount(Vertx vertx, Router router) {
    EventBusBridge.mount(vertx, router);
    router.route("/").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(LivePage::securityHeaders).handler(StaticHandler.create(WEBROOT));
    router.route("/live/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(LivePage::securityHeaders).handler(StaticHandler.create(WEBROOT + "/live"));
  }

  private static void securityHeaders(RoutingContext rc) {
    rc.response()
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        // Revalidate every time (ETag/Last-Modified make that a 304): a new monitor's page is used at once.
        .putHeader("Cache-Control", "no-cache");
    rc.next();
  }
}
