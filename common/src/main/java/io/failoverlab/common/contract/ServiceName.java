package io.failoverlab.common.contract;

import java.util.List;
import java.util.Locale;

/**
 * The lab's three services, by the name they carry on the event bus ({@code service} of
 * {@link ClientStats} and {@link OutageEvent}) and in metrics (the {@code service} label). On the wire
 * the name stays a string: other clients (a bench's reference client) publish under their own.
 */
public enum ServiceName {
  WRITER, READER, MONITOR;

  /** The two that run a workload against the cluster and publish client stats and outages. */
  public static final List<ServiceName> CLIENTS = List.of(WRITER, READER);

  /** The labels of {@link #CLIENTS}, as events carry them. */
  public static List<String> clientLabels() {
    return CLIENTS.stream().map(ServiceName::label).toList();
  }

  /** "writer", "reader", "monitor". */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }
}
