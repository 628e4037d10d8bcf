// The byte pump of the tests' loopback relays (robustness TcpRelay, ConnectTunnelProxy): two sockets, both ways.
package io.rxiothub.device;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.function.Consumer;

/** Copies bytes between two connected sockets, one daemon thread per direction. */
public final class SocketRelay {

  private SocketRelay() {}

  /**
   * Starts copying {@code a} to {@code b} and {@code b} to {@code a}. When a direction ends (end of stream, or an I/O
   * error on either socket), {@code end} is given both sockets, so one side going away ends the other: the caller
   * decides how (an orderly close, or a reset).
   */
  public static void start(Socket a, Socket b, String threadName, Consumer<Socket> end) {
    pump(a, b, threadName, end);
    pump(b, a, threadName, end);
  }

  private static void pump(Socket from, Socket to, String threadName, Consumer<Socket> end) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // Either side went away; end both.
      } finally {
        end.accept(from);
        end.accept(to);
      }
    }, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Closes {@code socket}, ignoring that it may be closed already. */
  public static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Already closed.
    }
  }
}
