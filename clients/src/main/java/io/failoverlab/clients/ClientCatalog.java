package io.failoverlab.clients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The clients the lab can measure: the Java libraries built in ({@link #JVM}), and the child-process
 * clients listed in {@code clients.conf} in the clients directory, one line each:
 * {@code name = command ...} (the command is run in that directory and speaks the line protocol).
 * Adding a client of one's own, in any language, is a script and one such line.
 */
public final class ClientCatalog {

  public static final String CONF = "clients.conf";
  /** Libraries measured in this JVM, in the order reports list them. */
  public static final List<String> JVM = List.of("vertx-redis-client", "lettuce", "jedis", "redisson");

  private final Path directory;
  private final Map<String, List<String>> commands;

  private ClientCatalog(Path directory, Map<String, List<String>> commands) {
    this.directory = directory;
    this.commands = commands;
  }

  /** Reads {@code directory/clients.conf}; a missing file means no child clients. A bad line is an error naming it. */
  public static ClientCatalog load(Path directory) {
    Path conf = directory.resolve(CONF);
    Map<String, List<String>> commands = new LinkedHashMap<>();
    if (Files.isRegularFile(conf)) {
      List<String> lines;
      try {
        lines = Files.readAllLines(conf, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + conf + ": " + e.getMessage(), e);
      }
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int equals = line.indexOf('=');
        String name = equals < 0 ? "" : line.substring(0, equals).strip();
        String command = equals < 0 ? "" : line.substring(equals + 1).strip();
        if (name.isEmpty() || command.isEmpty()) {
          throw new IllegalArgumentException(conf + " line " + (i + 1) + ": expected 'name = command', got '" + line + "'");
        }
        try {
          new ClientSpec(name, ClientSpec.DEFAULT);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(conf + " line " + (i + 1) + ": " + e.getMessage(), e);
        }
        if (JVM.contains(name) || commands.containsKey(name)) {
          throw new IllegalArgumentException(conf + " line " + (i + 1) + ": client '" + name + "' is defined twice");
        }
        commands.put(name, List.of(command.split("\\s+")));
      }
    }
    return new ClientCatalog(directory, commands);
  }

  public Path directory() {
    return directory;
  }

  /** Every client known here: the Java libraries, then the child clients in file order. */
  public List<String> libraries() {
    List<String> all = new ArrayList<>(JVM);
    all.addAll(commands.keySet());
    return all;
  }

  public boolean inJvm(String library) {
    return JVM.contains(library);
  }

  /** The command that runs a child client. */
  public List<String> command(String library) {
    List<String> command = commands.get(library);
    if (command == null) {
      throw new IllegalArgumentException("'" + library + "' is not a child client of " + directory.resolve(CONF));
    }
    return command;
  }

  /**
   * "all" (every client in both configurations), or a comma-separated list of {@code name} or
   * {@code name:config}. An unknown name or configuration is an IllegalArgumentException naming it.
   */
  public List<ClientSpec> parse(String list) {
    Set<ClientSpec> specs = new LinkedHashSet<>();
    for (String item : Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()) {
      if (item.equalsIgnoreCase("all")) {
        for (String library : libraries()) {
          specs.add(new ClientSpec(library, ClientSpec.DEFAULT));
          specs.add(new ClientSpec(library, ClientSpec.TUNED));
        }
        continue;
      }
      ClientSpec spec = ClientSpec.parse(item);
      if (!libraries().contains(spec.library())) {
        throw new IllegalArgumentException("unknown client '" + spec.library() + "' (known: "
            + String.join(", ", libraries()) + "; add one in " + directory.resolve(CONF) + ")");
      }
      specs.add(spec);
    }
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("no client named (e.g. lettuce,redis-py:tuned or all)");
    }
    return List.copyOf(specs);
  }
}
