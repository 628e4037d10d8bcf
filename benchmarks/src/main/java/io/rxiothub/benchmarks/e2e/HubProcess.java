// Starts a HubServer in its own JVM and sends it commands; used by the orchestrator and the client JVMs.
package io.rxiothub.benchmarks.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A connection to a HubServer's control port, and optionally the process it runs in. */
public final class HubProcess implements AutoCloseable {

  private final Process process;
  private final String host;
  private final int mqttPort;
  private final int controlPort;
  private final Path caFile;
  private final Socket socket;
  private final BufferedReader in;
  private final PrintWriter out;

  private HubProcess(Process process, String host, int mqttPort, int controlPort, Path caFile) {
    this.process = process;
    this.host = host;
    this.mqttPort = mqttPort;
    this.controlPort = controlPort;
    this.caFile = caFile;
    try {
      this.socket = new Socket(InetAddress.getLoopbackAddress(), controlPort);
      this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      this.out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@code HubServer host port} in a new JVM ({@code -Xmx1g}) and waits for READY. */
  public static HubProcess start(String host, int mqttPort, List<String> jvmOptions) throws IOException {
    return start(HubServer.class, host, List.of(host, Integer.toString(mqttPort)), jvmOptions);
  }

  /**
   * Starts {@code server} (a main class with the same control protocol, e.g. {@link WatsonServer}) with
   * {@code args} in a new JVM and waits for its {@code READY <mqttPort> <controlPort> <file>} line; clients dial
   * {@code host}.
   */
  public static HubProcess start(Class<?> server, String host, List<String> args, List<String> jvmOptions)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Jvm.java());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(server.getName());
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = r.readLine()) != null) {
      if (line.startsWith("READY ")) {
        String[] f = line.split(" ");
        Thread drain = new Thread(() -> drain(r), "hub-stdout");
        drain.setDaemon(true);
        drain.start();
        return new HubProcess(p, host, Integer.parseInt(f[1]), Integer.parseInt(f[2]), Path.of(f[3]));
      }
    }
    throw new IOException("the hub process ended before it was ready (exit " + waitFor(p) + ")");
  }

  /** Connects to a HubServer started elsewhere. */
  public static HubProcess attach(String host, int mqttPort, int controlPort, Path caFile) {
    return new HubProcess(null, host, mqttPort, controlPort, caFile);
  }

  private static void drain(BufferedReader r) {
    try {
      while (r.readLine() != null) {
        // the hub prints only its READY line; anything else is dropped
      }
    } catch (IOException ignored) {
      // process ended
    }
  }

  private static int waitFor(Process p) {
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Sends one command and returns the text after {@code OK }; throws on {@code ERR}. */
  public synchronized String command(String command) {
    out.println(command);
    try {
      String reply = in.readLine();
      if (reply == null || !reply.startsWith("OK")) {
        throw new IllegalStateException("hub command '" + command + "' failed: " + reply);
      }
      return reply.length() > 3 ? reply.substring(3) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The arguments another JVM needs to {@link #attach}. */
  public List<String> args() {
    return List.of(host, Integer.toString(mqttPort), Integer.toString(controlPort), caFile.toString());
  }

  /** The host name in connection strings. */
  public String host() {
    return host;
  }

  /** The MQTT over TLS port. */
  public int mqttPort() {
    return mqttPort;
  }

  /** The emulator CA file. */
  public Path caFile() {
    return caFile;
  }

  /** Asks the server to quit when this handle owns the process; closes the control connection. */
  @Override
  public void close() {
    try {
      if (process != null) {
        out.println("quit");
        in.readLine();
      }
      socket.close();
    } catch (IOException ignored) {
      // the server is gone already
    }
    if (process != null) {
      try {
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
