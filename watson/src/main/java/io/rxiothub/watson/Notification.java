// A gateway error notification (protocol.md §14.3): the JSON the platform publishes on .../notify.
package io.rxiothub.watson;

import io.rxiothub.watson.internal.Json;
import io.rxiothub.watson.internal.Timestamps;
import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A gateway notification (protocol.md §14.3): which request ({@code publish} or {@code subscribe}) on which topic
 * failed, for which device, with the return code and the error text. Parse what the platform sent with
 * {@link #parse(byte[])}; build one (the emulator does) with {@link #builder()}; {@link #toJson()} is the wire form.
 */
public final class Notification {

  /** {@code RC} when the topic matches no rule of the gateway. */
  public static final String RC_TOPIC_NOT_ALLOWED = "403";
  /** {@code RC} for an invalid device type or device id. */
  public static final String RC_INVALID_ID = "400";
  /** {@code RC} when the gateway reached its maximum number of devices. */
  public static final String RC_MAX_DEVICES_PER_GATEWAY = "429";
  /** {@code RC} when the organisation reached its maximum number of devices. */
  public static final String RC_MAX_DEVICES_PER_ORGANIZATION = "507";
  /** {@code RC} when the device could not be created (internal error). */
  public static final String RC_DEVICE_CREATION_FAILED = "500";
  /** {@code RC} for a payload over 131,072 bytes. */
  public static final String RC_PAYLOAD_TOO_LARGE = "413";
  /** {@code RC} when auto-registration is refused for now (128 pending, or the device's back-off after a failure). */
  public static final String RC_REGISTRATION_BACKED_OFF = "503";

  private static final Charset UTF_8 = Charset.forName("UTF-8");

  private final String request;
  private final String time;
  private final String topic;
  private final String typeId;
  private final String deviceId;
  private final String clientId;
  private final String rc;
  private final String message;

  private Notification(Builder b) {
    this.request = b.request;
    this.time = b.time;
    this.topic = b.topic;
    this.typeId = b.typeId;
    this.deviceId = b.deviceId;
    this.clientId = b.clientId;
    this.rc = b.rc;
    this.message = b.message;
  }

  /** Returns a new builder; every field defaults to the empty string except {@code request} ({@code publish}). */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this notification's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.request = request;
    b.time = time;
    b.topic = topic;
    b.typeId = typeId;
    b.deviceId = deviceId;
    b.clientId = clientId;
    b.rc = rc;
    b.message = message;
    return b;
  }

  /**
   * Parses a notification payload: a JSON object with the members {@code Request}, {@code Time}, {@code Topic},
   * {@code Type}, {@code Id}, {@code Client}, {@code RC} (string or integer) and {@code Message}; unknown members are
   * ignored.
   *
   * @throws IllegalArgumentException if {@code payload} is null, not a JSON object, or a member is missing or has
   *     the wrong type; the message names it
   */
  public static Notification parse(byte[] payload) {
    if (payload == null) {
      throw new IllegalArgumentException("notification payload is missing");
    }
    Map<String, Object> json = Json.parseObject(payload, "notification");
    Builder b = new Builder();
    b.request = text(json, "Request");
    if (!"publish".equals(b.request) && !"subscribe".equals(b.request)) {
      throw new IllegalArgumentException("notification member Request must be publish or subscribe");
    }
    b.time = text(json, "Time");
    b.topic = text(json, "Topic");
    b.typeId = text(json, "Type");
    b.deviceId = text(json, "Id");
    b.clientId = text(json, "Client");
    Object code = json.get("RC");
    if (code instanceof Long) {
      b.rc = Long.toString((Long) code);
    } else {
      b.rc = text(json, "RC");
    }
    b.message = text(json, "Message");
    return new Notification(b);
  }

  private static String text(Map<String, Object> json, String member) {
    Object value = json.get(member);
    if (value == null) {
      throw new IllegalArgumentException("notification member " + member + " is missing");
    }
    if (!(value instanceof String)) {
      throw new IllegalArgumentException("notification member " + member + " must be a string");
    }
    return (String) value;
  }

  /** Returns {@code publish} or {@code subscribe}. */
  public String request() {
    return request;
  }

  /** Returns the time, ISO 8601 as sent. */
  public String time() {
    return time;
  }

  /** Returns the gateway's topic that failed. */
  public String topic() {
    return topic;
  }

  /** Returns the device type from the topic (empty when it had none). */
  public String typeId() {
    return typeId;
  }

  /** Returns the device id from the topic (empty when it had none). */
  public String deviceId() {
    return deviceId;
  }

  /** Returns the gateway's client id. */
  public String clientId() {
    return clientId;
  }

  /** Returns the return code as sent (the {@code RC_*} constants list ours). */
  public String rc() {
    return rc;
  }

  /** Returns the error text. */
  public String message() {
    return message;
  }

  /** Returns the JSON wire form, members in S001's order, {@code RC} as a string. */
  public String toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("Request", request);
    json.put("Time", time);
    json.put("Topic", topic);
    json.put("Type", typeId);
    json.put("Id", deviceId);
    json.put("Client", clientId);
    json.put("RC", rc);
    json.put("Message", message);
    return Json.write(json);
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
    if (!(o instanceof Notification)) {
      return false;
    }
    Notification n = (Notification) o;
    return request.equals(n.request) && time.equals(n.time) && topic.equals(n.topic) && typeId.equals(n.typeId)
        && deviceId.equals(n.deviceId) && clientId.equals(n.clientId) && rc.equals(n.rc) && message.equals(n.message);
  }

  @Override
  public int hashCode() {
    int h = request.hashCode();
    h = 31 * h + time.hashCode();
    h = 31 * h + topic.hashCode();
    h = 31 * h + typeId.hashCode();
    h = 31 * h + deviceId.hashCode();
    h = 31 * h + clientId.hashCode();
    h = 31 * h + rc.hashCode();
    return 31 * h + message.hashCode();
  }

  @Override
  public String toString() {
    return "Notification{" + request + " " + topic + " RC " + rc + ": " + message + " (" + clientId + ", " + time + ")}";
  }

  /** Builds a {@link Notification}. */
  public static final class Builder {
    private String request = "publish";
    private String time = "";
    private String topic = "";
    private String typeId = "";
    private String deviceId = "";
    private String clientId = "";
    private String rc = "";
    private String message = "";

    private Builder() {}

    /**
     * Sets the request kind.
     *
     * @throws IllegalArgumentException unless {@code request} is {@code publish} or {@code subscribe}
     */
    public Builder request(String request) {
      if (!"publish".equals(request) && !"subscribe".equals(request)) {
        throw new IllegalArgumentException("request must be publish or subscribe");
      }
      this.request = request;
      return this;
    }

    /** Sets the time as text. @throws IllegalArgumentException if null */
    public Builder time(String time) {
      this.time = notNull("time", time);
      return this;
    }

    /** Sets the time from epoch milliseconds (ISO 8601, UTC). */
    public Builder timeMillis(long epochMillis) {
      this.time = Timestamps.iso8601(epochMillis);
      return this;
    }

    /** Sets the topic. @throws IllegalArgumentException if null */
    public Builder topic(String topic) {
      this.topic = notNull("topic", topic);
      return this;
    }

    /** Sets the device type. @throws IllegalArgumentException if null */
    public Builder typeId(String typeId) {
      this.typeId = notNull("typeId", typeId);
      return this;
    }

    /** Sets the device id. @throws IllegalArgumentException if null */
    public Builder deviceId(String deviceId) {
      this.deviceId = notNull("deviceId", deviceId);
      return this;
    }

    /** Sets the gateway's client id. @throws IllegalArgumentException if null */
    public Builder clientId(String clientId) {
      this.clientId = notNull("clientId", clientId);
      return this;
    }

    /** Sets the return code. @throws IllegalArgumentException if null */
    public Builder rc(String rc) {
      this.rc = notNull("rc", rc);
      return this;
    }

    /** Sets the error text. @throws IllegalArgumentException if null */
    public Builder message(String message) {
      this.message = notNull("message", message);
      return this;
    }

    /** Returns the notification. */
    public Notification build() {
      return new Notification(this);
    }

    private static String notNull(String name, @Nullable String value) {
      if (value == null) {
        throw new IllegalArgumentException(name + " must not be null");
      }
      return value;
    }
  }
}
