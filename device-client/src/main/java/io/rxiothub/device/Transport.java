// The transports the client speaks to the hub.
package io.rxiothub.device;

/** How the client reaches the hub. Both run MQTT 3.1.1 over TLS (1.2 or 1.3). */
public enum Transport {
  /** MQTT over TLS, default port 8883. */
  MQTT(8883),
  /**
   * MQTT over WebSocket over TLS, default port 443, path {@code /$iothub/websocket}, subprotocol
   * {@code mqtt}. The only transport that can go through an HTTP proxy.
   */
  MQTT_WS(443);

  private final int defaultPort;

  Transport(int defaultPort) {
    this.defaultPort = defaultPort;
  }

  /** Returns the port the hub listens on for this transport. */
  public int defaultPort() {
    return defaultPort;
  }
}
