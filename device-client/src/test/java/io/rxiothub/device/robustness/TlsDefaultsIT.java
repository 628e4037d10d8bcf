// Issue 9, security defaults: hostname verification on (a certificate for another name is refused), an
// untrusted issuer is refused, TLS 1.2+ only, SNI names the host dialled, and no trust-all option.
// hub.localhost and gateway.localhost resolve to 127.0.0.1 through src/test/resources/it-hosts
// (-Djdk.net.hosts.file, set for Failsafe in the module pom).
package io.rxiothub.device.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rxiothub.device.ClientBuilder;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.IotHubConnectionException;
import io.rxiothub.device.Message;
import io.rxiothub.testing.NoLeaksExtension;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NoLeaksExtension.class)
class TlsDefaultsIT {

  static final String KEY = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=";

  @TempDir
  static Path dir;
  /** Its certificate names wrong.example and 127.0.0.1, not localhost. */
  static PlainBroker broker;

  @BeforeAll
  static void start() throws Exception {
    broker = new PlainBroker(dir, "wrong.example", "127.0.0.1");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  static DeviceClient.Builder client(String connectionString) {
    return DeviceClient.builder().connectionString(connectionString).port(broker.tlsPort)
        .reconnectGiveUpMillis(0).connectTimeoutMillis(10_000);
  }

  @Test
  @Timeout(60)
  void aCertificateForAnotherNameIsRefusedEvenFromATrustedIssuer() {
    try (DeviceClient client = client("HostName=localhost;DeviceId=tls-1;SharedAccessKey=" + KEY)
        .trustedCertificates(broker.ca).build()) {
      assertThatThrownBy(() -> client.connect().blockingAwait(30, TimeUnit.SECONDS))
          .isInstanceOf(IotHubConnectionException.class)
          .hasRootCauseInstanceOf(java.security.cert.CertificateException.class)
          .satisfies(e -> assertThat(rootCause(e).getMessage()).containsIgnoringCase("localhost"));
    }
    // Control: the same broker, certificate and trust, dialled by a name the certificate holds.
    try (DeviceClient client = client("HostName=localhost;DeviceId=tls-2;SharedAccessKey=" + KEY
        + ";GatewayHostName=127.0.0.1").trustedCertificates(broker.ca).build()) {
      client.connect().blockingAwait(30, TimeUnit.SECONDS);
      client.send(Message.builder().messageId("tls").build()).blockingAwait(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @Timeout(60)
  void aServerCertificateFromAnUntrustedIssuerIsRefusedByDefault() {
    try (DeviceClient client = client("HostName=localhost;DeviceId=tls-3;SharedAccessKey=" + KEY
        + ";GatewayHostName=127.0.0.1").build()) {
      assertThatThrownBy(() -> client.connect().blockingAwait(30, TimeUnit.SECONDS))
          .isInstanceOf(IotHubConnectionException.class)
          .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class);
      assertThat(causes(client.connectionState().error()))
          .anyMatch(c -> c instanceof SSLHandshakeException);
    }
  }

  @Test
  @Timeout(60)
  void theClientOffersOnlyTls12And13() throws Exception {
    List<Integer> versions = helloOf("HostName=localhost;DeviceId=tls-4;SharedAccessKey=" + KEY)
        .versions;
    assertThat(versions).isNotEmpty().containsOnly(0x0303, 0x0304);
  }

  @Test
  @Timeout(60)
  void sniCarriesTheHubHostName() throws Exception {
    assertThat(helloOf("HostName=hub.localhost;DeviceId=sni-1;SharedAccessKey=" + KEY).serverName)
        .isEqualTo("hub.localhost");
  }

  @Test
  @Timeout(60)
  void sniCarriesTheGatewayHostNameWhenOneIsSet() throws Exception {
    // The client dials the gateway, so the TLS server it must reach (and verify) is the gateway.
    assertThat(helloOf("HostName=hub.localhost;DeviceId=sni-2;SharedAccessKey=" + KEY
        + ";GatewayHostName=gateway.localhost").serverName).isEqualTo("gateway.localhost");
  }

  @Test
  @Timeout(60)
  void noSniIsSentWhenTheClientDialsAnIpLiteral() throws Exception {
    // RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName".
    ClientHello hello = helloOf("HostName=hub.localhost;DeviceId=sni-3;SharedAccessKey=" + KEY
        + ";GatewayHostName=127.0.0.1");
    assertThat(hello.versions).as("a ClientHello was read").isNotEmpty();
    assertThat(hello.serverName).isNull();
  }

  /** Lets a client built from {@code connectionString} dial a raw socket and returns its ClientHello. */
  static ClientHello helloOf(String connectionString) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        DeviceClient client = DeviceClient.builder().connectionString(connectionString)
            .port(server.getLocalPort()).reconnectGiveUpMillis(0).connectTimeoutMillis(5_000)
            .build()) {
      CompletableFuture<ClientHello> hello = CompletableFuture.supplyAsync(() -> {
        try (Socket s = server.accept()) {
          return readClientHello(new DataInputStream(s.getInputStream()));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      client.connect().onErrorComplete().subscribe();
      return hello.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void theBuilderHasNoOptionToTrustEverythingOrSkipHostnameVerification() {
    List<String> names = new ArrayList<>();
    for (Method m : ClientBuilder.class.getMethods()) {
      names.add(m.getName().toLowerCase(Locale.ROOT));
    }
    assertThat(names).isNotEmpty().noneMatch(n -> n.contains("trustall") || n.contains("insecure")
        || n.contains("hostnameverif") || n.contains("verifyhost") || n.contains("sslcontext"));
  }

  /** What a ClientHello offers: protocol versions, and the SNI host name (null if none). */
  static final class ClientHello {
    final List<Integer> versions = new ArrayList<>();
    String serverName;
  }

  /**
   * Reads one TLS ClientHello: the protocol versions it offers (the supported_versions extension,
   * RFC 8446 §4.2.1, when present, else the legacy client_version) and the host_name of its
   * server_name extension (RFC 6066 §3).
   */
  static ClientHello readClientHello(DataInputStream in) throws IOException {
    int contentType = in.readUnsignedByte();
    assertThat(contentType).as("a TLS handshake record").isEqualTo(22);
    in.readUnsignedShort();
    int recordLength = in.readUnsignedShort();
    byte[] record = new byte[recordLength];
    in.readFully(record);
    DataInputStream hello = new DataInputStream(new java.io.ByteArrayInputStream(record));
    assertThat(hello.readUnsignedByte()).as("ClientHello").isEqualTo(1);
    hello.skipBytes(3);
    int clientVersion = hello.readUnsignedShort();
    hello.skipBytes(32);
    hello.skipBytes(hello.readUnsignedByte());
    hello.skipBytes(hello.readUnsignedShort());
    hello.skipBytes(hello.readUnsignedByte());
    ClientHello result = new ClientHello();
    int extensionsLength = hello.available() >= 2 ? hello.readUnsignedShort() : 0;
    int read = 0;
    while (read < extensionsLength) {
      int type = hello.readUnsignedShort();
      int length = hello.readUnsignedShort();
      read += 4 + length;
      if (type == 0x002b) {
        int listLength = hello.readUnsignedByte();
        for (int i = 0; i < listLength / 2; i++) {
          result.versions.add(hello.readUnsignedShort());
        }
      } else if (type == 0x0000) {
        int listLength = hello.readUnsignedShort();
        for (int listRead = 0; listRead < listLength; ) {
          int nameType = hello.readUnsignedByte();
          byte[] name = new byte[hello.readUnsignedShort()];
          hello.readFully(name);
          listRead += 3 + name.length;
          assertThat(nameType).as("server_name type host_name").isEqualTo(0);
          assertThat(result.serverName).as("one host_name").isNull();
          result.serverName = new String(name, StandardCharsets.US_ASCII);
        }
      } else {
        hello.skipBytes(length);
      }
    }
    if (result.versions.isEmpty()) {
      result.versions.add(clientVersion);
    }
    return result;
  }

  static Throwable rootCause(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  static List<Throwable> causes(Throwable e) {
    List<Throwable> out = new ArrayList<>();
    for (Throwable c = e; c != null; c = c.getCause()) {
      out.add(c);
    }
    return out;
  }
}
