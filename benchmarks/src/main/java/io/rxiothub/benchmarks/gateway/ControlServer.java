// The one-line control socket the gateway benchmark's hub and gateway JVMs serve (HubProcess speaks to it).
package io.rxiothub.benchmarks.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** Prints {@code READY <port> <controlPort> <file>}, then answers one line per command until {@code quit}. */
final class ControlServer {

  private ControlServer() {}

  /**
   * Serves {@code handler} (a command's words to its reply: {@code OK ...} or {@code ERR ...}); {@code quit}
   * runs {@code onQuit} and ends the JVM.
   */
  static void serve(int port, String file, Function<String[], String> handler, Runnable onQuit) throws IOException {
    try (ServerSocket control = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      System.out.println("READY " + port + " " + control.getLocalPort() + " " + file);
      System.out.flush();
      while (true) {
        Socket socket = control.accept();
        Thread t = new Thread(() -> session(socket, handler, onQuit), "bench-control");
        t.setDaemon(true);
        t.start();
      }
    }
  }

  private static void session(Socket socket, Function<String[], String> handler, Runnable onQuit) {
    try (socket;
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        String[] words = line.trim().split(" ");
        if ("quit".equals(words[0])) {
          out.println("BYE");
          onQuit.run();
          System.exit(0);
        }
        String reply;
        try {
          reply = handler.apply(words);
        } catch (RuntimeException e) {
          reply = "ERR " + e;
        }
        out.println(reply);
      }
    } catch (IOException e) {
      System.err.println("control connection ended: " + e);
    }
  }
}
