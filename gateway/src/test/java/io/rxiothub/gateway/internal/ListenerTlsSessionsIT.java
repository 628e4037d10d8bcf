// The leaf listener sends no TLS session tickets (ListenerTlsSessions): a JDK TLS 1.3 client gets none from the
// gateway's broker, while the same probe gets one from a JDK server with the default settings.
package io.rxiothub.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ListenerTlsSessionsIT {

  /** An MQTT 3.1.1 CONNECT of client id "probe", no credentials: the gateway answers it with a refusal. */
  private static final byte[] CONNECT = {0x10, 17, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 30, 0, 5, 'p', 'r', 'o', 'b',
      'e'};

  @TempDir
  Path dir;

  @Test
  void theLeafListenerSendsNoSessionTicket() throws Exception {
    GatewayTls tls = GatewayTls.generated(dir.resolve("tls"), "localhost", Instant.now());
    GatewayBroker broker = GatewayBroker.start(new NoExtension(), "127.0.0.1", -1, 0, tls);
    try {
      assertThat(ticketsAfterConnect(broker.tlsPort(), tls)).isZero();
    } finally {
      broker.close();
    }
  }

  @Test
  void theProbeSeesTheTicketOfAServerWithTheJdkDefaults() throws Exception {
    GatewayTls tls = GatewayTls.generated(dir.resolve("tls"), "localhost", Instant.now());
    Path store = dir.resolve("server.p12");
    tls.writeKeyStore(store);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, GatewayTls.STORE_PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, GatewayTls.STORE_PASSWORD.toCharArray());
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, null);
    try (SSLServerSocket socket = (SSLServerSocket) server.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread accept = new Thread(() -> {
        try (SSLSocket s = (SSLSocket) socket.accept()) {
          s.getInputStream().read(new byte[CONNECT.length]);
          s.getOutputStream().write(new byte[] {0x20, 2, 0, 5}); // CONNACK: not authorized
        } catch (IOException e) {
          // the probe's assertion tells
        }
      }, "ticket-server");
      accept.start();
      assertThat(ticketsAfterConnect(socket.getLocalPort(), tls)).isOne(); // JDK 17 sends one ticket by default
      accept.join(10_000);
    }
  }

  /**
   * Makes a TLS 1.3 connection trusting {@code tls}'s CA, sends CONNECT and reads the answer (a ticket comes right
   * after the handshake, so it is read first), then counts the tickets the client keeps: the JDK client caches the
   * connection's own session at the end of the handshake and one more session for each ticket it receives.
   */
  private static int ticketsAfterConnect(int port, GatewayTls tls) throws Exception {
    X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(tls.caCertificatePem().getBytes(StandardCharsets.US_ASCII)));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("gateway-ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);
    try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("localhost", port)) {
      s.setEnabledProtocols(new String[] {"TLSv1.3"});
      s.setSoTimeout(30_000);
      s.startHandshake();
      OutputStream out = s.getOutputStream();
      out.write(CONNECT);
      out.flush();
      assertThat(s.getInputStream().read()).as("the first byte of the CONNACK").isEqualTo(0x20);
    }
    return java.util.Collections.list(client.getClientSessionContext().getIds()).size() - 1;
  }

  private static final class NoExtension implements ExtensionMain {
    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {}

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}
  }
}
