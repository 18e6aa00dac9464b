package io.failoverlab.stack.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project this code was built in, found from where its classes were loaded:
 * lab/target/failover-lab.jar or a module's target/classes, three levels below the root. The bench
 * finds the service jars there, the lab its clients directory.
 */
public final class ProjectDir {

  private ProjectDir() {
  }

  public static Path of(Class<?> anchor) {
    try {
      Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path root = location.getParent() == null || location.getParent().getParent() == null ? null
          : location.getParent().getParent().getParent();
      return root != null ? root : Path.of(".");
    } catch (Exception e) {
      return Path.of(".");
    }
  }

  /** The clients directory: FAILOVERLAB_CLIENTS_DIR, else the project's clients/, else ./clients. */
  public static Path clients(Class<?> anchor) {
    String configured = System.getenv("FAILOVERLAB_CLIENTS_DIR");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path project = of(anchor).resolve("clients");
    return Files.isDirectory(project) ? project : Path.of("clients");
  }
}
