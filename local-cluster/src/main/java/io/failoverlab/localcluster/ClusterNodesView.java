package io.failoverlab.localcluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** One node's answer to CLUSTER NODES: what it believes about every node, itself included. */
record ClusterNodesView(int observerPort, List<Entry> entries) {

  /**
   * One line of CLUSTER NODES: {@code <id> <ip:port@cport[,hostname]> <flags> <master-id|-> <ping> <pong> <epoch> <link> <slot>...}.
   */
  record Entry(String id, int port, Set<String> flags, String masterId, boolean ownsSlots) {

    boolean isMaster() {
      return flags.contains("master");
    }

    boolean isReplica() {
      return flags.contains("slave");
    }

    boolean isMyself() {
      return flags.contains("myself");
    }

    /** "fail?" is how CLUSTER NODES spells PFAIL. */
    boolean isFailing() {
      return flags.contains("fail") || flags.contains("fail?");
    }
  }

  static ClusterNodesView parse(int observerPort, String text) {
    List<Entry> entries = new ArrayList<>();
    for (String line : text.split("\n")) {
      String trimmed = line.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      String[] fields = trimmed.split(" ");
      if (fields.length < 8) {
        throw new IllegalArgumentException("node " + observerPort + ": unexpected CLUSTER NODES line: " + trimmed);
      }
      boolean ownsSlots = false;
      for (int i = 8; i < fields.length; i++) {
        // "[slot->-id]" / "[slot-<-id]" are migrations in progress, not owned slots.
        if (!fields[i].startsWith("[")) {
          ownsSlots = true;
          break;
        }
      }
      entries.add(new Entry(fields[0], portOf(fields[1]), Set.of(fields[2].split(",")), fields[3], ownsSlots));
    }
    return new ClusterNodesView(observerPort, List.copyOf(entries));
  }

  // "127.0.0.1:7000@17000" or, from 7.0, "127.0.0.1:7000@17000,hostname"; ":0@0" while an address is unknown.
  private static int portOf(String address) {
    int at = address.indexOf('@');
    String hostAndPort = at < 0 ? address : address.substring(0, at);
    try {
      return Integer.parseInt(hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  Optional<Entry> myself() {
    return entries.stream().filter(Entry::isMyself).findFirst();
  }

  Optional<Entry> byPort(int port) {
    return entries.stream().filter(e -> e.port() == port).findFirst();
  }
}
