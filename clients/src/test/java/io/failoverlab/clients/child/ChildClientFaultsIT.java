package io.failoverlab.clients.child;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.failoverlab.clients.child.LineProtocol.Hello;
import io.failoverlab.clients.child.LineProtocol.Line;
import io.failoverlab.clients.child.LineProtocol.Op;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything a child client can do wrong, each done by a tiny script of its own: the failure names the
 * problem, with the child's last stderr lines when it wrote some, and the process is gone afterwards.
 */
class ChildClientFaultsIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  /** Long enough never to fire by itself in these tests, but the stall test's. */
  private static final long NO_STALL_MS = 600_000;
  private static final String PYTHON = "/usr/bin/python3";
  private static final String HELLO = "{\"type\":\"hello\",\"client\":\"script\",\"version\":\"1\"}";

  @TempDir
  Path dir;

  private final List<ChildClient> started = new ArrayList<>();

  @AfterEach
  void closeAndCheckNothingIsLeft() {
    for (ChildClient child : started) {
      child.close();
      assertGone(child);
    }
  }

  private Path script(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  private ChildClient start(long stallMs, String... command) {
    ChildClient child = ChildClient.start("test", List.of(command), dir, Map.of("FAILOVERLAB_TEST", "1"), stallMs);
    started.add(child);
    return child;
  }

  private static String awaitFailure(ChildClient child) {
    await().atMost(WAIT).until(() -> child.failure() != null);
    return child.failure();
  }

  /** The process is gone (or was never started): what the failure or close promised. */
  private static void assertGone(ChildClient child) {
    if (child.pid() < 0) {
      return;
    }
    await().atMost(WAIT).untilAsserted(() -> assertThat(ProcessHandle.of(child.pid()).map(ProcessHandle::isAlive))
        .as("process %d", child.pid()).isNotEqualTo(java.util.Optional.of(true)));
  }

  @Test
  void aCommandThatDoesNotExistFailsAtOnceNamingIt() {
    ChildClient child = start(NO_STALL_MS, "failoverlab-no-such-client", "--fast");
    assertThat(child.failure()).contains("could not start failoverlab-no-such-client --fast")
        .contains("No such file or directory");
    assertThat(child.pid()).isEqualTo(-1);
    assertThat(child.drain(10)).isEmpty();
  }

  @Test
  void aMissingScriptIsTheInterpretersComplaintOnStderr() {
    ChildClient child = start(NO_STALL_MS, PYTHON, "no-such-client.py");
    assertThat(awaitFailure(child)).contains("exited with code 2")
        .contains("last stderr lines")
        .contains("no-such-client.py")
        .contains("No such file or directory");
    assertGone(child);
  }

  @Test
  void aClientThatExitsAtStartSaysWhyOnStderr() throws IOException {
    script("exits.sh",
        "echo 'Traceback (most recent call last):' >&2",
        "echo \"ModuleNotFoundError: No module named 'redis'\" >&2",
        "exit 3");
    ChildClient child = start(NO_STALL_MS, "bash", "exits.sh");
    assertThat(awaitFailure(child)).startsWith("exited with code 3; last stderr lines: ")
        .contains("Traceback (most recent call last): | ModuleNotFoundError: No module named 'redis'");
    assertThat(child.stderrTail()).containsExactly("Traceback (most recent call last):",
        "ModuleNotFoundError: No module named 'redis'");
  }

  @Test
  void aClientThatDiesMidRunIsFailedAndItsGoodLinesAreStillDelivered() throws IOException {
    script("dies.sh",
        "echo '" + HELLO + "'",
        "for i in 1 2 3; do",
        "  echo \"{\\\"type\\\":\\\"op\\\",\\\"key\\\":\\\"k$i\\\",\\\"start\\\":100,\\\"end\\\":101.5,\\\"ok\\\":true,\\\"value\\\":$i}\"",
        "done",
        "echo '{\"type\":\"beat\"}'",
        "echo 'Segmentation fault (core dumped)' >&2",
        "kill -9 $$");
    ChildClient child = start(NO_STALL_MS, "bash", "dies.sh");
    assertThat(awaitFailure(child)).startsWith("exited with code 137")
        .contains("Segmentation fault (core dumped)");
    List<Line> lines = child.drain(100);
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).isInstanceOf(Hello.class);
    assertThat(lines.subList(1, 4)).allSatisfy(line -> assertThat(line).isInstanceOf(Op.class));
    assertThat(lines.subList(1, 4).stream().map(line -> ((Op) line).record().value()))
        .containsExactly(1L, 2L, 3L);
    assertThat(lines.subList(1, 4).stream().map(line -> ((Op) line).record().key())).containsExactly("k1", "k2", "k3");
  }

  @Test
  void aMalformedLineFailsTheClientQuotingTheLine() throws IOException {
    script("nonsense.sh",
        "echo '" + HELLO + "'",
        "echo 'verbose mode: printing replies' >&2",
        "echo 'INCR k1 -> 42'",
        "exec cat");
    ChildClient child = start(NO_STALL_MS, "bash", "nonsense.sh");
    assertThat(awaitFailure(child)).startsWith("protocol error: not a JSON object: 'INCR k1 -> 42'")
        .endsWith("; last stderr lines: verbose mode: printing replies");
    assertThat(child.drain(10)).hasSize(1).first().isInstanceOf(Hello.class);
    assertGone(child);
  }

  @Test
  void anUnknownLineTypeFailsTheClientNamingTheType() throws IOException {
    script("unknown.sh",
        "echo '" + HELLO + "'",
        "echo 'protocol 2' >&2",
        "echo '{\"type\":\"result\",\"key\":\"k1\"}'",
        "exec cat");
    ChildClient child = start(NO_STALL_MS, "bash", "unknown.sh");
    assertThat(awaitFailure(child)).startsWith("protocol error: unknown type 'result'")
        .endsWith("; last stderr lines: protocol 2");
    assertGone(child);
  }

  @Test
  void aPartialLastLineIsAFailureQuotingItWithTheChildsLastWords() throws IOException {
    script("partial.sh",
        "echo '" + HELLO + "'",
        "printf '{\"type\":\"op\",\"key\":\"k1\",\"sta'",
        "echo 'BrokenPipeError: [Errno 32] Broken pipe' >&2",
        "exit 1");
    ChildClient child = start(NO_STALL_MS, "bash", "partial.sh");
    assertThat(awaitFailure(child)).startsWith("a partial last line: '{\"type\":\"op\",\"key\":\"k1\",\"sta'")
        .contains("last stderr lines: BrokenPipeError: [Errno 32] Broken pipe");
    assertThat(child.drain(10)).hasSize(1);
  }

  @Test
  void aLineLongerThanTheLimitFailsTheClient() throws IOException {
    script("long.py",
        "import sys",
        "print('padding the beat', file=sys.stderr, flush=True)",
        "sys.stdout.write('{\"type\":\"beat\",\"pad\":\"' + 'x' * " + (2 * LineProtocol.MAX_LINE_CHARS) + ")",
        "sys.stdout.flush()",
        "sys.stdin.read()");
    ChildClient child = start(NO_STALL_MS, PYTHON, "long.py");
    assertThat(awaitFailure(child)).startsWith("a line longer than " + LineProtocol.MAX_LINE_CHARS + " characters")
        .endsWith("; last stderr lines: padding the beat");
    assertGone(child);
  }

  @Test
  void aClientThatFloodsTheQueueWithoutBeingDrainedIsFailedAsFlooded() throws IOException {
    script("flood.py",
        "import sys",
        "print('debug output on', file=sys.stderr, flush=True)",
        "for i in range(" + (5 * ChildClient.QUEUE_CAPACITY) + "):",
        "    sys.stdout.write('{\"type\":\"beat\"}\\n')",
        "sys.stdout.flush()",
        "sys.stdin.read()");
    ChildClient child = start(NO_STALL_MS, PYTHON, "flood.py");
    assertThat(awaitFailure(child)).startsWith("flooded: more than " + ChildClient.QUEUE_CAPACITY + " lines waiting")
        .endsWith("; last stderr lines: debug output on");
    // What was read before the flood is still there for the owner, and no more than the queue holds.
    assertThat(child.drain(10 * ChildClient.QUEUE_CAPACITY)).hasSize(ChildClient.QUEUE_CAPACITY);
    assertGone(child);
  }

  @Test
  void aClientThatSaysHelloThenNothingIsFailedAsStalled() throws IOException {
    script("stalls.sh",
        "echo '" + HELLO + "'",
        "echo 'connecting to 127.0.0.1:7000...' >&2",
        "exec cat");
    ChildClient child = start(500, "bash", "stalls.sh");
    // The owner drains as it would; the stall is noticed there.
    List<Line> drained = new ArrayList<>();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
      drained.addAll(child.drain(100));
      return child.failure() != null;
    });
    assertThat(drained).hasSize(1).first().isInstanceOf(Hello.class);
    assertThat(child.failure()).startsWith("stalled: no line for more than 500 ms")
        .contains("connecting to 127.0.0.1:7000...");
    assertGone(child);
  }

  @Test
  void closeEndsAWellBehavedChildThroughItsStdinAndLeavesNoProcess() throws IOException {
    Path exited = dir.resolve("exited");
    // What the clients in clients/ do: run until stdin closes, then exit by themselves.
    script("polite.py",
        "import sys, threading, time",
        "print('" + HELLO + "', flush=True)",
        "def beat():",
        "    while True:",
        "        print('{\"type\":\"beat\"}', flush=True)",
        "        time.sleep(0.05)",
        "threading.Thread(target=beat, daemon=True).start()",
        "sys.stdin.read()",
        "open('" + exited + "', 'w').write('stdin closed')",
        "sys.exit(0)");
    ChildClient child = start(NO_STALL_MS, PYTHON, "polite.py");
    await().atMost(WAIT).until(() -> child.drain(100).stream().anyMatch(line -> line instanceof LineProtocol.Beat));
    long pid = child.pid();
    assertThat(ProcessHandle.of(pid)).isPresent();

    child.close();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    assertThat(exited).as("the child exited by itself when its stdin closed").hasContent("stdin closed");
    assertThat(child.failure()).as("a closed client is not a failed one").isNull();
  }

  @Test
  void closeEndsAChildThatIgnoresItsStdinAndSigterm() throws IOException {
    script("stubborn.py",
        "import signal, time",
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)",
        "print('" + HELLO + "', flush=True)",
        "while True:",
        "    time.sleep(1)");
    ChildClient child = start(NO_STALL_MS, PYTHON, "stubborn.py");
    await().atMost(WAIT).until(() -> !child.drain(10).isEmpty());
    long pid = child.pid();
    child.close();
    assertGone(child);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    assertThat(child.failure()).isNull();
  }
}
