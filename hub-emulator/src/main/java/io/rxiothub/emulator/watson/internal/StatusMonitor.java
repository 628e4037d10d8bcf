// Connection status messages for applications (protocol.md §14.7): Connect and Disconnect on the client's mon topic.
package io.rxiothub.emulator.watson.internal;

import io.rxiothub.watson.ClientId;
import io.rxiothub.watson.ConnectionStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/** Tracks the organisation's live connections and publishes their status. Thread-safe. */
public final class StatusMonitor {

  /** {@code Reason} of a connection the client closed with DISCONNECT. */
  public static final String CLOSED_BY_CLIENT = "The connection was closed by the client";
  /** {@code Reason} of a connection that was lost (no DISCONNECT). */
  public static final String LOST = "The connection was lost";
  /** {@code Reason} of a connection the emulator closed (takeover, fault). */
  public static final String CLOSED_BY_SERVER = "The connection was closed by the server";

  private record Live(long connectedAt, String user) {}

  private final LongSupplier clock;
  private volatile int port;
  private final Map<String, String> users = new ConcurrentHashMap<>();
  private final Map<String, Live> live = new ConcurrentHashMap<>();
  private volatile @Nullable WatsonLink link;

  /** Creates the monitor; {@code clock} gives epoch milliseconds. */
  public StatusMonitor(LongSupplier clock) {
    this.clock = clock;
  }

  /** Sets the port written as {@code Port} (the MQTT over TLS port). */
  public void port(int port) {
    this.port = port;
  }

  /** Attaches the broker (null when stopped). */
  public void attach(@Nullable WatsonLink link) {
    this.link = link;
  }

  /** A CONNECT arrived with {@code user} (not yet authenticated). */
  public void connecting(String clientId, @Nullable String user) {
    users.put(clientId, user == null ? "" : user);
  }

  /** The CONNECT was accepted: publishes {@code Connect}. */
  public void connected(String clientId) {
    String user = users.getOrDefault(clientId, "");
    long now = clock.getAsLong();
    live.put(clientId, new Live(now, user));
    publish(clientId, ConnectionStatus.connect(clientId, now, "127.0.0.1", port, "mqtt4-tls", user));
  }

  /** The connection ended: publishes {@code Disconnect} if it had been accepted. */
  public void disconnected(String clientId, String reason) {
    users.remove(clientId);
    Live was = live.remove(clientId);
    if (was != null) {
      publish(clientId, ConnectionStatus.disconnect(clientId, clock.getAsLong(), "127.0.0.1", port,
          "mqtt4-tls", was.user(), was.connectedAt(), reason));
    }
  }

  private void publish(String clientId, ConnectionStatus status) {
    WatsonLink l = link;
    ClientId id;
    try {
      id = ClientId.parse(clientId);
    } catch (IllegalArgumentException e) {
      return;
    }
    if (l == null) {
      return;
    }
    String topic = id.kind().isApplication() ? "iot-2/app/" + id.appId() + "/mon"
        : "iot-2/type/" + id.typeId() + "/id/" + id.deviceId() + "/mon";
    l.publish(topic, status.toBytes(), 0);
  }
}
