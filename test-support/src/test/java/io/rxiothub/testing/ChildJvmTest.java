// ChildJvm against real child JVMs: lines in order through one cursor, SIGKILL leaving the output readable, and
// failures that carry the child's output.
package io.rxiothub.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ChildJvmTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  /** Prints its arguments one per line, then CHILD_VALUE from its environment; waits unless the last is "exit". */
  public static final class Printer {
    public static void main(String[] args) throws InterruptedException {
      for (String arg : args) {
        System.out.println(arg);
      }
      System.out.println("env " + System.getenv("CHILD_VALUE"));
      System.out.flush();
      if (!"exit".equals(args.length > 0 ? args[args.length - 1] : "")) {
        Thread.sleep(120_000);
      }
    }
  }

  @Test
  void readsLinesInOrderAndKeepsReadingAfterSigkill() throws Exception {
    try (ChildJvm child = ChildJvm.builder(Printer.class).jvmOptions("-Xmx64m").args("one", "READY 42", "three")
        .env("CHILD_VALUE", "from-env").start()) {
      assertThat(child.awaitLine("READY ", WAIT)).isEqualTo("READY 42");
      assertThat(child.nextLine(WAIT)).isEqualTo("three");
      assertThat(child.nextLine(WAIT)).isEqualTo("env from-env");
      child.kill();
      assertThat(child.nextLine(WAIT)).as("the output ends after the kill").isNull();
      assertThat(child.nextLine(WAIT)).as("and stays ended").isNull();
      assertThat(child.awaitExit(WAIT)).as("killed by SIGKILL").isEqualTo(137);
      assertThat(child.output()).containsExactly("one", "READY 42", "three", "env from-env");
    }
  }

  @Test
  void aMainClassByNameRunsOnTheClasspathGivenAndOnlyOnIt() throws Exception {
    // the folder holding Printer, and none of this JVM's jars: what a child of another project gets
    String folder = Paths.get(Printer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    try (ChildJvm child = ChildJvm.builder(Printer.class.getName()).classpath(folder)
        .env(Map.of("CHILD_VALUE", "by-name")).args("first", "exit").start()) {
      assertThat(child.nextLine(WAIT)).isEqualTo("first");
      assertThat(child.awaitExit(WAIT)).isZero();
      assertThat(child.output()).containsExactly("first", "exit", "env by-name");
    }
    try (ChildJvm child = ChildJvm.builder(ChildJvm.class.getName()).classpath(folder).start()) {
      // on this JVM's classpath, not in that folder
      assertThat(child.awaitExit(WAIT)).isNotZero();
      assertThat(child.output()).anyMatch(line -> line.contains("Could not find or load main class "
          + ChildJvm.class.getName()));
    }
  }

  @Test
  void linesUntilReturnsEverythingUpToTheMarker() throws Exception {
    try (ChildJvm child = ChildJvm.builder(Printer.class).args("a", "b: Press Ctrl-C", "c", "exit").start()) {
      assertThat(child.linesUntil("Press Ctrl-C", WAIT)).containsExactly("a", "b: Press Ctrl-C");
      assertThat(child.awaitExit(WAIT)).isZero();
    }
  }

  @Test
  void anAwaitedLineThatNeverComesFailsWithTheChildsOutput() throws Exception {
    try (ChildJvm child = ChildJvm.builder(Printer.class).args("only line", "exit").start()) {
      assertThatThrownBy(() -> child.awaitLine("READY", WAIT)).isInstanceOf(AssertionError.class)
          .hasMessageContaining("ended its output").hasMessageContaining("only line");
      assertThatThrownBy(() -> child.awaitLine("READY", WAIT)).isInstanceOf(AssertionError.class)
          .hasMessageContaining("ended its output");
    }
  }

  @Test
  void aSilentChildFailsTheWaitAfterItsTimeout() throws Exception {
    try (ChildJvm child = ChildJvm.builder(Printer.class).start()) {
      assertThat(child.nextLine(WAIT)).isEqualTo("env null");
      assertThatThrownBy(() -> child.awaitLine("never", Duration.ofMillis(300))).isInstanceOf(AssertionError.class)
          .hasMessageContaining("did not print the awaited line within");
    }
    // close() killed it
  }
}
