// Starts and stops the embedded HiveMQ CE broker: in-memory, one loopback-only TCP listener, the hub extension.
package io.rxiothub.emulator.internal;

import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.embedded.EmbeddedHiveMQ;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One run of the embedded broker. */
public final class Broker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
  /** HiveMQ's extension services are static: starts must not overlap. */
  private static final Object START_LOCK = new Object();

  private final EmbeddedHiveMQ hivemq;
  private final ExtensionMain extension;
  private final Path workDir;
  private final int port;

  private Broker(EmbeddedHiveMQ hivemq, ExtensionMain extension, Path workDir, int port) {
    this.hivemq = hivemq;
    this.extension = extension;
    this.workDir = workDir;
    this.port = port;
  }

  /** Starts a broker for {@code core} and attaches it. */
  public static Broker start(HubCore core) {
    HubExtension extension = new HubExtension(core);
    Broker broker = start(extension, "rxiothub-hub-emulator", "rxiothub hub emulator");
    core.attach(extension);
    return broker;
  }

  /**
   * Starts a broker whose only extension is {@code extension} (the hub's, or another dialect's such as the Watson
   * organisation mode), on a free loopback port.
   */
  public static Broker start(ExtensionMain extension, String extensionId, String extensionName) {
    // IoT Hub topics start with '$'; HiveMQ refuses such PUBLISHes unless this switch is on (protocol.md §13).
    InternalConfigurations.MQTT_ALLOW_DOLLAR_TOPICS.set(true);
    RuntimeException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      Path workDir = null;
      try {
        workDir = Files.createTempDirectory("rxiothub-hub-");
        int port = freePort();
        Path config = Files.createDirectories(workDir.resolve("conf"));
        Files.writeString(config.resolve("config.xml"), configXml(port), StandardCharsets.UTF_8);
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
            .withConfigurationFolder(config)
            .withDataFolder(Files.createDirectories(workDir.resolve("data")))
            .withExtensionsFolder(Files.createDirectories(workDir.resolve("extensions")))
            .withoutLoggingBootstrap()
            .withEmbeddedExtension(EmbeddedExtension.builder()
                .withId(extensionId)
                .withName(extensionName)
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
        LOG.debug("hub emulator broker started on 127.0.0.1:{}", port);
        return new Broker(hivemq, extension, workDir, port);
      } catch (IOException e) {
        last = new UncheckedIOException("cannot prepare the embedded broker's folders", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the embedded broker", e);
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        last = new IllegalStateException("the embedded broker did not start: " + e, e);
      }
      deleteQuietly(workDir);
    }
    throw last;
  }

  /** The broker's loopback TCP port. */
  public int port() {
    return port;
  }

  /** The extension the broker runs. */
  public ExtensionMain extension() {
    return extension;
  }

  /**
   * Stops the broker in the background: client connections close at once, while HiveMQ's event loops take a
   * fixed ~4 s quiet period to wind down, which callers need not wait for (each run has its own port and folder).
   */
  @Override
  public void close() {
    Thread stopper = new Thread(() -> {
      try {
        hivemq.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | RuntimeException e) {
        LOG.warn("hub emulator: the embedded broker did not stop cleanly: {}", e.toString());
      } finally {
        deleteQuietly(workDir);
      }
    }, "hub-emulator-broker-stop");
    stopper.setDaemon(true);
    stopper.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static String configXml(int port) {
    return """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
            <tcp-listener>
              <port>%d</port>
              <bind-address>127.0.0.1</bind-address>
            </tcp-listener>
          </listeners>
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
        """.formatted(port);
  }

  static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("hub emulator: could not delete {}: {}", dir, e.toString());
    }
  }
}
