// Runs one benchmark scenario in a fresh JVM and returns the RESULT line it printed.
package io.rxiothub.benchmarks.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Child-JVM launcher: same classpath, given JVM options, a main class and arguments. */
public final class Jvm {

  private Jvm() {}

  /** The java launcher of this JVM. */
  public static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /**
   * Runs {@code mainClass} with {@code args}; its stdout is echoed with a prefix, the {@code RESULT} line is parsed.
   * A scenario that fails or times out yields a map with {@code error}.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> run(List<String> jvmOptions, Class<?> mainClass, List<String> args,
      long timeoutSeconds) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(args);
    Map<String, Object> result = null;
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      Map<String, Object>[] holder = new Map[1];
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            if (line.startsWith("RESULT ")) {
              holder[0] = (Map<String, Object>) Json.parse(line.substring(7));
            } else {
              System.out.println("  | " + line);
            }
          }
        } catch (IOException ignored) {
          // process ended
        }
      }, "child-stdout");
      reader.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        reader.join(5000);
        return error(mainClass, "timed out after " + timeoutSeconds + " s");
      }
      reader.join(5000);
      result = holder[0];
      if (result == null) {
        return error(mainClass, "exited with " + p.exitValue() + " without a result");
      }
      return result;
    } catch (IOException e) {
      return error(mainClass, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return error(mainClass, "interrupted");
    }
  }

  private static Map<String, Object> error(Class<?> mainClass, String text) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", mainClass.getSimpleName() + ": " + text);
    return m;
  }
}
