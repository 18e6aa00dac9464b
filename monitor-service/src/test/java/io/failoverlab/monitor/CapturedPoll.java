package io.failoverlab.monitor;

import io.failoverlab.common.topology.ClusterNodesParser;
import io.failoverlab.common.topology.HostAndPort;
import io.failoverlab.common.topology.InfoParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Replies captured from a real 6-node cluster (redis-server 7.0.15, ports 7100-7105, node timeout
 * 1500 ms) with redis-cli, one directory per moment of a failover under
 * {@code src/test/resources/cluster-samples}: {@code <port>.nodes} (CLUSTER NODES), {@code .info}
 * (CLUSTER INFO), {@code .repl} (INFO replication). A port without files did not answer (crashed or
 * hung) at that moment.
 *
 * <p>Crash sequence (7100 SIGKILLed; its replica 7104): healthy, crash-disconnected (0.3-1.4 s),
 * crash-fail-spreading (1.7 s, one node says fail?, the rest fail), crash-fail-agreed,
 * crash-promotion-spreading (2.5 s, 7104 and 7105 know of the promotion, the rest do not),
 * crash-promoted, crash-old-master-rejoined (7100 restarted, already a replica of 7104, syncing).
 * Hang sequence (7101 SIGSTOPped, full coverage required; its replica 7105): hang-clusterdown,
 * hang-promoted, hang-resumed.
 */
final class CapturedPoll {

  static final List<Integer> PORTS = List.of(7100, 7101, 7102, 7103, 7104, 7105);

  private CapturedPoll() {
  }

  static List<NodeReply> replies(String moment) {
    List<NodeReply> replies = new ArrayList<>();
    for (int port : PORTS) {
      HostAndPort address = new HostAndPort("127.0.0.1", port);
      String nodes = read(moment, port + ".nodes");
      if (nodes == null) {
        replies.add(NodeReply.unreachable(address, "timeout"));
      } else {
        replies.add(new NodeReply(address, ClusterNodesParser.parse(nodes), InfoParser.parse(read(moment, port + ".info")),
            InfoParser.parse(read(moment, port + ".repl")), null));
      }
    }
    return replies;
  }

  static MergedTopology merged(String moment, long at) {
    return TopologyMerger.merge(replies(moment), at, 200);
  }

  private static String read(String moment, String file) {
    String path = "/cluster-samples/" + moment + "/" + file;
    try (InputStream in = CapturedPoll.class.getResourceAsStream(path)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
