package io.failoverlab.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Directories a test writes to: its output, kept under target/ to be looked at, and temporary ones it removes. */
public final class TestDirs {

  private TestDirs() {
  }

  /** {@code dir}, emptied of what an earlier run left there, and created if missing. */
  public static Path fresh(Path dir) {
    delete(dir);
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes {@code dir} and everything in it, if it exists (a browser profile, a server's working directory). */
  public static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
