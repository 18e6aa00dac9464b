package io.failoverlab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The launcher's command line: what it lists (the commands themselves are tested in their modules). */
class LabMainTest {

  @Test
  void theLabCommandListsTheDrill() {
    StringWriter out = new StringWriter();
    CommandLine lab = new CommandLine(new LabMain());
    lab.setOut(new PrintWriter(out, true));
    assertThat(lab.execute("--help")).isZero();
    assertThat(out.toString()).contains("drill");
    assertThat(lab.getSubcommands()).containsKey("drill");
  }
}
