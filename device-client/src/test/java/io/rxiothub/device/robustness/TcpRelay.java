// A loopback TCP relay in front of the hub that tests can cut (TCP reset) and restore: a network fault
// the client cannot tell from a real one.
package io.rxiothub.device.robustness;

import io.rxiothub.device.SocketRelay;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Forwards every connection on an ephemeral loopback port to {@code targetPort}. While cut, open
 * connections are reset and new ones are accepted and reset at once (so TLS never completes).
 */
final class TcpRelay implements AutoCloseable {

  private static final AtomicInteger IDS = new AtomicInteger();

  private final int targetPort;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Socket> clientSide = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private volatile boolean cut;
  private volatile boolean closed;

  TcpRelay(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread acceptor = new Thread(this::acceptLoop, "tcp-relay-accept-" + IDS.incrementAndGet());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connections accepted so far (including those reset while cut). */
  long accepted() {
    return accepted.get();
  }

  /** Client-side sockets open now. */
  int openConnections() {
    return open.size() / 2;
  }

  /** Resets every open connection and every new one until {@link #restore()}. */
  void cut() {
    cut = true;
    for (Socket s : open) {
      if (clientSide.contains(s)) {
        reset(s);
      }
    }
    for (Socket s : open) {
      reset(s);
    }
  }

  void restore() {
    cut = false;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      accepted.incrementAndGet();
      if (cut) {
        reset(client);
        continue;
      }
      try {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        clientSide.add(client);
        open.add(client);
        open.add(upstream);
        SocketRelay.start(client, upstream, "tcp-relay-pump-" + IDS.incrementAndGet(), this::end);
      } catch (IOException e) {
        reset(client);
      }
    }
  }

  /** Ends one socket of a relayed pair whose other side went away. */
  private void end(Socket s) {
    // While cut, the client must see a reset, never an orderly close (which means "the hub closed
    // the connection" to it).
    if (cut) {
      reset(s);
    } else {
      close(s);
    }
  }

  private void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // Already closed.
    }
    close(s);
  }

  private void close(Socket s) {
    open.remove(s);
    clientSide.remove(s);
    SocketRelay.closeQuietly(s);
  }

  @Override
  public void close() {
    closed = true;
    cut();
    try {
      server.close();
    } catch (IOException e) {
      // Already closed.
    }
  }
}
