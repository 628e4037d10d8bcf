package io.rxiothub.device.internal;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The workload client's failures against a raw loopback socket that misbehaves: no answer in time, an answer that is
 * not what the workload API sends. Each names the workload URI and the request, never the data signed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WorkloadClientTest {

  /** Serves one connection with {@code behaviour}, then closes. */
  private static ServerSocket serve(Consumer<Socket> behaviour) throws IOException {
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread thread = new Thread(() -> {
      try (Socket s = server.accept()) {
        behaviour.accept(s);
      } catch (IOException e) {
        // the client went away
      }
    }, "workload-test-server");
    thread.setDaemon(true);
    thread.start();
    return server;
  }

  private static void answer(Socket s, String status, String body) {
    try {
      InputStream in = s.getInputStream();
      byte[] buffer = new byte[8192];
      in.read(buffer); // the request (small); its content does not matter here
      OutputStream out = s.getOutputStream();
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aWorkloadApiThatDoesNotAnswerInTimeFailsTheSignNamingItAndTheTimeOut() throws Exception {
    try (ServerSocket server = serve(s -> {
      try {
        Thread.sleep(5_000); // accepts, reads nothing, answers nothing
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    })) {
      WorkloadClient client = new WorkloadClient("http://127.0.0.1:" + server.getLocalPort() + "/", "2018-06-28", 300);
      assertThatIllegalStateException().isThrownBy(() -> client.sign("m", "1", "secret-data-to-sign"))
          .withMessageContaining("the IoT Edge workload API at http://127.0.0.1:" + server.getLocalPort())
          .withMessageContaining("POST /modules/m/genid/1/sign").withMessageContaining("could not be reached")
          .withMessageContaining("timed out").withMessageNotContaining("secret-data-to-sign");
    }
  }

  @Test
  void aServerErrorIsReportedWithItsStatusAndMessage() throws Exception {
    try (ServerSocket server = serve(s -> answer(s, "503 Service Unavailable", "{\"message\":\"keyd restarting\"}"))) {
      WorkloadClient client = new WorkloadClient("http://127.0.0.1:" + server.getLocalPort(), "2018-06-28", 5_000);
      assertThatIllegalStateException().isThrownBy(() -> client.sign("m", "1", "data"))
          .withMessageContaining("answered 503: keyd restarting");
    }
  }

  @Test
  void aDigestThatIsNotAnHmacSha256IsRefused() throws Exception {
    try (ServerSocket server = serve(s -> answer(s, "200 OK", "{\"digest\":\"c2hvcnQ=\"}"))) {
      WorkloadClient client = new WorkloadClient("http://127.0.0.1:" + server.getLocalPort(), "2018-06-28", 5_000);
      assertThatIllegalStateException().isThrownBy(() -> client.sign("m", "1", "data"))
          .withMessageContaining("not a base64 HMAC-SHA256 value");
    }
  }

  @Test
  void anAnswerWithoutTheFieldIsRefusedNamingTheField() throws Exception {
    try (ServerSocket server = serve(s -> answer(s, "200 OK", "{\"certificates\":[]}"))) {
      WorkloadClient client = new WorkloadClient("http://127.0.0.1:" + server.getLocalPort(), "2018-06-28", 5_000);
      assertThatIllegalStateException().isThrownBy(client::trustBundle)
          .withMessageContaining("without a JSON string field 'certificate'");
    }
  }
}
