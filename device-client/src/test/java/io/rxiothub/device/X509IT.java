// X.509 client-certificate authentication against embedded HiveMQ CE with a TLS listener that requires
// client certificates (the hub emulator does not request them).
package io.rxiothub.device;

import static io.rxiothub.device.TestCertificates.certificate;
import static io.rxiothub.device.TestCertificates.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.embedded.EmbeddedHiveMQ;
import io.rxiothub.testing.NoLeaksExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NoLeaksExtension.class)
class X509IT {

  static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir
  static Path dir;

  static EmbeddedHiveMQ broker;
  static int port;
  static KeyPair caKeys;
  static X509Certificate ca;

  static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }

  static Path store(String name, KeyStore ks) throws Exception {
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      ks.store(out, PASSWORD);
    }
    return file;
  }

  @BeforeAll
  static void startBroker() throws Exception {
    caKeys = keys();
    ca = certificate("CN=test CA", caKeys, "CN=test CA", caKeys, true);
    KeyPair serverKeys = keys();
    X509Certificate server = certificate("CN=localhost", serverKeys, "CN=test CA", caKeys, false,
        "localhost", "127.0.0.1");
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, null);
    keyStore.setKeyEntry("server", serverKeys.getPrivate(), PASSWORD,
        new X509Certificate[] {server, ca});
    KeyStore trustStore = KeyStore.getInstance("PKCS12");
    trustStore.load(null, null);
    trustStore.setCertificateEntry("ca", ca);
    Path keyFile = store("server.p12", keyStore);
    Path trustFile = store("trust.p12", trustStore);
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(conf.resolve("config.xml"), """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
            <tls-tcp-listener>
              <port>%d</port>
              <bind-address>127.0.0.1</bind-address>
              <tls>
                <keystore>
                  <path>%s</path>
                  <password>changeit</password>
                  <private-key-password>changeit</private-key-password>
                </keystore>
                <truststore>
                  <path>%s</path>
                  <password>changeit</password>
                </truststore>
                <client-authentication-mode>REQUIRED</client-authentication-mode>
              </tls>
            </tls-tcp-listener>
          </listeners>
        </hivemq>
        """.formatted(port, keyFile, trustFile), StandardCharsets.UTF_8);
    broker = EmbeddedHiveMQ.builder()
        .withConfigurationFolder(conf)
        .withDataFolder(Files.createDirectories(dir.resolve("data")))
        .withExtensionsFolder(Files.createDirectories(dir.resolve("extensions")))
        .withoutLoggingBootstrap()
        .build();
    broker.start().get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  DeviceClient.Builder x509Device(String deviceId) {
    return DeviceClient.builder()
        .connectionString("HostName=localhost;DeviceId=" + deviceId + ";x509=true")
        .port(port)
        .trustedCertificates(ca)
        .reconnectBackoff(10, 50);
  }

  @Test
  @Timeout(60)
  void connectsAndSendsWithAClientCertificateFromPem() throws Exception {
    KeyPair deviceKeys = keys();
    X509Certificate device = certificate("CN=x509-dev", deviceKeys, "CN=test CA", caKeys, false);
    try (DeviceClient client = x509Device("x509-dev")
        .clientCertificatePem(pem(device) + pem(ca),
            pem(new JcaPKCS8Generator(deviceKeys.getPrivate(), null)))
        .build()) {
      client.connect().blockingAwait(30, TimeUnit.SECONDS);
      client.send(Message.builder().messageId("x509").build()).blockingAwait(30, TimeUnit.SECONDS);
      assertThat(client.connectionState().status()).isEqualTo(ConnectionState.Status.CONNECTED);
    }
  }

  @Test
  @Timeout(60)
  void aCertificateTheServerDoesNotTrustCannotConnect() throws Exception {
    KeyPair otherCaKeys = keys();
    KeyPair deviceKeys = keys();
    X509Certificate stranger = certificate("CN=x509-stranger", deviceKeys, "CN=other CA",
        otherCaKeys, false);
    try (DeviceClient client = x509Device("x509-stranger")
        .clientCertificate(deviceKeys.getPrivate(), stranger)
        .reconnectGiveUpMillis(0)
        .build()) {
      assertThatThrownBy(() -> client.connect().blockingAwait(30, TimeUnit.SECONDS))
          .isInstanceOf(IotHubConnectionException.class)
          .hasRootCauseInstanceOf(javax.net.ssl.SSLException.class);
      assertThat(client.connectionState().reason()).isEqualTo(ConnectionState.Reason.RETRY_EXPIRED);
    }
  }
}
