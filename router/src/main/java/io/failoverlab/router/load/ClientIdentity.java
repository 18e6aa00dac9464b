package io.failoverlab.router.load;

import io.failoverlab.common.contract.ServiceName;

/**
 * Who a client's records belong to, as metrics label them: {@code service} is the name its stats and
 * outages carry on the event bus ("writer", or a client under test's "lettuce:tuned"), {@code client}
 * the library ("failoverlab-router" for our own services, "lettuce", "redis-py", ...), {@code config}
 * its configuration ("default", "tuned"). Dashboards group by any of the three.
 */
public record ClientIdentity(String service, String client, String config) {

  /** Our router, as writer and reader run it. */
  public static final String ROUTER = "failoverlab-router";
  public static final String DEFAULT_CONFIG = "default";

  public static ClientIdentity of(ServiceName service) {
    return new ClientIdentity(service.label(), ROUTER, DEFAULT_CONFIG);
  }
}
