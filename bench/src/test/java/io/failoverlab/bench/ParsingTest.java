package io.failoverlab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What the bench reads from other programs: redis-benchmark's CSV, jcmd's heap summary. */
class ParsingTest {

  @Test
  void redisBenchmarkCsvGivesTheRequestsPerSecond() {
    String output = """
        Cluster has 3 master nodes:

        Master 0: 314c3d329f9c179174e11c480b786324a9235078 127.0.0.1:8250
        Master 1: c62e5b92034c72d951b60b31c5f01a1c6bead34a 127.0.0.1:8252

        "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        "INCR","287963.12","0.156","0.024","0.135","0.255","0.543","51.071"
        """;
    assertThat(RedisBenchmark.parseRps(output)).isEqualTo(287963.12);
    assertThatThrownBy(() -> RedisBenchmark.parseRps("Could not connect to Redis at 127.0.0.1:1: Connection refused"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void redisBenchmarkCommandPinsConnectionsPipelineAndTest() {
    assertThat(String.join(" ", RedisBenchmark.command("redis-benchmark", 8120, "incr", 3, 16, 1000)))
        .isEqualTo("redis-benchmark --cluster -h 127.0.0.1 -p 8120 -c 3 -P 16 -t incr -n 1000 -r 100000 -q --csv");
  }

  @Test
  void heapInfoOfG1GivesTheUsedHeap() {
    String g1 = """
        27786:
         garbage-first heap   total 69632K, used 11910K [0x0000000687400000, 0x0000000800000000)
          region size 4096K, 1 young (4096K), 0 survivors (0K)
         Metaspace       used 18639K, committed 19072K, reserved 1114112K
        """;
    assertThat(ChildJvm.parseHeapUsedMb(g1)).isEqualTo(11910 / 1024.0);
  }

  @Test
  void heapInfoOfOtherCollectorsSumsTheGenerations() {
    String serial = """
        123:
         def new generation   total 4928K, used 1024K [0x1, 0x2, 0x3)
          eden space 4416K,  23% used [0x1, 0x2, 0x3)
         tenured generation   total 10944K, used 2048K [0x1, 0x2, 0x3)
         Metaspace       used 500K, committed 600K, reserved 1056768K
        """;
    assertThat(ChildJvm.parseHeapUsedMb(serial)).isEqualTo(3.0);
  }
}
