package io.failoverlab.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProcessRunTest {

  private static ProcessBuilder sh(String script) {
    return new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
  }

  @Test
  void aProgramThatEndsGivesItsExitCodeAndEverythingItPrinted() {
    ProcessRun run = ProcessRun.of(sh("echo one; echo two >&2; exit 3"), Duration.ofSeconds(10));
    assertThat(run.exited()).isTrue();
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.output()).isEqualTo("one\ntwo\n");
    assertThat(run.command()).isEqualTo("sh -c echo one; echo two >&2; exit 3");
  }

  @Test
  void aProgramPastItsDeadlineIsStoppedAndSaysSo() {
    // SIGTERM: the exit code is 128 + 15.
    assertThat(ProcessRun.of(sh("echo started; exec sleep 30"), Duration.ofMillis(300)))
        .extracting(ProcessRun::exited, ProcessRun::exitCode, ProcessRun::output)
        .containsExactly(false, 143, "started\n");
  }

  @Test
  void aProgramThatCannotStartFailsNamingIt() {
    assertThatThrownBy(() -> ProcessRun.of(new ProcessBuilder("no-such-program-here", "--x"), Duration.ofSeconds(5)))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("cannot run no-such-program-here --x:");
  }

  @Test
  void aLineIsAwaitedWhileTheProgramRunsAndItsEndFailsTheWait() throws Exception {
    Process process = sh("echo 'ready at http://127.0.0.1:1234/'; read line").start();
    ProcessOutput output = ProcessOutput.follow(process);
    assertThat(output.awaitLine(Pattern.compile("ready at (\\S+)"), Duration.ofSeconds(10)).group(1))
        .isEqualTo("http://127.0.0.1:1234/");
    process.getOutputStream().close();
    assertThat(output.awaitEnd(Duration.ofSeconds(10))).isEqualTo("ready at http://127.0.0.1:1234/\n");
    assertThatThrownBy(() -> output.awaitLine(Pattern.compile("never"), Duration.ofSeconds(10)))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("the output ended without a line matching never; it printed:\nready at");
  }
}
