// A running field gateway (protocol.md §18): start it from a configuration, read its ports and CA, close it.
package io.rxiothub.gateway;

import io.rxiothub.gateway.internal.GatewayRuntime;
import org.jspecify.annotations.Nullable;

/**
 * A running field gateway: leaves connect to its broker as to IoT Hub through a transparent gateway; their
 * telemetry is stored before its PUBACK and forwarded upstream in order per leaf, each leaf on its own upstream
 * connection; twin, methods and cloud-to-device messages are carried both ways. Thread-safe.
 *
 * <pre>{@code
 * try (Gateway gateway = Gateway.start(GatewayConfigFile.read(Path.of("gateway.yaml")))) {
 *   ...
 * }
 * }</pre>
 */
public final class Gateway implements AutoCloseable {

  private final GatewayRuntime runtime;

  private Gateway(GatewayRuntime runtime) {
    this.runtime = runtime;
  }

  /**
   * Starts a gateway: opens its store (what an earlier run left there is forwarded), starts its broker and its
   * metrics endpoint.
   *
   * @throws IllegalArgumentException if {@code config} is null, or its TLS or CA files cannot be used
   * @throws IllegalStateException if the broker does not start (a port taken) or the store cannot be opened
   */
  public static Gateway start(GatewayConfig config) {
    if (config == null) {
      throw new IllegalArgumentException("config must not be null");
    }
    return new Gateway(GatewayRuntime.start(config));
  }

  /** Returns the plain MQTT port, or -1 when off. */
  public int mqttPort() {
    return runtime.mqttPort();
  }

  /** Returns the MQTT over TLS port, or -1 when off. */
  public int tlsPort() {
    return runtime.tlsPort();
  }

  /** Returns the port of the metrics and health endpoint, or -1 when off. */
  public int metricsPort() {
    return runtime.metricsPort();
  }

  /** Returns the PEM of the CA the leaves should trust for the TLS listener, or null without one. */
  public @Nullable String caCertificatePem() {
    return runtime.caCertificatePem();
  }

  /** Returns the metrics now, in the Prometheus text format (what {@code GET /metrics} serves). */
  public String metrics() {
    return runtime.metricsText();
  }

  /** Returns the number of telemetry messages stored and not yet acknowledged by the cloud. */
  public long queuedMessages() {
    return runtime.queued();
  }

  /**
   * Stops the gateway gracefully: leaves are disconnected, the upstream acknowledgements in flight are awaited up
   * to the configured drain time, and what the cloud has not acknowledged stays in the store for the next start.
   */
  @Override
  public void close() {
    runtime.close();
  }

  @Override
  public String toString() {
    return "Gateway{mqtt=" + mqttPort() + ", tls=" + tlsPort() + ", metrics=" + metricsPort() + "}";
  }
}
