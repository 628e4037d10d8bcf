// A minimal HTTP CONNECT proxy on loopback for tests: records each CONNECT target and relays bytes.
package io.rxiothub.device;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Accepts {@code CONNECT host:port}, answers 200 and pipes both directions. */
final class ConnectTunnelProxy implements AutoCloseable {

  final List<String> connects = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  ConnectTunnelProxy() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "test-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Thread t = new Thread(() -> tunnel(client), "test-proxy-tunnel");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void tunnel(Socket client) {
    try {
      InputStream in = client.getInputStream();
      String head = readHead(in);
      String requestLine = head.substring(0, head.indexOf("\r\n"));
      String[] parts = requestLine.split(" ");
      if (!parts[0].equals("CONNECT")) {
        client.getOutputStream().write(
            "HTTP/1.1 405 Method Not Allowed\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        client.close();
        return;
      }
      connects.add(parts[1]);
      int colon = parts[1].lastIndexOf(':');
      Socket upstream = new Socket(InetAddress.getLoopbackAddress(),
          Integer.parseInt(parts[1].substring(colon + 1)));
      sockets.add(upstream);
      client.getOutputStream().write(
          "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      SocketRelay.start(client, upstream, "test-proxy-pipe", SocketRelay::closeQuietly);
    } catch (IOException | RuntimeException e) {
      SocketRelay.closeQuietly(client);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the end of the request head");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      SocketRelay.closeQuietly(s);
    }
  }
}
