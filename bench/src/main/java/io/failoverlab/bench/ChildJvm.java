package io.failoverlab.bench;

import io.failoverlab.measure.Await;
import io.failoverlab.measure.MeasurementFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service fat jar (or the lab jar) run as a child process, so its memory and CPU are its own: RSS
 * from /proc, CPU time from the OS, heap after a full GC through jcmd, its HTTP port read from its log
 * (it listens on port 0). Stopped by its pid: SIGTERM (its own ordered shutdown), then SIGKILL of it
 * and its descendants if it does not exit in time.
 */
final class ChildJvm implements AutoCloseable {

  private static final Pattern USED_HEAP = Pattern.compile("heap\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K");
  private static final Pattern USED_ANY = Pattern.compile("used\\s+(\\d+)K");
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);

  private final String name;
  private final Process process;
  private final Path log;
  private final Vertx vertx;
  private final HttpClient http;
  private int httpPort = -1;

  private ChildJvm(String name, Process process, Path log, Vertx vertx) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.vertx = vertx;
    this.http = vertx.createHttpClient();
  }

  /** Starts {@code java [jvmOptions] -jar jar args} with {@code env} added to this process's environment. */
  static ChildJvm start(Vertx vertx, String name, Path jar, List<String> jvmOptions, List<String> args,
                        Map<String, String> env, Path logDir) {
    if (!Files.isRegularFile(jar)) {
      throw new MeasurementFailure(name + ": " + jar.toAbsolutePath().normalize() + " not found (build it first: "
          + "./mvnw -B -q install -DskipTests)");
    }
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    command.addAll(args);
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    try {
      return new ChildJvm(name, builder.start(), log, vertx);
    } catch (IOException e) {
      throw new MeasurementFailure(name + ": could not start " + command + ": " + e.getMessage(), e);
    }
  }

  static String javaBinary() {
    return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  int httpPort() {
    return httpPort;
  }

  /**
   * Waits until the log shows a line matching {@code portPattern} (group 1 = the HTTP port) and
   * {@code readyPath} answers 200 on it.
   */
  void awaitReady(Pattern portPattern, String readyPath, Duration timeout) {
    Await.untilAsync(vertx, name + " ready", timeout, Bench.POLL, () -> {
      if (!process.isAlive()) {
        return Future.failedFuture(new MeasurementFailure(name + " exited with " + process.exitValue() + "; see " + log));
      }
      if (httpPort < 0) {
        return vertx.fileSystem().readFile(log.toString()).map(content -> {
          Matcher matcher = portPattern.matcher(content.toString(StandardCharsets.UTF_8));
          if (matcher.find()) {
            httpPort = Integer.parseInt(matcher.group(1));
            return "port " + httpPort + " found, checking " + readyPath;
          }
          return "no HTTP port in " + log + " yet";
        });
      }
      return get(readyPath).map(status -> status.statusCode == 200 ? null : readyPath + " answered " + status.statusCode);
    });
  }

  /** Group 1 of the first match of {@code pattern} in the log so far (a port the banner printed), or -1. */
  int fromLog(Pattern pattern) {
    try {
      Matcher matcher = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
      return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    } catch (IOException e) {
      throw new MeasurementFailure(name + ": cannot read " + log + ": " + e.getMessage(), e);
    }
  }

  /** GET {@code path} as JSON from another HTTP port of the same process (the lab serves three). */
  JsonObject getJson(int port, String path) {
    Reply reply = Await.result(get(port, path), Duration.ofSeconds(10), name + " GET :" + port + path);
    if (reply.statusCode != 200) {
      throw new MeasurementFailure(name + " GET :" + port + path + " answered " + reply.statusCode + ": " + reply.body);
    }
    return new JsonObject(reply.body);
  }

  private record Reply(int statusCode, String body) {
  }

  private Future<Reply> get(String path) {
    return get(httpPort, path);
  }

  private Future<Reply> get(int port, String path) {
    return http.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(request -> request.send().compose(response -> response.body()
            .map(body -> new Reply(response.statusCode(), body.toString(StandardCharsets.UTF_8)))))
        .timeout(5, TimeUnit.SECONDS);
  }

  /** GET {@code path} as JSON (the services' /stats). */
  JsonObject getJson(String path) {
    return getJson(httpPort, path);
  }

  /** CPU time (user + system) the process has used so far, in ms. */
  long cpuMillis() {
    return process.toHandle().info().totalCpuDuration().map(Duration::toMillis)
        .orElseThrow(() -> new MeasurementFailure(name + ": the OS does not report its CPU time"));
  }

  /** Resident set size now, in MB (VmRSS from /proc). */
  double rssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      throw new MeasurementFailure(name + ": cannot read its RSS: " + e.getMessage(), e);
    }
    throw new MeasurementFailure(name + ": no VmRSS in /proc/" + pid() + "/status");
  }

  /** Runs a full GC in the child (jcmd GC.run), then reads the heap in use (jcmd GC.heap_info), in MB. */
  double heapAfterGcMb() {
    jcmd("GC.run");
    return parseHeapUsedMb(jcmd("GC.heap_info"));
  }

  /** The heap in use from GC.heap_info: G1's "heap total ..., used NK", else the sum of the generations' "used". */
  static double parseHeapUsedMb(String heapInfo) {
    Matcher g1 = USED_HEAP.matcher(heapInfo);
    if (g1.find()) {
      return Long.parseLong(g1.group(1)) / 1024.0;
    }
    String beforeMetaspace = heapInfo.contains("Metaspace") ? heapInfo.substring(0, heapInfo.indexOf("Metaspace")) : heapInfo;
    Matcher any = USED_ANY.matcher(beforeMetaspace);
    long kb = 0;
    boolean found = false;
    while (any.find()) {
      kb += Long.parseLong(any.group(1));
      found = true;
    }
    if (!found) {
      throw new IllegalArgumentException("no heap usage in: " + heapInfo);
    }
    return kb / 1024.0;
  }

  private String jcmd(String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    String binary = Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd";
    try {
      Process run = new ProcessBuilder(binary, Long.toString(pid()), command).redirectErrorStream(true).start();
      String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!run.waitFor(60, TimeUnit.SECONDS) || run.exitValue() != 0) {
        throw new MeasurementFailure(name + ": jcmd " + command + " failed: " + output.strip());
      }
      return output;
    } catch (IOException e) {
      throw new MeasurementFailure(name + ": cannot run jcmd (a JDK is needed for heap figures): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MeasurementFailure(name + ": interrupted during jcmd " + command, e);
    }
  }

  /** SIGTERM, then, if it has not exited within the timeout, SIGKILL of it and of whatever it started. */
  @Override
  public void close() {
    // Our HTTP connections first: a connection the child resets as it exits would be reported as an error.
    http.close();
    List<ProcessHandle> descendants = process.toHandle().descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } finally {
      // Anything it started and left behind (a lab's redis-server processes after a hard kill).
      descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
  }
}
