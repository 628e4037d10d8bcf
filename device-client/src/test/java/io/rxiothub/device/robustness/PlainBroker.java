// An embedded HiveMQ CE with a TLS listener for the client and a plain one for a raw "hub" publisher: lets
// tests send what the hub emulator's rules would never let through.
package io.rxiothub.device.robustness;

import static io.rxiothub.device.TestCertificates.certificate;
import static io.rxiothub.device.TestCertificates.keys;

import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.OutputStream;
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

/** A broker with no rules (any client may publish anywhere); started on construction. */
final class PlainBroker implements AutoCloseable {

  private static final String PASSWORD = "changeit";

  final X509Certificate ca;
  final int tlsPort;
  final int plainPort;
  private final EmbeddedHiveMQ broker;

  /** Starts the broker; its certificate names {@code serverNames} (DNS names, or IPv4 addresses). */
  PlainBroker(Path dir, String... serverNames) throws Exception {
    KeyPair caKeys = keys();
    ca = certificate("CN=robustness CA", caKeys, "CN=robustness CA", caKeys, true);
    KeyPair serverKeys = keys();
    X509Certificate server = certificate("CN=" + serverNames[0], serverKeys, "CN=robustness CA",
        caKeys, false, serverNames);
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, null);
    keyStore.setKeyEntry("server", serverKeys.getPrivate(), PASSWORD.toCharArray(),
        new X509Certificate[] {server, ca});
    Path keyFile = dir.resolve("server.p12");
    try (OutputStream out = Files.newOutputStream(keyFile)) {
      keyStore.store(out, PASSWORD.toCharArray());
    }
    tlsPort = freePort();
    plainPort = freePort();
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(conf.resolve("config.xml"), """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
            <tcp-listener>
              <port>%d</port>
              <bind-address>127.0.0.1</bind-address>
            </tcp-listener>
            <tls-tcp-listener>
              <port>%d</port>
              <bind-address>127.0.0.1</bind-address>
              <tls>
                <keystore>
                  <path>%s</path>
                  <password>%s</password>
                  <private-key-password>%s</private-key-password>
                </keystore>
              </tls>
            </tls-tcp-listener>
          </listeners>
        </hivemq>
        """.formatted(plainPort, tlsPort, keyFile, PASSWORD, PASSWORD), StandardCharsets.UTF_8);
    // IoT Hub's topics start with '$'; HiveMQ CE refuses such PUBLISHes unless told otherwise (the
    // hub emulator sets the same JVM-wide flag).
    InternalConfigurations.MQTT_ALLOW_DOLLAR_TOPICS.set(true);
    broker = EmbeddedHiveMQ.builder()
        .withConfigurationFolder(conf)
        .withDataFolder(Files.createDirectories(dir.resolve("data")))
        .withExtensionsFolder(Files.createDirectories(dir.resolve("extensions")))
        .withoutLoggingBootstrap()
        .build();
    broker.start().get(60, TimeUnit.SECONDS);
  }

  private static int freePort() throws Exception {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    broker.close();
  }
}
