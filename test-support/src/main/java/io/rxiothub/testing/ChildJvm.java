// A main class run in a child JVM on the test's own classpath, for crash tests (SIGKILL mid-stream, reopen the data
// dir) and for tests of a command-line entry point: its output read on a thread of its own (a full pipe would stall
// the child), line by line through one cursor, with every line kept for the failure message.
package io.rxiothub.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A running child JVM. {@link #nextLine}, {@link #awaitLine} and {@link #linesUntil} read its output (stdout and
 * stderr merged) in order through one cursor; {@link #output()} is everything read so far. {@link #kill()} sends
 * SIGKILL (no shutdown hook, no close) and leaves the output readable to its end; {@link #close()} kills the child
 * if it still runs.
 */
public final class ChildJvm implements AutoCloseable {

  /** Ends the line queue: the child closed its output. */
  private static final Object EOF = new Object();

  private final Process process;
  private final String name;
  private final LinkedBlockingQueue<Object> lines = new LinkedBlockingQueue<>();
  private final List<String> output = new ArrayList<>();
  private boolean ended;

  private ChildJvm(Process process, String name) {
    this.process = process;
    this.name = name;
    Thread reader = new Thread(this::read, "child-jvm-output-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Returns a builder of a child JVM running {@code main} on this JVM's classpath. */
  public static Builder builder(Class<?> main) {
    return new Builder(main.getName(), main.getSimpleName());
  }

  /**
   * Returns a builder of a child JVM running the class named {@code mainClass}, for a main class this JVM does not
   * have (another project's, e.g. an official SDK's harness): give its {@link Builder#classpath}.
   */
  public static Builder builder(String mainClass) {
    return new Builder(mainClass, mainClass.substring(mainClass.lastIndexOf('.') + 1));
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        synchronized (output) {
          output.add(line);
        }
        lines.add(line);
      }
    } catch (IOException e) {
      // the child is gone: its output ends here
    }
    lines.add(EOF);
  }

  /** Returns the child's process id. */
  public long pid() {
    return process.pid();
  }

  /** Returns the underlying process. */
  public Process process() {
    return process;
  }

  /**
   * Returns the child's next line of output, or null once its output has ended; fails if no line comes within
   * {@code timeout}.
   */
  public @Nullable String nextLine(Duration timeout) throws InterruptedException {
    if (ended) {
      return null;
    }
    Object line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (line == null) {
      throw new AssertionError(name + " printed nothing for " + timeout + "; its output so far:\n" + outputText());
    }
    if (line == EOF) {
      ended = true;
      return null;
    }
    return (String) line;
  }

  /**
   * Reads up to and including the first line that {@code matches}, and returns it; fails, with the child's output,
   * if the output ends first or the line does not come within {@code timeout}.
   */
  public String awaitLine(Predicate<String> matches, Duration timeout) throws InterruptedException {
    List<String> read = readUntil(matches, timeout);
    return read.get(read.size() - 1);
  }

  /** {@link #awaitLine(Predicate, Duration)} for the first line starting with {@code prefix}. */
  public String awaitLine(String prefix, Duration timeout) throws InterruptedException {
    return awaitLine(line -> line.startsWith(prefix), timeout);
  }

  /** Reads and returns the lines up to and including the first one containing {@code marker}. */
  public List<String> linesUntil(String marker, Duration timeout) throws InterruptedException {
    return readUntil(line -> line.contains(marker), timeout);
  }

  private List<String> readUntil(Predicate<String> matches, Duration timeout) throws InterruptedException {
    List<String> read = new ArrayList<>();
    if (ended) {
      throw new AssertionError(name + " ended its output (exit " + exitText() + ") before the awaited line:\n"
          + outputText());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (;;) {
      long left = deadline - System.nanoTime();
      Object line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError(name + " did not print the awaited line within " + timeout
            + "; its output so far:\n" + outputText());
      }
      if (line == EOF) {
        ended = true;
        throw new AssertionError(name + " ended its output (exit " + exitText() + ") before the awaited line:\n"
            + outputText());
      }
      read.add((String) line);
      if (matches.test((String) line)) {
        return read;
      }
    }
  }

  /** Returns every line the child printed so far. */
  public List<String> output() {
    synchronized (output) {
      return new ArrayList<>(output);
    }
  }

  private String outputText() {
    return String.join("\n", output());
  }

  private String exitText() {
    return process.isAlive() ? "not yet" : Integer.toString(process.exitValue());
  }

  /**
   * Sends SIGKILL: no shutdown hook runs, nothing is closed or flushed. Unlike {@link Process#destroyForcibly()}
   * this leaves our end of the child's output open, so what it printed before dying can still be read.
   */
  public void kill() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(process.pid())).start();
    if (kill.waitFor() != 0 && process.isAlive()) {
      throw new AssertionError("kill -KILL " + process.pid() + " failed with exit " + kill.exitValue());
    }
  }

  /** Waits for the child to exit and returns its exit value; fails if it does not within {@code timeout}. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not exit within " + timeout + "; its output:\n" + outputText());
    }
    return process.exitValue();
  }

  /** Kills the child if it still runs and waits for it (up to 30 s). */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return "ChildJvm[" + name + ", pid " + process.pid() + "]";
  }

  /** Builds and starts a {@link ChildJvm}. */
  public static final class Builder {
    private final String main;
    private final String name;
    private String classpath = System.getProperty("java.class.path");
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();

    private Builder(String main, String name) {
      this.main = main;
      this.name = name;
    }

    /** Replaces the child's classpath (default: this JVM's), e.g. with another project's classes and jars. */
    public Builder classpath(String classpath) {
      this.classpath = classpath;
      return this;
    }

    /** Adds JVM options (e.g. {@code -Xmx256m}), before the classpath. */
    public Builder jvmOptions(String... options) {
      jvmOptions.addAll(Arrays.asList(options));
      return this;
    }

    /** Adds arguments of the main class. */
    public Builder args(String... arguments) {
      args.addAll(Arrays.asList(arguments));
      return this;
    }

    /** Sets an environment variable of the child (secrets go here rather than on its command line). */
    public Builder env(String name, String value) {
      environment.put(name, value);
      return this;
    }

    /** Sets every variable of {@code variables} in the child's environment. */
    public Builder env(Map<String, String> variables) {
      environment.putAll(variables);
      return this;
    }

    /** Starts the child JVM. */
    public ChildJvm start() throws IOException {
      Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
      List<String> command = new ArrayList<>();
      command.add(java.toString());
      command.addAll(jvmOptions);
      command.add("-cp");
      command.add(classpath);
      command.add(main);
      command.addAll(args);
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(environment);
      return new ChildJvm(builder.start(), name);
    }
  }
}
