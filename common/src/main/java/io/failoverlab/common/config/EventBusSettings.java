package io.failoverlab.common.config;

import io.failoverlab.common.topology.HostAndPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether the event bus spans several processes, and how. Off unless {@code EVENTBUS_CLUSTER_MEMBERS}
 * is set: the one-JVM lab and a plain {@code java -jar} keep the local event bus. When on, the
 * services form a Hazelcast cluster from the listed members (TCP, never multicast) and Vert.x's
 * clustered event bus runs over it, so what one service publishes reaches the others' consumers.
 *
 * <ul>
 *   <li>{@code EVENTBUS_CLUSTER_MEMBERS}: {@code host[:port],...}, every member (this one may be listed);
 *       a member without a port uses {@code EVENTBUS_CLUSTER_PORT}</li>
 *   <li>{@code EVENTBUS_PUBLIC_HOST}: the address the others reach this member at, announced by both the
 *       cluster manager and the event bus (in compose: the service name). Required when clustered</li>
 *   <li>{@code EVENTBUS_HOST}: the local address both listen on, default {@code 0.0.0.0} (all); else an
 *       IPv4 address of this host</li>
 *   <li>{@code EVENTBUS_CLUSTER_PORT}: the cluster manager's port, default 5701</li>
 *   <li>{@code EVENTBUS_PORT}: the event bus's own TCP port, default 5710</li>
 *   <li>{@code EVENTBUS_CLUSTER_NAME}: default {@code failoverlab}; members with another name never join</li>
 * </ul>
 */
public record EventBusSettings(
    List<HostAndPort> members,
    String clusterName,
    String host,
    String publicHost,
    int clusterPort,
    int port) {

  public static final int DEFAULT_CLUSTER_PORT = 5701;
  public static final int DEFAULT_PORT = 5710;
  public static final String DEFAULT_CLUSTER_NAME = "failoverlab";
  public static final String ANY_HOST = "0.0.0.0";

  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
  private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** The local event bus: nothing to join. */
  public static final EventBusSettings LOCAL =
      new EventBusSettings(List.of(), DEFAULT_CLUSTER_NAME, ANY_HOST, null, DEFAULT_CLUSTER_PORT, DEFAULT_PORT);

  public EventBusSettings {
    members = List.copyOf(members);
  }

  public boolean clustered() {
    return !members.isEmpty();
  }

  /** Every variable is checked even when clustering is off, so a typo fails at start, not on the day it is used. */
  public static EventBusSettings fromEnv(Env env) {
    int clusterPort = env.integer("EVENTBUS_CLUSTER_PORT", DEFAULT_CLUSTER_PORT, 1, 65535);
    int port = env.integer("EVENTBUS_PORT", DEFAULT_PORT, 1, 65535);
    if (port == clusterPort) {
      throw new ConfigException("EVENTBUS_PORT", "must differ from EVENTBUS_CLUSTER_PORT (both " + port + ")");
    }
    String clusterName = env.string("EVENTBUS_CLUSTER_NAME", DEFAULT_CLUSTER_NAME);
    if (!CLUSTER_NAME.matcher(clusterName).matches()) {
      throw new ConfigException("EVENTBUS_CLUSTER_NAME",
          "expected 1-64 letters, digits, '.', '_' or '-', got '" + clusterName + "'");
    }
    String host = env.string("EVENTBUS_HOST", ANY_HOST);
    if (!IPV4.matcher(host).matches()) {
      throw new ConfigException("EVENTBUS_HOST",
          "expected " + ANY_HOST + " (every interface) or an IPv4 address of this host, got '" + host + "'");
    }
    Optional<String> publicHost = env.optional("EVENTBUS_PUBLIC_HOST");
    if (publicHost.isPresent() && !HOST_NAME.matcher(publicHost.get()).matches()) {
      throw new ConfigException("EVENTBUS_PUBLIC_HOST",
          "expected a host name or IPv4 address the other members can reach, got '" + publicHost.get() + "'");
    }
    List<HostAndPort> members = members(env, clusterPort);
    if (!members.isEmpty() && publicHost.isEmpty()) {
      throw new ConfigException("EVENTBUS_PUBLIC_HOST", "required when EVENTBUS_CLUSTER_MEMBERS is set: the address "
          + "the other members reach this one at (in compose, the service name)");
    }
    return new EventBusSettings(members, clusterName, host, publicHost.orElse(null), clusterPort, port);
  }

  private static List<HostAndPort> members(Env env, int defaultPort) {
    Optional<String> raw = env.optional("EVENTBUS_CLUSTER_MEMBERS");
    if (raw.isEmpty()) {
      return List.of();
    }
    List<HostAndPort> members = new ArrayList<>();
    for (String part : raw.get().split(",")) {
      String member = part.trim();
      if (member.isEmpty()) {
        continue;
      }
      try {
        HostAndPort address = member.contains(":") ? HostAndPort.parse(member) : new HostAndPort(member, defaultPort);
        if (!HOST_NAME.matcher(address.host()).matches()) {
          throw new IllegalArgumentException("invalid host '" + address.host() + "'");
        }
        members.add(address);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("EVENTBUS_CLUSTER_MEMBERS",
            "expected host[:port],... (" + e.getMessage() + "), got '" + raw.get() + "'");
      }
    }
    if (members.isEmpty()) {
      throw new ConfigException("EVENTBUS_CLUSTER_MEMBERS", "expected host[:port],..., got '" + raw.get() + "'");
    }
    return List.copyOf(members);
  }

  @Override
  public String toString() {
    return clustered()
        ? "clustered[members=" + members + ", name=" + clusterName + ", publicHost=" + publicHost + ", host=" + host
            + ", clusterPort=" + clusterPort + ", port=" + port + "]"
        : "local";
  }
}
