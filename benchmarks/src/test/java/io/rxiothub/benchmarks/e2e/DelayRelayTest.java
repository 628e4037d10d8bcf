// The benchmark's delay relay: bytes pass unchanged both ways, and a round trip through it is never shorter than
// twice the delay (the relay never writes a chunk before it is due, so this lower bound holds under any load).
package io.rxiothub.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DelayRelayTest {

  /** An echo server on a free loopback port, one connection. */
  private static ServerSocket echo() throws Exception {
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
        in.transferTo(out);
      } catch (Exception e) {
        // the test ends the connection
      }
    }, "echo");
    t.setDaemon(true);
    t.start();
    return server;
  }

  @Test
  void relaysBytesUnchangedAndDelaysEachDirection() throws Exception {
    try (ServerSocket server = echo(); DelayRelay relay = DelayRelay.start(server.getLocalPort(), 40);
        Socket s = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
      byte[] sent = new byte[300_000];
      new Random(7).nextBytes(sent);
      byte[] back = new byte[sent.length];
      long t0 = System.nanoTime();
      Thread writer = new Thread(() -> {
        try {
          s.getOutputStream().write(sent);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      writer.start();
      new DataInputStream(s.getInputStream()).readFully(back);
      long rttMillis = (System.nanoTime() - t0) / 1_000_000;
      writer.join();
      assertThat(back).isEqualTo(sent);
      assertThat(rttMillis).as("round trip through a relay adding 40 ms each way").isGreaterThanOrEqualTo(80);
      assertThat(relay.relayedBytes()).isEqualTo(2L * sent.length);
    }
  }

  @Test
  void refusesANegativeDelay() {
    assertThatThrownBy(() -> DelayRelay.start(1, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delayMillis must be >= 0");
  }
}
