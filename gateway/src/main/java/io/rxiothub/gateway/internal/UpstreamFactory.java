// Makes the upstream DeviceClient of a leaf: the leaf's own identity and key (identity translation, §18.2), the
// hub's host (or the configured dial host), the trusted CAs; it never gives up reconnecting.
package io.rxiothub.gateway.internal;

import io.rxiothub.device.ClientBuilder;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.IotHubClient;
import io.rxiothub.device.ModuleClient;
import io.rxiothub.device.OverflowPolicy;
import io.rxiothub.gateway.GatewayConfig;
import io.rxiothub.gateway.LeafDevice;
import io.rxiothub.sas.ConnectionString;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Builds the upstream clients of the leaves. Thread-safe. */
public final class UpstreamFactory {

  /** The most sends a leaf's upstream client holds unacknowledged (the forwarder's window stays below it). */
  static final int QUEUE = 1024;

  private final GatewayConfig config;
  private final X509Certificate[] trusted;
  /** The hub of each leaf provisioned through DPS (others use the configured hub). */
  private final Map<String, String> assignedHubs = new ConcurrentHashMap<>();

  /** Creates the factory of {@code config}'s upstream clients. */
  public UpstreamFactory(GatewayConfig config) {
    this.config = config;
    Path ca = config.hubCaFile();
    this.trusted = ca == null ? new X509Certificate[0] : certificates(ca);
  }

  /** Sets the hub DPS assigned leaf {@code deviceId} to. */
  void assign(String deviceId, String hub) {
    assignedHubs.put(deviceId, hub);
  }

  /** Returns a new, unconnected client for {@code leaf}: a module client for a module identity. */
  public IotHubClient create(LeafDevice leaf) {
    ConnectionString cs = ConnectionString.builder()
        .hostName(assignedHubs.getOrDefault(leaf.clientId(), config.hubHostName()))
        .deviceId(leaf.deviceId())
        .moduleId(leaf.moduleId())
        .sharedAccessKey(leaf.key())
        .gatewayHostName(config.hubConnectHost())
        .build();
    return leaf.moduleId() != null ? options(ModuleClient.builder(), cs).build()
        : options(DeviceClient.builder(), cs).build();
  }

  /** The options every upstream client gets, device or module. */
  private <B extends ClientBuilder<B>> B options(B builder, ConnectionString cs) {
    builder.connectionString(cs)
        .port(config.hubPort())
        // device-client gives up after 240 s of failed attempts by default; a leaf's upstream never does, so that the
        // store drains whenever the hub comes back
        .reconnectGiveUpMillis(Long.MAX_VALUE)
        .reconnectBackoff(200, 10_000)
        .offlineQueue(QUEUE, OverflowPolicy.FAIL);
    if (trusted.length > 0) {
      builder.trustedCertificates(trusted);
    }
    return builder;
  }

  static X509Certificate[] certificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> out = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("hub CA file " + file + " holds no PEM certificate");
      }
      return out.toArray(new X509Certificate[0]);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the hub CA file " + file, e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("hub CA file " + file + " is not PEM certificates: " + e.getMessage(), e);
    }
  }
}
