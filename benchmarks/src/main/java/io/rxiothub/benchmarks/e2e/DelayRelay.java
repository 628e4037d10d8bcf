// A loopback TCP relay that delays every byte by a fixed time in each direction, without limiting throughput.
package io.rxiothub.benchmarks.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Listens on a free loopback port and relays each accepted connection to {@code 127.0.0.1:targetPort}, holding
 * every chunk it reads for {@code delay} before writing it on: a round trip through the relay takes twice the
 * delay, as over a network with that one-way latency. It stands in for {@code tc netem}, which this machine's
 * kernel lacks (benchmarks/RESULTS.md §15). The bytes pass unchanged (TLS ends at the client and the emulator).
 *
 * <p>Each direction of a connection has a reader thread, which reads as fast as data comes and stamps each chunk
 * with its due time, and a writer thread, which writes each chunk once it is due: the delay shifts the stream in
 * time and does not throttle it (the queue between them is unbounded; at 10 MB/s and 10 ms it holds about
 * 100 KB). The writer wakes within about 0.1 ms of the due time on an idle machine, later under load; it never
 * writes early. Both sockets have TCP_NODELAY, so nothing waits for more data in the kernel either.
 */
public final class DelayRelay implements AutoCloseable {

  private static final byte[] END = new byte[0];

  private final ServerSocket server;
  private final int targetPort;
  private final long delayNanos;
  private final AtomicLong relayedBytes = new AtomicLong();
  /** Reads (chunks) from the clients and from the server: bytes per read show how the peers batch writes. */
  private final AtomicLong readsUp = new AtomicLong();
  private final AtomicLong readsDown = new AtomicLong();
  private final AtomicLong bytesUp = new AtomicLong();
  private final AtomicLong bytesDown = new AtomicLong();
  private volatile boolean closed;

  private DelayRelay(int targetPort, long delayNanos) throws IOException {
    this.targetPort = targetPort;
    this.delayNanos = delayNanos;
    this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "delay-relay-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** Starts a relay to {@code 127.0.0.1:targetPort} adding {@code delayMillis} per direction. */
  public static DelayRelay start(int targetPort, double delayMillis) throws IOException {
    if (delayMillis < 0) {
      throw new IllegalArgumentException("delayMillis must be >= 0, was " + delayMillis);
    }
    return new DelayRelay(targetPort, (long) (delayMillis * 1_000_000));
  }

  /** Returns the port clients dial. */
  public int port() {
    return server.getLocalPort();
  }

  /** Returns the bytes relayed so far, both directions. */
  public long relayedBytes() {
    return relayedBytes.get();
  }

  /**
   * Returns and resets what was read so far: {@code [reads from clients, bytes from clients, reads from the
   * server, bytes from the server]}.
   */
  public long[] takeStats() {
    return new long[] {readsUp.getAndSet(0), bytesUp.getAndSet(0), readsDown.getAndSet(0), bytesDown.getAndSet(0)};
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!closed) {
          System.err.println("delay relay: accept failed: " + e);
        }
        return;
      }
      try {
        Socket target = new Socket();
        target.setTcpNoDelay(true);
        target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        client.setTcpNoDelay(true);
        // both sockets close once both directions have ended
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger(2);
        Runnable ended = () -> {
          if (open.decrementAndGet() == 0) {
            closeQuietly(client);
            closeQuietly(target);
          }
        };
        direction(client, target, "up", ended, readsUp);
        direction(target, client, "down", ended, readsDown);
      } catch (IOException e) {
        System.err.println("delay relay: cannot reach port " + targetPort + ": " + e);
        closeQuietly(client);
      }
    }
  }

  /** Starts the reader and the writer of the bytes from {@code from} to {@code to}. */
  private void direction(Socket from, Socket to, String name, Runnable ended, AtomicLong reads) {
    LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> read(from, queue, reads), "delay-relay-" + name + "-read");
    Thread writer = new Thread(() -> {
      write(queue, to, from);
      ended.run();
    }, "delay-relay-" + name + "-write");
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  private void read(Socket from, LinkedBlockingQueue<Chunk> queue, AtomicLong reads) {
    byte[] buffer = new byte[64 * 1024];
    try {
      // not closed here: closing a socket's stream closes the socket, and the other direction may go on
      InputStream in = from.getInputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (n > 0) {
          byte[] chunk = new byte[n];
          System.arraycopy(buffer, 0, chunk, 0, n);
          reads.incrementAndGet();
          (reads == readsUp ? bytesUp : bytesDown).addAndGet(n);
          queue.add(new Chunk(chunk, System.nanoTime() + delayNanos));
        }
      }
    } catch (IOException e) {
      // the connection ended (reset or closed by the other direction): pass the end on after the delay
    }
    queue.add(new Chunk(END, System.nanoTime() + delayNanos));
  }

  private void write(LinkedBlockingQueue<Chunk> queue, Socket to, Socket from) {
    try {
      OutputStream out = to.getOutputStream();
      for (;;) {
        Chunk c = queue.take();
        long wait;
        while ((wait = c.due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        if (c.bytes == END) {
          break;
        }
        out.write(c.bytes);
        relayedBytes.addAndGet(c.bytes.length);
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(from);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** Bytes read at one time and when they may be written on. */
  private static final class Chunk {
    final byte[] bytes;
    final long due;

    Chunk(byte[] bytes, long due) {
      this.bytes = bytes;
      this.due = due;
    }
  }

  /** For a manual check: {@code DelayRelay <targetPort> <delayMs>} relays until killed. */
  public static void main(String[] a) throws Exception {
    try (DelayRelay r = start(Integer.parseInt(a[0]), Double.parseDouble(a[1]))) {
      System.out.println("relay on port " + r.port());
      TimeUnit.DAYS.sleep(1);
    }
  }
}
