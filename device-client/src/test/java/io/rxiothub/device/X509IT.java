// X.509 client-certificate authentication against embedded HiveMQ CE with a TLS listener that requires
// client certificates (the hub emulator's own X.509 rules: X509EmulatorIT) and, like IoT Hub, admits a client only if
// its certificate names its client id and CONNECT carries no password.
package io.rxiothub.device;

import static io.rxiothub.device.TestCertificates.certificate;
import static io.rxiothub.device.TestCertificates.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.client.parameter.ClientTlsInformation;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import io.rxiothub.testing.NoLeaksExtension;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.awaitility.Awaitility;
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
  /** What the broker received: "clientId topic" of every PUBLISH. */
  static final Queue<String> published = new ConcurrentLinkedQueue<>();

  /** IoT Hub's X.509 rule in small: the TLS client certificate's CN is the client id, no password. */
  static final class HubRules implements ExtensionMain {
    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
      Services.securityRegistry().setAuthenticatorProvider(provider -> (SimpleAuthenticator)
          (in, out) -> {
            ConnectPacket connect = in.getConnectPacket();
            Optional<X509Certificate> certificate = in.getConnectionInformation()
                .getClientTlsInformation().flatMap(ClientTlsInformation::getClientCertificate);
            boolean matches = certificate.isPresent() && certificate.get().getSubjectX500Principal()
                .getName().equals("CN=" + connect.getClientId());
            if (matches && connect.getPassword().isEmpty()) {
              out.authenticateSuccessfully();
            } else {
              out.failAuthentication(ConnackReasonCode.NOT_AUTHORIZED,
                  "the certificate does not name the client, or a password was sent");
            }
          });
      Services.initializerRegistry().setClientInitializer((init, context) ->
          context.addPublishInboundInterceptor((in, out) -> published.add(
              in.getClientInformation().getClientId() + " " + in.getPublishPacket().getTopic())));
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}
  }

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
        .withEmbeddedExtension(EmbeddedExtension.builder()
            .withId("x509-hub-rules").withName("x509 hub rules").withVersion("1")
            .withPriority(1000).withStartPriority(1000).withAuthor("rxiothub")
            .withExtensionMain(new HubRules())
            .build())
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

  /** A key manager for {@code chain} read back from a PKCS#12 file, as an application would load it. */
  static KeyManagerFactory fromPkcs12File(String name, KeyPair keys, X509Certificate... chain)
      throws Exception {
    KeyStore p12 = KeyStore.getInstance("PKCS12");
    p12.load(null, null);
    p12.setKeyEntry("device", keys.getPrivate(), PASSWORD, chain);
    Path file = store(name + ".p12", p12);
    KeyStore loaded = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      loaded.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(loaded, PASSWORD);
    return kmf;
  }

  @Test
  @Timeout(60)
  void connectsAndSendsWithAKeyManagerFactoryFromAPkcs12File() throws Exception {
    KeyPair deviceKeys = keys();
    X509Certificate device = certificate("CN=x509-p12", deviceKeys, "CN=test CA", caKeys, false);
    try (DeviceClient client = x509Device("x509-p12")
        .keyManagerFactory(fromPkcs12File("x509-p12", deviceKeys, device, ca))
        .build()) {
      client.connect().blockingAwait(30, TimeUnit.SECONDS);
      client.send(Message.builder().messageId("from-p12").build())
          .blockingAwait(30, TimeUnit.SECONDS);
      Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> published.stream().anyMatch(
          p -> p.startsWith("x509-p12 devices/x509-p12/messages/events/")
              && p.contains("mid=from-p12")));
    }
  }

  @Test
  @Timeout(60)
  void aKeyManagerFactoryWithACertificateOfAnUnknownIssuerIsRefusedInTheHandshake()
      throws Exception {
    KeyPair otherCaKeys = keys();
    KeyPair deviceKeys = keys();
    X509Certificate stranger = certificate("CN=x509-p12-stranger", deviceKeys, "CN=other CA",
        otherCaKeys, false);
    try (DeviceClient client = x509Device("x509-p12-stranger")
        .keyManagerFactory(fromPkcs12File("x509-p12-stranger", deviceKeys, stranger))
        .reconnectGiveUpMillis(0)
        .build()) {
      assertThatThrownBy(() -> client.connect().blockingAwait(30, TimeUnit.SECONDS))
          .isInstanceOf(IotHubConnectionException.class)
          .hasRootCauseInstanceOf(javax.net.ssl.SSLException.class);
      assertThat(client.connectionState().reason()).isEqualTo(ConnectionState.Reason.RETRY_EXPIRED);
    }
    assertThat(published).noneMatch(p -> p.startsWith("x509-p12-stranger "));
  }

  @Test
  @Timeout(60)
  void aKeyManagerFactoryWithAnotherDevicesCertificateIsRefusedByTheHubNotRetried()
      throws Exception {
    KeyPair deviceKeys = keys();
    X509Certificate other = certificate("CN=x509-someone-else", deviceKeys, "CN=test CA", caKeys,
        false);
    try (DeviceClient client = x509Device("x509-p12-unregistered")
        .keyManagerFactory(fromPkcs12File("x509-p12-unregistered", deviceKeys, other, ca))
        .build()) {
      assertThatThrownBy(() -> client.connect().blockingAwait(30, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(IotHubConnectionRefusedException.class, e -> {
            assertThat(e.returnCode()).isEqualTo(5);
            assertThat(e.isRetryable()).isFalse();
            // A certificate client is told about certificates, not about keys and tokens.
            assertThat(e.getMessage()).contains("certificate").doesNotContain("token");
          });
      assertThat(client.connectionState().reason()).isEqualTo(ConnectionState.Reason.REFUSED);
    }
    assertThat(published).noneMatch(p -> p.startsWith("x509-p12-unregistered "));
  }
}
