// A TLS-terminating MQTT relay on loopback that decodes every packet between a client and its hub, for printing.
package io.rxiothub.cli.wire;

import io.rxiothub.emulator.mqtt.MqttPacket;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * Listens on {@code 127.0.0.1} with its own {@link TapCertificate}; for each client connection it opens a TLS
 * connection to the hub (verifying the hub's certificate and host name with the given context), relays the bytes
 * both ways packet by packet and reports each packet, decoded, before relaying it. When either side closes, both do.
 *
 * <p>It lets the demo and {@code --wire} show what really goes over the wire: the client under observation connects
 * to {@code localhost:port()} trusting {@link #certificate()}, with its connection string unchanged (the tap
 * forwards the CONNECT as is). MQTT over TLS only; not for WebSocket. Threads: one acceptor and two per
 * connection, daemons named {@code wire-tap-*}, ended by {@link #close()}.
 */
public final class WireTap implements AutoCloseable {

  /** Receives what the tap sees; called on the tap's threads, one packet at a time per direction. */
  public interface Listener {
    /** A packet, before it is relayed. */
    void frame(WireFrame frame);

    /** A connection event (opened, closed, failed), as one line. */
    default void event(String line) {}
  }

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final String upstreamHost;
  private final int upstreamPort;
  private final SSLContext upstreamContext;
  private final Listener listener;
  private final TapCertificate certificate = TapCertificate.generate();
  private final ServerSocket server;
  private final List<WireFrame> frames = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final int instance = INSTANCES.incrementAndGet();
  private final Object signal = new Object();
  private volatile boolean closed;

  private WireTap(String upstreamHost, int upstreamPort, SSLContext upstreamContext, Listener listener)
      throws IOException {
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    this.upstreamContext = upstreamContext;
    this.listener = listener;
    this.server = certificate.serverContext().getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "wire-tap-" + instance + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Starts a tap in front of {@code host:port}.
   *
   * @param upstreamContext whom to trust as the hub (the emulator's context, or the JVM default for a real hub)
   * @throws IOException if no loopback port can be bound
   */
  public static WireTap start(String host, int port, SSLContext upstreamContext, Listener listener)
      throws IOException {
    return new WireTap(host, port, upstreamContext, listener);
  }

  /** The loopback port clients connect to. */
  public int port() {
    return server.getLocalPort();
  }

  /** The certificate clients must trust. */
  public X509Certificate certificate() {
    return certificate.certificate();
  }

  /** How many packets the tap has seen so far. */
  public int frameCount() {
    return frames.size();
  }

  /** The packets seen from index {@code from} on. */
  public List<WireFrame> framesFrom(int from) {
    List<WireFrame> all = new ArrayList<>(frames);
    return from >= all.size() ? List.of() : all.subList(from, all.size());
  }

  /**
   * Waits until a packet at index {@code from} or later matches, and returns it.
   *
   * @throws TimeoutException if none matched in time
   * @throws InterruptedException if interrupted
   */
  public WireFrame await(int from, Predicate<WireFrame> predicate, Duration timeout)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (signal) {
      while (true) {
        List<WireFrame> seen = framesFrom(from);
        for (WireFrame frame : seen) {
          if (predicate.test(frame)) {
            return frame;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException("no matching MQTT packet within " + timeout.toMillis() + " ms");
        }
        signal.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      int number = connections.incrementAndGet();
      sockets.add(client);
      Thread opener = new Thread(() -> open(client, number), "wire-tap-" + instance + "-" + number + "-up");
      opener.setDaemon(true);
      opener.start();
    }
  }

  private void open(Socket client, int number) {
    Socket upstream;
    try {
      Socket plain = new Socket();
      sockets.add(plain);
      plain.connect(new InetSocketAddress(upstreamHost, upstreamPort), 10_000);
      SSLSocket tls = (SSLSocket) upstreamContext.getSocketFactory()
          .createSocket(plain, upstreamHost, upstreamPort, true);
      SSLParameters parameters = tls.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      if (!Character.isDigit(upstreamHost.charAt(0)) && upstreamHost.indexOf(':') < 0) {
        parameters.setServerNames(List.of(new SNIHostName(upstreamHost)));
      }
      tls.setSSLParameters(parameters);
      tls.startHandshake();
      sockets.add(tls);
      upstream = tls;
    } catch (IOException | RuntimeException e) {
      listener.event("wire tap: cannot reach " + upstreamHost + ":" + upstreamPort + " over TLS: " + e);
      closeQuietly(client);
      return;
    }
    listener.event("wire tap: connection " + number + " open to " + upstreamHost + ":" + upstreamPort);
    Map<Integer, List<String>> pendingSubscriptions = new ConcurrentHashMap<>();
    Thread down = new Thread(() -> relay(upstream, client, WireFrame.Direction.TO_DEVICE, number,
        pendingSubscriptions), "wire-tap-" + instance + "-" + number + "-down");
    down.setDaemon(true);
    down.start();
    relay(client, upstream, WireFrame.Direction.TO_HUB, number, pendingSubscriptions);
  }

  private void relay(Socket from, Socket to, WireFrame.Direction direction, int number,
      Map<Integer, List<String>> pendingSubscriptions) {
    try {
      DataInputStream in = new DataInputStream(from.getInputStream());
      OutputStream out = to.getOutputStream();
      while (true) {
        int header = in.read();
        if (header < 0) {
          break;
        }
        byte[] fixedHeader = new byte[MqttPacket.MAX_FIXED_HEADER];
        fixedHeader[0] = (byte) header;
        int fixedSize = 1;
        int packetLength;
        do {
          fixedHeader[fixedSize++] = (byte) readByte(in);
          try {
            packetLength = MqttPacket.packetLength(fixedHeader, 0, fixedSize);
          } catch (IllegalArgumentException e) {
            throw new IOException("malformed MQTT remaining length");
          }
        } while (packetLength < 0);
        byte[] body = new byte[packetLength - fixedSize];
        in.readFully(body);
        List<String> subscribed = null;
        int type = (header >> 4) & 0x0F;
        WireFrame frame;
        if (type == MqttPacket.SUBACK) {
          frame = WireFrame.decode(direction, number, header, body, null);
          subscribed = pendingSubscriptions.remove(frame.packetId());
          if (subscribed != null) {
            frame = WireFrame.decode(direction, number, header, body, subscribed);
          }
        } else {
          frame = WireFrame.decode(direction, number, header, body, null);
          if (type == MqttPacket.SUBSCRIBE) {
            pendingSubscriptions.put(frame.packetId(), frame.filters());
          }
        }
        record(frame);
        out.write(fixedHeader, 0, fixedSize);
        out.write(body);
        out.flush();
      }
      listener.event("wire tap: connection " + number + " closed by the "
          + (direction == WireFrame.Direction.TO_HUB ? "device" : "hub"));
    } catch (IOException e) {
      if (!closed && !from.isClosed() && !to.isClosed()) {
        listener.event("wire tap: connection " + number + " broke: " + e.getMessage());
      }
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static int readByte(InputStream in) throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("connection closed inside an MQTT packet");
    }
    return b;
  }

  private void record(WireFrame frame) {
    frames.add(frame);
    try {
      listener.frame(frame);
    } finally {
      synchronized (signal) {
        signal.notifyAll();
      }
    }
  }

  private void closeQuietly(@Nullable Socket socket) {
    if (socket != null) {
      sockets.remove(socket);
      try {
        socket.close();
      } catch (IOException e) {
        // nothing left to do with a socket that cannot even close
      }
    }
  }

  /** Closes the listener and every relayed connection. Idempotent. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
  }
}
