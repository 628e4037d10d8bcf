// The Watson IoT emulator as a separate benchmark process, driven by one-line commands over a loopback socket.
package io.rxiothub.benchmarks.e2e;

import io.rxiothub.emulator.watson.WatsonEmulator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code WatsonServer <orgId> <domain>}: starts the emulator's Watson organisation mode (MQTT over TLS on a free
 * port, no events retained: the benchmark only counts them), writes its CA as a PKCS12 trust store (password
 * {@value #TRUST_PASSWORD}), prints {@code READY <mqttPort> <controlPort> <trustStoreFile>} and serves commands, one
 * per line, each answered by one line: {@code gateway <typeId> <deviceId>} (registers it once, answers its token),
 * {@code count} (events accepted so far), {@code cpu} (this JVM's CPU time, ns), {@code quit}.
 */
public final class WatsonServer {

  /** The password of the trust store file. */
  public static final String TRUST_PASSWORD = "rxiothub";

  private final WatsonEmulator org;
  private final java.util.Map<String, String> tokens = new java.util.concurrent.ConcurrentHashMap<>();

  private WatsonServer(WatsonEmulator org) {
    this.org = org;
  }

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws Exception {
    WatsonEmulator org = WatsonEmulator.builder().orgId(args[0]).domain(args[1]).eventRetention(0).build();
    org.start();
    Path trust = Files.createTempFile("watson-bench-ca", ".p12");
    trust.toFile().deleteOnExit();
    try (OutputStream out = Files.newOutputStream(trust)) {
      org.trustStore().store(out, TRUST_PASSWORD.toCharArray());
    }
    WatsonServer server = new WatsonServer(org);
    try (ServerSocket control = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      System.out.println("READY " + org.mqttPort() + " " + control.getLocalPort() + " " + trust);
      System.out.flush();
      while (true) {
        Socket socket = control.accept();
        Thread t = new Thread(() -> server.serve(socket), "bench-control");
        t.setDaemon(true);
        t.start();
      }
    } finally {
      org.close();
    }
  }

  private void serve(Socket socket) {
    try (socket;
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        String reply;
        try {
          reply = handle(line.trim().split(" "));
        } catch (RuntimeException e) {
          reply = "ERR " + e;
        }
        out.println(reply);
        if ("BYE".equals(reply)) {
          org.close();
          System.exit(0);
        }
      }
    } catch (java.io.IOException e) {
      System.err.println("control connection ended: " + e);
    }
  }

  private String handle(String[] c) {
    switch (c[0]) {
      case "gateway":
        // a client of a later round reconnects as the same gateway
        return "OK " + tokens.computeIfAbsent(c[1] + "/" + c[2], k -> org.registerGateway(c[1], c[2]));
      case "count":
        return "OK " + org.eventCount();
      case "cpu":
        return "OK " + Bench.processCpuNanos();
      case "stats":
        return "OK " + Bench.threads() + " " + Bench.heapAfterGc();
      case "quit":
        return "BYE";
      default:
        return "ERR unknown command " + c[0];
    }
  }
}
