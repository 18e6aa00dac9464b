package io.failoverlab.localcluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * SIGSTOP/SIGCONT, which Java has no API for: runs the system {@code kill}. Blocking.
 */
final class ProcessSignals {

  private static final List<Path> KILL_LOCATIONS = List.of(Path.of("/bin/kill"), Path.of("/usr/bin/kill"));

  private ProcessSignals() {
  }

  static void send(String signal, long pid) {
    Path kill = KILL_LOCATIONS.stream().filter(Files::isExecutable).findFirst().orElseThrow(() ->
        new IllegalStateException("cannot send SIG" + signal + " to pid " + pid + ": neither /bin/kill nor /usr/bin/kill exists"));
    try {
      Process process = new ProcessBuilder(kill.toString(), "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(kill + " -" + signal + " " + pid + " did not finish within 5 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(kill + " -" + signal + " " + pid + " failed (exit " + process.exitValue() + "): " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + kill + " -" + signal + " " + pid + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + signal + " to pid " + pid, e);
    }
  }

  /**
   * Whether the kernel shows the process as stopped ('T' in /proc/pid/stat). Empty where there is no /proc
   * (macOS): callers then trust kill's exit status.
   */
  static Optional<Boolean> isStopped(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String content = Files.readString(stat);
      // Field 2 (comm) is in parentheses and may contain spaces: the state follows the last ')'.
      int close = content.lastIndexOf(')');
      char state = content.charAt(close + 2);
      return Optional.of(state == 'T' || state == 't');
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
