// The gateway's embedded HiveMQ CE broker: in memory, the downstream plain and TLS listeners, the gateway extension.
package io.rxiothub.gateway.internal;

import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One run of the downstream broker. */
public final class GatewayBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayBroker.class);
  /** HiveMQ's extension services are static while a broker starts: starts must not overlap. */
  private static final Object START_LOCK = new Object();

  private final EmbeddedHiveMQ hivemq;
  private final Path workDir;
  private final int mqttPort;
  private final int tlsPort;

  private GatewayBroker(EmbeddedHiveMQ hivemq, Path workDir, int mqttPort, int tlsPort) {
    this.hivemq = hivemq;
    this.workDir = workDir;
    this.mqttPort = mqttPort;
    this.tlsPort = tlsPort;
  }

  /** Starts the broker as below, MQTT 5 clients told HiveMQ's default receive maximum (10). */
  public static GatewayBroker start(ExtensionMain extension, String bindAddress, int mqttPort, int tlsPort,
      @Nullable GatewayTls tls) {
    return start(extension, bindAddress, mqttPort, tlsPort, tls, 10);
  }

  /**
   * Starts the broker with {@code extension}: a plain listener on {@code mqttPort} and a TLS listener on
   * {@code tlsPort} with {@code tls} ({@code -1}: off, {@code 0}: a free port); MQTT 5 clients are told
   * {@code receiveMaximum} (protocol.md §18.9).
   */
  public static GatewayBroker start(ExtensionMain extension, String bindAddress, int mqttPort, int tlsPort,
      @Nullable GatewayTls tls, int receiveMaximum) {
    // IoT Hub topics start with '$'; HiveMQ refuses such PUBLISHes unless this switch is on (protocol.md §13).
    InternalConfigurations.MQTT_ALLOW_DOLLAR_TOPICS.set(true);
    Path workDir = null;
    try {
      workDir = Files.createTempDirectory("rxiothub-gateway-");
      int plain = mqttPort == 0 ? freePort(bindAddress) : mqttPort;
      int secure = tlsPort == 0 ? freePort(bindAddress) : tlsPort;
      Path config = Files.createDirectories(workDir.resolve("conf"));
      Path keyStore = null;
      if (secure > 0) {
        if (tls == null) {
          throw new IllegalArgumentException("a TLS port needs TLS material");
        }
        keyStore = config.resolve("gateway.p12");
        tls.writeKeyStore(keyStore);
      }
      Files.writeString(config.resolve("config.xml"), configXml(bindAddress, plain, secure, keyStore, receiveMaximum),
          StandardCharsets.UTF_8);
      EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
          .withConfigurationFolder(config)
          .withDataFolder(Files.createDirectories(workDir.resolve("data")))
          .withExtensionsFolder(Files.createDirectories(workDir.resolve("extensions")))
          .withoutLoggingBootstrap()
          .withEmbeddedExtension(EmbeddedExtension.builder()
              .withId("rxiothub-gateway")
              .withName("rxiothub field gateway")
              .withVersion("1")
              .withPriority(1000)
              .withStartPriority(1000)
              .withAuthor("rxiothub")
              .withExtensionMain(extension)
              .build())
          .build();
      synchronized (START_LOCK) {
        hivemq.start().get(60, TimeUnit.SECONDS);
      }
      if (secure > 0) {
        ListenerTlsSessions.apply(hivemq); // no session tickets for the leaves: ~1.3 KB less heap per leaf
      }
      LOG.info("gateway broker listening on {} (mqtt {}, tls {})", bindAddress, plain, secure);
      return new GatewayBroker(hivemq, workDir, plain, secure);
    } catch (IOException e) {
      deleteQuietly(workDir);
      throw new UncheckedIOException("cannot prepare the gateway broker's folders", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      deleteQuietly(workDir);
      throw new IllegalStateException("interrupted while starting the gateway broker", e);
    } catch (ExecutionException | TimeoutException e) {
      deleteQuietly(workDir);
      throw new IllegalStateException("the gateway broker did not start (is a port taken? mqtt " + mqttPort
          + ", tls " + tlsPort + "): " + e.getCause(), e);
    }
  }

  /** The plain MQTT port, or -1. */
  public int mqttPort() {
    return mqttPort;
  }

  /** The MQTT over TLS port, or -1. */
  public int tlsPort() {
    return tlsPort;
  }

  /**
   * Stops the broker in the background: leaf connections close at once, while HiveMQ's event loops take a fixed
   * ~4 s quiet period to wind down, which callers need not wait for.
   */
  @Override
  public void close() {
    Thread stopper = new Thread(() -> {
      try {
        hivemq.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | RuntimeException e) {
        LOG.warn("gateway: the embedded broker did not stop cleanly: {}", e.toString());
      } finally {
        deleteQuietly(workDir);
      }
    }, "rxiothub-gateway-broker-stop");
    stopper.setDaemon(false);
    stopper.start();
  }

  private static int freePort(String bindAddress) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(bindAddress))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static String configXml(String bind, int plain, int secure, @Nullable Path keyStore,
      int receiveMaximum) {
    StringBuilder listeners = new StringBuilder();
    if (plain > 0) {
      listeners.append("""
              <tcp-listener>
                <port>%d</port>
                <bind-address>%s</bind-address>
              </tcp-listener>
          """.formatted(plain, bind));
    }
    if (secure > 0 && keyStore != null) {
      listeners.append("""
              <tls-tcp-listener>
                <port>%d</port>
                <bind-address>%s</bind-address>
                <tls>
                  <keystore>
                    <path>%s</path>
                    <password>%s</password>
                    <private-key-password>%s</private-key-password>
                  </keystore>
                  <client-authentication-mode>NONE</client-authentication-mode>
                </tls>
              </tls-tcp-listener>
          """.formatted(secure, bind, keyStore.toAbsolutePath(), GatewayTls.STORE_PASSWORD,
          GatewayTls.STORE_PASSWORD));
    }
    return """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
        %s  </listeners>
          <mqtt>
            <packets>
              <max-packet-size>1048576</max-packet-size>
            </packets>
            <quality-of-service>
              <max-qos>1</max-qos>
            </quality-of-service>
            <queued-messages>
              <max-queue-size>1000</max-queue-size>
            </queued-messages>
            <receive-maximum>
              <server-receive-maximum>%d</server-receive-maximum>
            </receive-maximum>
          </mqtt>
          <persistence>
            <mode>in-memory</mode>
          </persistence>
          <anonymous-usage-statistics>
            <enabled>false</enabled>
          </anonymous-usage-statistics>
          <general>
            <update-check-enabled>false</update-check-enabled>
          </general>
        </hivemq>
        """.formatted(listeners, receiveMaximum);
  }

  static void deleteQuietly(@Nullable Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("gateway: could not delete {}: {}", dir, e.toString());
    }
  }
}
