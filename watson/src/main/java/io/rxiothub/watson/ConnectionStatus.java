// A connection status message on iot-2/type/{t}/id/{d}/mon or iot-2/app/{a}/mon (protocol.md §14.7).
package io.rxiothub.watson;

import io.rxiothub.watson.internal.Json;
import io.rxiothub.watson.internal.Timestamps;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A status message the platform publishes when a device, gateway or application connects ({@code Action}
 * {@code Connect}) or its connection ends ({@code Disconnect}), protocol.md §14.7. Members as IBM's SDK reads them:
 * {@code Action}, {@code Time}, {@code ClientAddr}, {@code ClientID}, {@code Port}, {@code Protocol}, {@code User},
 * and for a disconnect {@code ConnectTime} and {@code Reason} (the emulator writes the byte and message counters
 * as 0). Build with {@link #connect} or {@link #disconnect}, read with {@link #parse(byte[])}. Immutable.
 */
public final class ConnectionStatus {

  /** {@code Action} of a connection that started. */
  public static final String CONNECT = "Connect";
  /** {@code Action} of a connection that ended. */
  public static final String DISCONNECT = "Disconnect";

  private static final Charset UTF_8 = Charset.forName("UTF-8");

  private final String action;
  private final String time;
  private final String clientId;
  private final String clientAddr;
  private final long port;
  private final String protocol;
  private final String user;
  private final String connectTime;
  private final String reason;

  private ConnectionStatus(String action, String time, String clientId, String clientAddr, long port,
      String protocol, String user, String connectTime, String reason) {
    this.action = action;
    this.time = time;
    this.clientId = clientId;
    this.clientAddr = clientAddr;
    this.port = port;
    this.protocol = protocol;
    this.user = user;
    this.connectTime = connectTime;
    this.reason = reason;
  }

  /**
   * Returns the status of a connection that started at {@code timeMillis}.
   *
   * @throws IllegalArgumentException if a text is null
   */
  public static ConnectionStatus connect(String clientId, long timeMillis, String clientAddr, int port,
      String protocol, String user) {
    return new ConnectionStatus(CONNECT, Timestamps.iso8601(timeMillis), req("clientId", clientId),
        req("clientAddr", clientAddr), port, req("protocol", protocol), req("user", user), "", "");
  }

  /**
   * Returns the status of a connection started at {@code connectMillis} that ended at {@code timeMillis}.
   *
   * @throws IllegalArgumentException if a text is null
   */
  public static ConnectionStatus disconnect(String clientId, long timeMillis, String clientAddr, int port,
      String protocol, String user, long connectMillis, String reason) {
    return new ConnectionStatus(DISCONNECT, Timestamps.iso8601(timeMillis), req("clientId", clientId),
        req("clientAddr", clientAddr), port, req("protocol", protocol), req("user", user),
        Timestamps.iso8601(connectMillis), req("reason", reason));
  }

  private static String req(String name, @Nullable String value) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    return value;
  }

  /**
   * Parses a status message: a JSON object whose members are all optional (as IBM's SDK reads them); a missing
   * text is empty, a missing {@code Port} 0.
   *
   * @throws IllegalArgumentException if {@code payload} is not one JSON object or a member has the wrong type
   */
  public static ConnectionStatus parse(byte[] payload) {
    if (payload == null) {
      throw new IllegalArgumentException("status message is missing");
    }
    Map<String, Object> json = Json.parseObject(payload, "status message");
    Object port = json.get("Port");
    if (port != null && !(port instanceof Long)) {
      throw new IllegalArgumentException("status message member Port must be an integer");
    }
    return new ConnectionStatus(text(json, "Action"), text(json, "Time"), text(json, "ClientID"),
        text(json, "ClientAddr"), port == null ? 0 : (Long) port, text(json, "Protocol"), text(json, "User"),
        text(json, "ConnectTime"), text(json, "Reason"));
  }

  private static String text(Map<String, Object> json, String name) {
    Object v = json.get(name);
    if (v == null) {
      return "";
    }
    if (!(v instanceof String)) {
      throw new IllegalArgumentException("status message member " + name + " must be a string");
    }
    return (String) v;
  }

  /** Returns {@link #CONNECT} or {@link #DISCONNECT} (or what the platform sent). */
  public String action() {
    return action;
  }

  /** Returns the time of the event, ISO 8601. */
  public String time() {
    return time;
  }

  /** Returns the client id of the connection. */
  public String clientId() {
    return clientId;
  }

  /** Returns the client's address. */
  public String clientAddr() {
    return clientAddr;
  }

  /** Returns the port the client connected to. */
  public long port() {
    return port;
  }

  /** Returns the protocol, e.g. {@code mqtt4-tls}. */
  public String protocol() {
    return protocol;
  }

  /** Returns the CONNECT user name ({@code use-token-auth} or an API key; never a token). */
  public String user() {
    return user;
  }

  /** Returns when the connection started (disconnect only; else empty). */
  public String connectTime() {
    return connectTime;
  }

  /** Returns why the connection ended (disconnect only; else empty). */
  public String reason() {
    return reason;
  }

  /** Returns the wire form (compact JSON). */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Action", action);
    m.put("Time", time);
    m.put("ClientAddr", clientAddr);
    m.put("ClientID", clientId);
    m.put("Port", port);
    m.put("Protocol", protocol);
    m.put("User", user);
    if (DISCONNECT.equals(action)) {
      m.put("ConnectTime", connectTime);
      m.put("Reason", reason);
      for (String counter : new String[] {"ReadBytes", "ReadMsg", "WriteBytes", "WriteMsg"}) {
        m.put(counter, 0L);
      }
    }
    return Json.write(m);
  }

  /** Returns {@link #toJson()} as UTF-8. */
  public byte[] toBytes() {
    return toJson().getBytes(UTF_8);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ConnectionStatus)) {
      return false;
    }
    ConnectionStatus s = (ConnectionStatus) o;
    return port == s.port && action.equals(s.action) && time.equals(s.time) && clientId.equals(s.clientId)
        && clientAddr.equals(s.clientAddr) && protocol.equals(s.protocol) && user.equals(s.user)
        && connectTime.equals(s.connectTime) && reason.equals(s.reason);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new Object[] {action, time, clientId, clientAddr, port, protocol, user, connectTime,
        reason});
  }

  @Override
  public String toString() {
    return "ConnectionStatus{" + action + " " + clientId + " at " + time + (reason.isEmpty() ? "" : ", " + reason)
        + "}";
  }
}
