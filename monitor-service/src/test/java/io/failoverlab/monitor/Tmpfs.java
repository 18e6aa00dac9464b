package io.failoverlab.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.failoverlab.testsupport.ProcessRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A small tmpfs: a real file system that fills up, or is read-only, for the journal's fault tests.
 * Mounting needs root; without it the test is skipped with the reason, except under CI=true, where it fails.
 */
final class Tmpfs implements AutoCloseable {

  private final Path dir;

  private Tmpfs(Path dir) {
    this.dir = dir;
  }

  static Tmpfs mount(Path dir, String size) throws Exception {
    Files.createDirectories(dir);
    ProcessRun run = ProcessRun.of(new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs",
        dir.toString()).redirectErrorStream(true), Duration.ofSeconds(10));
    if (run.exitCode() != 0) {
      String whyNot = "cannot mount a tmpfs (needs root): " + run.output();
      if (System.getenv("CI") != null) {
        fail("the journal's disk-full and read-only tests must run in CI, but: " + whyNot);
      }
      assumeTrue(false, whyNot);
    }
    return new Tmpfs(dir);
  }

  Path dir() {
    return dir;
  }

  void readOnly() throws Exception {
    run("mount", "-o", "remount,ro", dir.toString());
  }

  @Override
  public void close() throws Exception {
    run("umount", dir.toString());
  }

  private static void run(String... command) throws Exception {
    ProcessRun run = ProcessRun.of(new ProcessBuilder(List.of(command)).redirectErrorStream(true), Duration.ofSeconds(10));
    assertThat(run.exitCode()).as(String.join(" ", command) + ": " + run.output()).isZero();
  }
}
