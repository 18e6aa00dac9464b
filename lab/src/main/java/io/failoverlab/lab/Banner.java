package io.failoverlab.lab;

import io.failoverlab.localcluster.LocalClusterConfig;
import io.failoverlab.localcluster.RedisBinary;
import io.failoverlab.stack.Lab;

/** What the lab prints once it is up: which redis-server, where the cluster is, the URLs. */
final class Banner {

  private Banner() {
  }

  static String of(Lab lab) {
    String host = lab.options().httpHost();
    String monitor = "http://" + host + ":" + lab.monitor().httpPort();
    String writer = "http://" + host + ":" + lab.writer().httpPort();
    String reader = "http://" + host + ":" + lab.reader().httpPort();
    return String.join("\n",
        "failover-lab is running",
        clusterLines(lab),
        "  live page:    " + monitor + "/",
        clientLines(lab),
        "  monitor:      " + monitor + "/api/topology  " + monitor + "/api/incidents  " + monitor + "/metrics",
        "  journal:      " + lab.monitorDataDir() + " (the monitor's incident history)",
        "  writer:       " + writer + "/stats  " + writer + "/health/ready",
        "  reader:       " + reader + "/stats  " + reader + "/health/ready",
        "  kill a node:  curl -X POST -H 'Authorization: Bearer " + lab.chaosToken() + "' -d '{\"node\":\"<host:port>\"}' "
            + monitor + "/api/chaos/crash",
        lab.cluster() == null ? "Press Ctrl-C to stop." : "Press Ctrl-C to stop (stops the cluster and removes its files).");
  }

  private static String clientLines(Lab lab) {
    if (lab.clients() == null) {
      return "  clients:      none under test (--clients lettuce,redis-py:tuned,... or --clients all)";
    }
    return "  clients:      " + String.join(", ", lab.clients().runs().stream().map(run -> run.label()).toList())
        + " (on the event bus and in /metrics as service=<client:config>)";
  }

  private static String clusterLines(Lab lab) {
    if (lab.cluster() == null) {
      return "  cluster:      existing cluster, seeds " + lab.monitor().seeds();
    }
    LocalClusterConfig cluster = lab.cluster().config();
    RedisBinary binary = lab.cluster().binary();
    return "  redis-server: " + binary.path() + " (version " + binary.version() + ", found via "
        + describe(binary.source()) + ")\n"
        + "  cluster:      127.0.0.1:" + cluster.portBase() + "-" + (cluster.portBase() + cluster.nodeCount() - 1)
        + " (" + cluster.masters() + " masters + " + cluster.masters() * cluster.replicasPerMaster() + " replicas, "
        + "cluster-node-timeout " + cluster.nodeTimeoutMs() + " ms, cluster-require-full-coverage "
        + (cluster.requireFullCoverage() ? "yes" : "no") + ")";
  }

  private static String describe(RedisBinary.Source source) {
    return switch (source) {
      case OVERRIDE -> "configuration";
      case REDIS_SERVER_ENV -> "REDIS_SERVER";
      case PATH -> "PATH";
      case BUNDLED -> "the copy bundled in embedded-redis";
    };
  }
}
