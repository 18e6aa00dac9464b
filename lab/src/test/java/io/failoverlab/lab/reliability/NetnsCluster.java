package io.failoverlab.lab.reliability;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A 6-node Redis Cluster whose nodes are hosts of their own: each {@code redis-server} runs in a network
 * namespace of this test, with its own address on a private /24, all joined by a bridge that lives in
 * one more namespace (the "switch"). This JVM reaches the bridge through a veth of its own, so the
 * services under test talk to the nodes over that network, and nothing else is on it.
 *
 * <p>{@link #partition} cuts one node off from the other five, both ways, with blackhole routes in the
 * namespaces (iproute2 only: no iptables, no tc), and leaves its link to this JVM alone: a client here
 * still reaches it, as a client on its side of a real partition would. {@link #heal} removes the routes.
 *
 * <p>Needs root (CAP_NET_ADMIN). {@link #close} kills the servers it started (by their process handle),
 * deletes every namespace (which takes their veths with them) and the files; it is also a shutdown hook.
 */
final class NetnsCluster implements AutoCloseable {

  static final int NODES = 6;

  private final String tag = HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
  private final String subnet;
  private final int portBase;
  private final int nodeTimeoutMs;
  private final Path dir;
  private final List<String> namespaces = new ArrayList<>();
  private final List<Process> servers = new ArrayList<>();
  private final List<String> partitionRoutes = new ArrayList<>();
  private final Thread hook = new Thread(this::close, "netns-cluster-cleanup");
  private boolean closed;

  NetnsCluster(int subnetOctet, int portBase, int nodeTimeoutMs) throws IOException {
    this.subnet = "10.83." + subnetOctet;
    this.portBase = portBase;
    this.nodeTimeoutMs = nodeTimeoutMs;
    this.dir = Files.createTempDirectory("netns-cluster");
  }

  /** Whether this process may create network namespaces (root with CAP_NET_ADMIN and iproute2). */
  static String whyNot() {
    String name = "flprobe" + HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
    try {
      Result add = exec(List.of("ip", "netns", "add", name));
      if (add.code() != 0) {
        return "cannot create a network namespace: " + add.output().strip();
      }
      exec(List.of("ip", "netns", "del", name));
      return null;
    } catch (IOException e) {
      return "no iproute2: " + e.getMessage();
    }
  }

  String address(int node) {
    return subnet + "." + (10 + node);
  }

  int port(int node) {
    return portBase + node;
  }

  String hostPort(int node) {
    return address(node) + ":" + port(node);
  }

  List<String> seeds() {
    List<String> seeds = new ArrayList<>();
    for (int node = 0; node < NODES; node++) {
      seeds.add(hostPort(node));
    }
    return seeds;
  }

  int nodeOf(String hostPort) {
    for (int node = 0; node < NODES; node++) {
      if (hostPort(node).equals(hostPort)) {
        return node;
      }
    }
    throw new IllegalArgumentException("not a node: " + hostPort);
  }

  /** Namespaces, bridge, links and servers; the cluster formed and every replica in sync. */
  void start() throws Exception {
    Runtime.getRuntime().addShutdownHook(hook);
    String sw = namespace("sw");
    ip("netns", "add", sw);
    ip("-n", sw, "link", "set", "lo", "up");
    ip("-n", sw, "link", "add", "br0", "type", "bridge");
    ip("-n", sw, "link", "set", "br0", "up");
    String host = "fl" + tag + "h";
    ip("link", "add", host, "type", "veth", "peer", "name", host + "b", "netns", sw);
    ip("addr", "add", subnet + ".1/24", "dev", host);
    ip("link", "set", host, "up");
    ip("-n", sw, "link", "set", host + "b", "master", "br0", "up");
    for (int node = 0; node < NODES; node++) {
      String ns = namespace("n" + node);
      ip("netns", "add", ns);
      ip("-n", ns, "link", "set", "lo", "up");
      String link = "fl" + tag + "n" + node;
      ip("link", "add", link + "a", "netns", ns, "type", "veth", "peer", "name", link + "b", "netns", sw);
      ip("-n", ns, "addr", "add", address(node) + "/24", "dev", link + "a");
      ip("-n", ns, "link", "set", link + "a", "up");
      ip("-n", sw, "link", "set", link + "b", "master", "br0", "up");
      servers.add(startServer(node, ns));
    }
    for (int node = 0; node < NODES; node++) {
      awaitCli(node, "PING", "PONG");
    }
    List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    create.addAll(seeds());
    create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
    Result formed = exec(create);
    if (formed.code() != 0) {
      throw new IllegalStateException("redis-cli --cluster create failed: " + formed.output());
    }
    awaitHealthy();
  }

  /** cluster_state:ok on every node and master_link_status:up on every replica. */
  void awaitHealthy() {
    await("the namespaced cluster healthy").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
        .until(() -> healthProblem() == null);
  }

  private String healthProblem() throws IOException {
    for (int node = 0; node < NODES; node++) {
      String info = cli(node, "CLUSTER", "INFO");
      if (!info.contains("cluster_state:ok")) {
        return hostPort(node) + " is not cluster_state:ok";
      }
      String replication = cli(node, "INFO", "replication");
      if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
        return hostPort(node) + " has no master link up";
      }
      if (replication.contains("master_sync_in_progress:1")) {
        return hostPort(node) + " is syncing";
      }
    }
    return null;
  }

  /** Cuts {@code node} off from the other nodes, both ways; this JVM still reaches it. */
  void partition(int node) throws IOException {
    for (int other = 0; other < NODES; other++) {
      if (other != node) {
        route("add", namespace("n" + node), address(other));
        route("add", namespace("n" + other), address(node));
      }
    }
  }

  void heal() throws IOException {
    for (String entry : List.copyOf(partitionRoutes)) {
      String[] parts = entry.split(" ");
      ip("-n", parts[0], "route", "del", "blackhole", parts[1] + "/32");
      partitionRoutes.remove(entry);
    }
  }

  private void route(String verb, String ns, String address) throws IOException {
    ip("-n", ns, "route", verb, "blackhole", address + "/32");
    partitionRoutes.add(ns + " " + address);
  }

  String cli(int node, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-h", address(node), "-p", Integer.toString(port(node))));
    command.addAll(List.of(args));
    return exec(command).output();
  }

  private void awaitCli(int node, String command, String expected) {
    await(hostPort(node) + " answering " + command).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> cli(node, command).contains(expected));
  }

  private Process startServer(int node, String ns) throws IOException {
    Path nodeDir = Files.createDirectories(dir.resolve("n" + node));
    String conf = String.join("\n",
        "port " + port(node),
        "bind " + address(node),
        "protected-mode no",
        "daemonize no",
        "dir " + nodeDir.toAbsolutePath(),
        "logfile " + nodeDir.resolve("node.log").toAbsolutePath(),
        "cluster-enabled yes",
        "cluster-config-file nodes.conf",
        "cluster-node-timeout " + nodeTimeoutMs,
        "cluster-require-full-coverage no",
        "appendonly no",
        "save \"\"",
        "repl-diskless-sync yes",
        "repl-diskless-sync-delay 0") + "\n";
    Path file = nodeDir.resolve("redis.conf");
    Files.writeString(file, conf);
    // ip netns exec execs redis-server in place: the process handle is the server's own.
    return new ProcessBuilder("ip", "netns", "exec", ns, "redis-server", file.toAbsolutePath().toString())
        .redirectErrorStream(true).redirectOutput(nodeDir.resolve("stdout.log").toFile()).start();
  }

  private String namespace(String suffix) {
    String name = "fl" + tag + "-" + suffix;
    if (!namespaces.contains(name)) {
      namespaces.add(name);
    }
    return name;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Called from the hook itself.
    }
    for (Process server : servers) {
      server.destroyForcibly();
    }
    for (Process server : servers) {
      try {
        server.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      // Deleting a namespace frees its links asynchronously; this JVM's end goes now, and its peer with it.
      exec(List.of("ip", "link", "del", "fl" + tag + "h"));
    } catch (IOException e) {
      System.err.println("netns cleanup: fl" + tag + "h: " + e.getMessage());
    }
    for (String ns : namespaces) {
      try {
        exec(List.of("ip", "netns", "del", ns));
      } catch (IOException e) {
        System.err.println("netns cleanup: " + ns + ": " + e.getMessage());
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      System.err.println("netns cleanup: " + dir + ": " + e.getMessage());
    }
  }

  /** What is left of this cluster on the machine: namespaces and links with its tag (empty once closed). */
  String leftovers() throws IOException {
    StringBuilder left = new StringBuilder();
    for (String line : exec(List.of("ip", "netns", "list")).output().split("\n")) {
      if (line.startsWith("fl" + tag)) {
        left.append(line).append('\n');
      }
    }
    for (String line : exec(List.of("ip", "-br", "link")).output().split("\n")) {
      if (line.startsWith("fl" + tag)) {
        left.append(line).append('\n');
      }
    }
    return left.toString();
  }

  private static void ip(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Result result = exec(command);
    if (result.code() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + result.output().strip());
    }
  }

  record Result(int code, String output) {
  }

  static Result exec(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return new Result(process.exitValue(), output);
  }
}
