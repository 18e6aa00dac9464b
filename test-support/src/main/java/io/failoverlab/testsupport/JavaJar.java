package io.failoverlab.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A fat jar run as its users run it, {@code java -jar}, with the JDK that runs the tests. */
public final class JavaJar {

  private JavaJar() {
  }

  /** {@code java -jar jar args...}, errors merged into the output; the jar must exist (the module's package phase built it). */
  public static ProcessBuilder command(Path jar, String... args) {
    assertThat(jar).exists();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true);
  }
}
