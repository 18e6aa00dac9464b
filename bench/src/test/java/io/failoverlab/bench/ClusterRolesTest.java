package io.failoverlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.topology.ClusterNode;
import io.failoverlab.common.topology.ClusterNodesParser;
import io.failoverlab.common.topology.HostAndPort;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterRolesTest {

  private static final String A = "a".repeat(40);
  private static final String B = "b".repeat(40);
  private static final String C = "c".repeat(40);
  private static final String D = "d".repeat(40);

  /** CLUSTER NODES as node {@code me} answers it: A and C masters, B replica of A, D replica of C. */
  private static List<ClusterNode> view(String me, String bFlags, String bMaster) {
    String text = line(A, 8180, "master", "-", me) + " 0-8191\n"
        + line(C, 8181, "master", "-", me) + " 8192-16383\n"
        + line(B, 8182, bFlags, bMaster, me) + "\n"
        + line(D, 8183, "slave", C, me) + "\n";
    return ClusterNodesParser.parse(text);
  }

  private static String line(String id, int port, String flags, String master, String me) {
    return id + " 127.0.0.1:" + port + "@" + (port + 10000) + " " + (id.equals(me) ? "myself," : "") + flags + " "
        + master + " 0 0 1 connected";
  }

  private static Map<HostAndPort, List<ClusterNode>> views(String bFlagsSeenByC, String bMasterSeenByC) {
    Map<HostAndPort, List<ClusterNode>> views = new LinkedHashMap<>();
    views.put(HostAndPort.parse("127.0.0.1:8180"), view(A, "slave", A));
    views.put(HostAndPort.parse("127.0.0.1:8181"), view(C, bFlagsSeenByC, bMasterSeenByC));
    views.put(HostAndPort.parse("127.0.0.1:8182"), view(B, "slave", A));
    views.put(HostAndPort.parse("127.0.0.1:8183"), view(D, "slave", A));
    return views;
  }

  @Test
  void rolesComeFromEachNodesOwnLineAndAgreeWhenEveryViewShowsThem() {
    Map<HostAndPort, List<ClusterNode>> views = views("slave", A);
    ClusterRoles roles = ClusterRoles.of(views);

    assertThat(roles.disagreement(views)).isNull();
    assertThat(roles.mastersBySlot()).extracting(ClusterRoles.Role::id).containsExactly(A, C);
    assertThat(roles.replicasOf(A)).extracting(r -> r.address().port()).containsExactly(8182);
    assertThat(roles.replicasOf(C)).extracting(r -> r.address().port()).containsExactly(8183);
  }

  @Test
  void aNodeThatDoesNotKnowAReplicaYetOrFlagsItIsADisagreement() {
    // Right after forming: C still sees B as a master without slots.
    Map<HostAndPort, List<ClusterNode>> stale = views("master", "-");
    assertThat(ClusterRoles.of(stale).disagreement(stale))
        .isEqualTo("127.0.0.1:8181 sees 127.0.0.1:8182 as a master, it says replica of " + A);

    Map<HostAndPort, List<ClusterNode>> flagged = views("slave,fail?", A);
    assertThat(ClusterRoles.of(flagged).disagreement(flagged)).startsWith("127.0.0.1:8181 flags 127.0.0.1:8182");
  }
}
