// The options of every command that connects as a device: identity, trust, transport, timeouts, wire log.
package io.rxiothub.cli;

import io.rxiothub.device.Transport;
import io.rxiothub.sas.ConnectionString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** A picocli mixin; {@link DeviceSession#connect} turns it into a connected client. */
final class DeviceOptions {

  static final String CONNECTION_STRING_ENV = "IOTHUB_DEVICE_CONNECTION_STRING";

  @Option(names = {"-c", "--connection-string"}, paramLabel = "TEXT",
      description = "Device or module connection string; default: the " + CONNECTION_STRING_ENV
          + " environment variable.")
  @Nullable String connectionString;

  @Option(names = "--edge",
      description = "Connect as the IoT Edge module of this process's IOTEDGE_* environment (as the IoT Edge runtime"
          + " or `rxiothub emulator edge env` sets it): tokens signed by its workload API, its trust bundle as the"
          + " only trust, its gateway (edgeHub) as the host; instead of -c and --ca-file.")
  boolean edge;

  /** Where --edge reads the IOTEDGE_* variables: the process's environment; tests give their own. */
  static volatile java.util.function.Supplier<java.util.Map<String, String>> environment = System::getenv;

  @Option(names = "--ca-file", paramLabel = "PATH",
      description = "Trust only the CA certificate(s) in this PEM file as the hub (the hub emulator prints its"
          + " CA file); default: the JVM's trust store, right for a real IoT Hub.")
  @Nullable Path caFile;

  @Option(names = "--transport", paramLabel = "MQTT|MQTT_WS", defaultValue = "MQTT",
      description = "MQTT over TLS (port 8883) or MQTT over WebSocket (443); default: ${DEFAULT-VALUE}.")
  Transport transport = Transport.MQTT;

  @Option(names = "--port", paramLabel = "N",
      description = "Connect to this port instead of the transport's (the emulator prints its ports).")
  @Nullable Integer port;

  @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "15",
      description = "Give up connecting after this long; default: ${DEFAULT-VALUE}.")
  long connectTimeoutSeconds = 15;

  @Option(names = "--wire",
      description = "Print every MQTT packet on stderr (through a local TLS relay; MQTT transport only).")
  boolean wire;

  @Option(names = {"-v", "--verbose"},
      description = "Print stack traces, debug logs and every MQTT packet (as --wire).")
  boolean verbose;

  ConnectionString parsedConnectionString() {
    return SasCommand.connectionString(connectionString);
  }

  /** Whether the identity is a module: --edge, or a connection string with a ModuleId. */
  boolean isModule() {
    return edge || parsedConnectionString().isModule();
  }

  boolean showWire() {
    return wire || verbose;
  }

  int effectivePort() {
    return port != null ? port : transport.defaultPort();
  }

  /** The certificates of --ca-file, or null when not given. */
  X509Certificate @Nullable [] trustedCertificates() {
    if (caFile == null) {
      return null;
    }
    return readCertificates(caFile);
  }

  static X509Certificate[] readCertificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certificates = new ArrayList<>();
      for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) certificate);
      }
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("--ca-file " + file + " holds no certificate");
      }
      return certificates.toArray(new X509Certificate[0]);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--ca-file " + file + " does not exist (a hub emulator deletes its"
          + " temporary CA file when it stops)");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --ca-file " + file + ": " + e.getMessage());
    } catch (CertificateException e) {
      throw new IllegalArgumentException("--ca-file " + file + " is not a PEM certificate file: " + e.getMessage());
    }
  }
}
