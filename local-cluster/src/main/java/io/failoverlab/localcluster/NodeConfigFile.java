package io.failoverlab.localcluster;

import java.nio.file.Path;

/** Renders the redis.conf of one cluster node. */
final class NodeConfigFile {

  static final String FILE_NAME = "redis.conf";
  static final String LOG_FILE = "node.log";

  private NodeConfigFile() {
  }

  static String render(int port, Path dir, LocalClusterConfig config, RedisBinary binary) {
    StringBuilder conf = new StringBuilder();
    line(conf, "port " + port);
    line(conf, "bind 127.0.0.1");
    line(conf, "protected-mode no");
    line(conf, "daemonize no");
    line(conf, "dir " + quote(dir.toAbsolutePath().toString()));
    line(conf, "logfile " + quote(dir.resolve(LOG_FILE).toAbsolutePath().toString()));
    line(conf, "cluster-enabled yes");
    // Relative to dir: a restarted node finds its identity, epoch and view of the cluster here.
    line(conf, "cluster-config-file nodes.conf");
    line(conf, "cluster-node-timeout " + config.nodeTimeoutMs());
    line(conf, "cluster-require-full-coverage " + (config.requireFullCoverage() ? "yes" : "no"));
    // A lab cluster holds throw-away data: no persistence, so restarts and stops stay fast.
    line(conf, "appendonly no");
    line(conf, "save \"\"");
    // The first sync must finish quickly: a replica that never synced cannot be promoted.
    line(conf, "repl-diskless-sync yes");
    line(conf, "repl-diskless-sync-delay 0");
    if (config.password() != null) {
      line(conf, "requirepass " + quote(config.password()));
      line(conf, "masterauth " + quote(config.password()));
    }
    if (binary.isAtLeast(7, 0)) {
      // 7.0 disables DEBUG by default (drills use DEBUG SLEEP and friends); 6.2 rejects the directive itself.
      line(conf, "enable-debug-command local");
    }
    return conf.toString();
  }

  private static void line(StringBuilder conf, String line) {
    conf.append(line).append('\n');
  }

  // Redis splits config lines like a shell would (sdssplitargs): quote values that may contain spaces.
  static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
