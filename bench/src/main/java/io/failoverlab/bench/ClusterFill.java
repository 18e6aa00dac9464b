package io.failoverlab.bench;

import io.failoverlab.common.contract.TopologySnapshot;
import io.failoverlab.common.contract.TopologySnapshot.NodeStatus;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.common.topology.SlotRange;
import io.failoverlab.measure.ClusterHealth;
import io.failoverlab.router.SlotHash;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fills a cluster with {@code keys} string keys of {@code valueBytes} bytes spread evenly over every
 * slot, so a migration moves data as a real shard's would (and its slots stay MIGRATING long enough
 * for a client to meet ASK). Each master gets its own keys through {@code redis-cli --pipe}: neither
 * redis-cli's cluster mode (no --pipe) nor redis-benchmark's (one hash tag, so one slot, per node)
 * spreads keys over the slots.
 */
final class ClusterFill {

  static final String PREFIX = "fill:";
  private static final long PIPE_TIMEOUT_S = 120;

  private ClusterFill() {
  }

  static void fill(String redisCli, TopologySnapshot snapshot, int keys, int valueBytes)
      throws IOException, InterruptedException {
    List<NodeStatus> masters = ClusterHealth.masters(snapshot);
    byte[] value = "x".repeat(valueBytes).getBytes(StandardCharsets.UTF_8);
    for (NodeStatus master : masters) {
      List<SlotRange> owned = SlotRange.parseList(master.slots());
      ByteArrayOutputStream commands = new ByteArrayOutputStream();
      for (int i = 0; i < keys; i++) {
        String key = PREFIX + i;
        if (SlotRange.contains(owned, SlotHash.slot(key))) {
          set(commands, key.getBytes(StandardCharsets.UTF_8), value);
        }
      }
      pipe(redisCli, HostAndPort.parse(master.address()), commands.toByteArray());
    }
  }

  /** RESP: *3 $3 SET $len key $len value. */
  private static void set(ByteArrayOutputStream out, byte[] key, byte[] value) throws IOException {
    out.write("*3\r\n$3\r\nSET\r\n".getBytes(StandardCharsets.US_ASCII));
    bulk(out, key);
    bulk(out, value);
  }

  private static void bulk(ByteArrayOutputStream out, byte[] bytes) throws IOException {
    out.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  private static void pipe(String redisCli, HostAndPort node, byte[] commands) throws IOException, InterruptedException {
    Process cli = new ProcessBuilder(redisCli, "-h", node.host(), "-p", Integer.toString(node.port()), "--pipe")
        .redirectErrorStream(true).start();
    try (var stdin = cli.getOutputStream()) {
      stdin.write(commands);
    }
    String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!cli.waitFor(PIPE_TIMEOUT_S, TimeUnit.SECONDS)) {
      cli.destroyForcibly();
      throw new IOException(redisCli + " --pipe to " + node + " did not finish in " + PIPE_TIMEOUT_S + " s");
    }
    // "errors: 0, replies: N" is its last word; anything else is a failure.
    if (cli.exitValue() != 0 || !output.contains("errors: 0,")) {
      throw new IOException(redisCli + " --pipe to " + node + " failed: " + output.strip());
    }
  }
}
