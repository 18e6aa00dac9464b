package io.failoverlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.common.contract.IncidentReport;
import io.failoverlab.measure.FailoverRecord;
import io.failoverlab.measure.FailoverRecord.ClientRecovery;
import io.failoverlab.stack.LabOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchTablesTest {

  private static final LabOptions LAB = new LabOptions(8100, 1000, false, "127.0.0.1", 0, 0, 0);

  /** A failover killed at 10 000, the oracle up 3000 ms later, clients {@code lags} ms behind it. */
  private static FailoverSample sample(int index, long writerLag, long readerLag, Long lettuceLag, long healthyErrors,
                                       double p99Before, double p99During) {
    long kill = 10_000;
    long oracle = kill + 3000;
    FailoverRecord record = FailoverRecord.builder(index, new FailoverRecord.Fault("crash", "127.0.0.1:8100",
            "127.0.0.1:8100", null, "SIGKILL", kill), "0-5460")
        .promoted("127.0.0.1:8103")
        .oracle(new FailoverRecord.OracleReading(oracle, 2.5))
        .client(FailoverSample.WRITER, new ClientRecovery(oracle + writerLag, healthyErrors))
        .client(FailoverSample.READER, new ClientRecovery(oracle + readerLag, 0L))
        .client(FailoverSample.PROBE, new ClientRecovery(oracle + 1, 0L))
        .client(FailoverSample.LETTUCE, new ClientRecovery(lettuceLag == null ? null : oracle + lettuceLag, 0L))
        .build();
    return new FailoverSample(record, new FailoverSample.HealthyShards(p99Before, p99During, 0), "ok",
        new CpuMeter.Use(0.3, 0.5), new CpuMeter.Use(0.6, 0.9));
  }

  private static RecoveryPhase.Result result(LabOptions lab, List<FailoverSample> samples, boolean lettuce) {
    return new RecoveryPhase.Result(new RecoveryPhase.Setup("recovery", lab, samples.size(), lettuce, false, true),
        samples, 2.0, 3.0, List.of(200L, 201L, 199L, 260L), 200, null,
        lettuce ? new LettuceWriter.Config(Duration.ofMillis(300), Duration.ofMillis(500), Duration.ofSeconds(1)).describe()
            : null, null);
  }

  @Test
  void recoveryTargetsAreJudgedOnTheWritersAndReadersMedianAndP95() {
    List<FailoverSample> samples = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      samples.add(sample(i, i, 2 * i, 600L + i, 0, 1.0, 1.5));
    }
    samples.add(sample(11, 200, 3, 700L, 0, 1.0, 1.5));

    BenchTables.Checked checked = BenchTables.recovery(result(LAB, samples, true), 2);

    assertThat(checked.targets()).extracting(Target::what, Target::measured, Target::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple("writer median recovery lag", 6.0, Target.Status.MET),
        org.assertj.core.groups.Tuple.tuple("writer p95 recovery lag", 200.0, Target.Status.MISSED),
        org.assertj.core.groups.Tuple.tuple("reader median recovery lag", 10.0, Target.Status.MET),
        org.assertj.core.groups.Tuple.tuple("reader p95 recovery lag", 20.0, Target.Status.MET));
    String text = checked.table().render();
    assertThat(text).contains("lettuce lag").contains("target: writer p95 recovery lag <= 150 ms: 200 ms (missed)");
    assertThat(checked.table().rows()).hasSize(11);
    assertThat(checked.table().summaryRows()).extracting(row -> row.get(0)).containsExactly("min", "median", "p95", "max");
  }

  /** A sample whose incident stamped the promotion {@code clockError} ms after the oracle (null: no incident). */
  private static FailoverSample clocked(int index, Long clockError) {
    FailoverSample plain = sample(index, 5, 5, null, 0, 1.0, 1.0);
    if (clockError == null) {
      return plain;
    }
    long oracle = plain.oracleAt();
    IncidentReport.Milestones milestones = new IncidentReport.Milestones(10_000L, 10_001L, oracle - 1500,
        oracle - 700, oracle + clockError, oracle + 200, oracle + 5, oracle + 5);
    IncidentReport incident = new IncidentReport("inc-" + index, IncidentReport.State.CLOSED, 10_000, 20_000L,
        "fault_injected", "clock", 200, milestones, Map.of("suspectedAt", 6L, "failAgreedAt", 5L, "promotedAt", 7L),
        null, "127.0.0.1:8100", "0-5460", "127.0.0.1:8103", List.of(), Map.of(), Map.of(), 0, 0, List.of(), List.of(),
        0, List.of());
    return new FailoverSample(plain.record().toBuilder().incident(incident).build(), plain.healthy(), "ok",
        plain.cpuBefore(), plain.cpuDuring());
  }

  @Test
  void theClockIsJudgedOnTheMedianErrorAndTheP95OfItsSizeOverEnoughFailovers() {
    List<FailoverSample> samples = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      samples.add(clocked(i, -2L));
    }
    samples.add(clocked(10, 30L));

    BenchTables.Checked checked = BenchTables.clock(result(LAB, samples, false));

    assertThat(checked.targets()).extracting(Target::what, Target::measured, Target::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple("crash failovers with both clocks", 10.0, Target.Status.MET),
        org.assertj.core.groups.Tuple.tuple("|median of monitor - oracle|", 2.0, Target.Status.MET),
        org.assertj.core.groups.Tuple.tuple("p95 of |monitor - oracle|", 30.0, Target.Status.MISSED));
    String text = checked.table().render();
    assertThat(text).contains("6 / 5 / 7").contains("  1500  ").contains("  2300  ");

    samples.set(0, clocked(1, null));
    assertThat(BenchTables.clock(result(LAB, samples, false)).targets().get(0).status())
        .as("a failover without the monitor's promotedAt does not count").isEqualTo(Target.Status.MISSED);
  }

  @Test
  void unavailabilityRatioIsJudgedOnTheWorstFailover() {
    List<FailoverSample> samples = List.of(sample(1, 0, 0, null, 0, 1, 1), sample(2, 300, -10, null, 0, 1, 1));

    BenchTables.Checked checked = BenchTables.unavailability(result(LAB, samples, false));

    // 3300 / 3000 = 1.10 for the writer's second failover; the reader beat the oracle: 2990 / 3000.
    assertThat(checked.targets().get(0).measured()).isEqualTo(1.1, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(checked.targets().get(0).status()).isEqualTo(Target.Status.MISSED);
    assertThat(checked.targets().get(1).measured()).isEqualTo(1.0);
    assertThat(checked.table().render()).contains("1.10");
  }

  @Test
  void blastRadiusCountsHealthyShardErrorsAndComparesThePooledP99OnlyWithCoverageOff() {
    RecoveryPhase.Result no = result(LAB, List.of(sample(1, 1, 1, 600L, 0, 1.0, 1.8)), true);
    RecoveryPhase.Result yes = result(LAB.withRequireFullCoverage(true), List.of(sample(1, 1, 1, 600L, 40, 1.0, 900)),
        true);

    BenchTables.Checked checked = BenchTables.blast(no, yes);

    assertThat(checked.targets()).hasSize(2);
    assertThat(checked.targets().get(0).measured()).isZero();
    assertThat(checked.targets().get(0).status()).isEqualTo(Target.Status.MET);
    // Pooled p99 3.0 during / 2.0 before.
    assertThat(checked.targets().get(1).measured()).isEqualTo(1.5);
    assertThat(checked.table().summaryRows()).extracting(row -> row.get(0)).containsExactly("no", "yes");
    assertThat(checked.table().summaryRows().get(1).get(2)).isEqualTo("40");
    assertThat(checked.table().rows().get(0).get(10)).isEqualTo("0.30/0.60");
    assertThat(checked.table().rows().get(0).get(11)).isEqualTo("50%/90%");
  }

  @Test
  void lettuceTargetsCompareTheWritersLagWithLettucesAndCountUnrecoveredRuns() {
    List<FailoverSample> samples = List.of(sample(1, 5, 5, 600L, 0, 1, 1), sample(2, 8, 5, null, 0, 1, 1),
        sample(3, 2, 5, 900L, 0, 1, 1));

    BenchTables.Checked checked = BenchTables.lettuce(result(LAB, samples, true));

    assertThat(checked.targets()).allMatch(target -> target.status() == Target.Status.MET);
    assertThat(checked.targets().get(0).limit()).isEqualTo(750.0);
    assertThat(checked.targets().get(0).measured()).isEqualTo(5.0);
    List<String> lettuceRow = checked.table().rows().get(3);
    assertThat(lettuceRow.get(0)).isEqualTo("lettuce 7.7");
    assertThat(lettuceRow.get(1)).isEqualTo("2/3");
    assertThat(checked.table().summaryRows().get(0).get(2)).isEqualTo("745");
  }

  @Test
  void throughputTargetsUseTheMedianRatioOfTheRounds() {
    LoadPhase.Result load = new LoadPhase.Result(List.of(
        new LoadPhase.Round(1, 100_000, 85_000, 200_000, 150_000, 70_000),
        new LoadPhase.Round(2, 100_000, 70_000, 200_000, 170_000, 80_000),
        new LoadPhase.Round(3, 100_000, 90_000, 200_000, 100_000, 50_000)), List.of(), "redis-benchmark ...", 3, 48, null);

    BenchTables.Checked checked = BenchTables.throughput(load);

    assertThat(checked.targets().get(0).measured()).isEqualTo(0.85);
    assertThat(checked.targets().get(0).status()).isEqualTo(Target.Status.MET);
    assertThat(checked.targets().get(1).measured()).isEqualTo(0.75);
    assertThat(checked.targets().get(1).status()).isEqualTo(Target.Status.MISSED);
  }

  @Test
  void memoryTargetsAreHeapPerServiceAndRssForTheLab() {
    LoadPhase.Result load = new LoadPhase.Result(List.of(), List.of(
        new LoadPhase.Footprint("writer", "INCR flat out", 30, 300, 0.7, 150_000.0),
        new LoadPhase.Footprint("monitor", "polling", 70, 150, 0.1, null),
        new LoadPhase.Footprint("lab", "all", 40, 600, 1.2, 90_000.0)), "rb", 3, 48, null);

    List<Target> targets = BenchTables.memory(load).targets();

    assertThat(targets).extracting(Target::what, Target::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple("writer heap after GC", Target.Status.MET),
        org.assertj.core.groups.Tuple.tuple("monitor heap after GC", Target.Status.MISSED),
        org.assertj.core.groups.Tuple.tuple("lab RSS", Target.Status.MISSED));
  }

  @Test
  void scaleComparesTheLargeClustersPollIntervalWithTheConfiguredOneAndCountsWrongIncidents() {
    RecoveryPhase.Result small = result(LAB, List.of(sample(1, 1, 1, null, 0, 1, 1)), false);
    List<FailoverSample> large = List.of(sample(1, 1, 1, null, 0, 1, 1),
        sample(2, 1, 1, null, 0, 1, 1).withIncidentCheck("promoted x, the oracle saw y"));
    RecoveryPhase.Result big = new RecoveryPhase.Result(new RecoveryPhase.Setup("scale", LAB.withShape(6, 2), 2, false,
        true, true), large, null, null, List.of(200L, 200L, 300L, 200L), 200,
        new RecoveryPhase.MonitorCpu(18, 50, 10, 1.5, 200, 20), null, null);

    BenchTables.Checked checked = BenchTables.scale(small, big);

    assertThat(checked.table().rows().get(1).get(0)).isEqualTo("18 nodes (6 masters x 2 replicas)");
    assertThat(checked.table().rows().get(1).get(7)).isEqualTo("1/2");
    assertThat(checked.targets().get(0).measured()).isEqualTo(1.5);
    assertThat(checked.targets().get(0).status()).isEqualTo(Target.Status.MISSED);
    assertThat(checked.targets().get(1).measured()).isEqualTo(1.0);
  }
}
