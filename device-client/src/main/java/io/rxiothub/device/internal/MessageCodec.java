// Maps Message to its telemetry topic and CloudMessage from its devicebound topic (protocol.md §4, §5).
package io.rxiothub.device.internal;

import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.IotHubProtocolException;
import io.rxiothub.device.Message;
import io.rxiothub.sas.PercentEncoding;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import org.jspecify.annotations.Nullable;

/** The telemetry and cloud-to-device codec of one identity. */
public final class MessageCodec {

  /** The hub's D2C size limit: body + system property values + application names and values (§9). */
  public static final int MAX_MESSAGE_BYTES = 256 * 1024;

  private final HubTopics topics;
  private final String deviceId;
  private final @Nullable String moduleId;

  /** Creates the codec of {@code deviceId} (and {@code moduleId} for a module identity). */
  public MessageCodec(String deviceId, @Nullable String moduleId) {
    this.topics = new HubTopics(deviceId, moduleId);
    this.deviceId = deviceId;
    this.moduleId = moduleId;
  }

  /** Returns the topics of this identity. */
  public HubTopics topics() {
    return topics;
  }

  /**
   * Returns the wire properties of {@code message} in the order the SDK sends them: system
   * properties ({@code $.mid, $.cid, $.uid, $.ct, $.ce, $.ctime, $.on, $.sub, $.cdid, $.cmid}),
   * then application properties in insertion order.
   */
  public Map<String, String> wireProperties(Message message) {
    Map<String, String> out = new LinkedHashMap<>();
    put(out, "$.mid", message.messageId());
    put(out, "$.cid", message.correlationId());
    put(out, "$.uid", message.userId());
    put(out, "$.ct", message.contentType());
    put(out, "$.ce", message.contentEncoding());
    Long ctime = message.creationTimeEpochMillis();
    if (ctime != null) {
      out.put("$.ctime", formatUtc(ctime));
    }
    put(out, "$.on", message.outputName());
    put(out, "$.sub", message.componentName());
    out.put("$.cdid", deviceId);
    put(out, "$.cmid", moduleId);
    out.putAll(message.properties());
    return out;
  }

  /**
   * Returns the telemetry topic of {@code message}, its property bag included: the bag of
   * {@link #wireProperties}, written straight into the topic (this runs on every send).
   */
  public String telemetryTopic(Message message) {
    StringBuilder out = new StringBuilder(160);
    topics.appendTelemetryPrefix(out);
    int bagStart = out.length();
    pair(out, bagStart, "$.mid", message.messageId());
    pair(out, bagStart, "$.cid", message.correlationId());
    pair(out, bagStart, "$.uid", message.userId());
    pair(out, bagStart, "$.ct", message.contentType());
    pair(out, bagStart, "$.ce", message.contentEncoding());
    Long ctime = message.creationTimeEpochMillis();
    if (ctime != null) {
      pair(out, bagStart, "$.ctime", formatUtc(ctime));
    }
    pair(out, bagStart, "$.on", message.outputName());
    pair(out, bagStart, "$.sub", message.componentName());
    pair(out, bagStart, "$.cdid", deviceId);
    pair(out, bagStart, "$.cmid", moduleId);
    // Application names never start with "$." (Message.Builder refuses them): no clash above.
    for (Map.Entry<String, String> e : message.properties().entrySet()) {
      pair(out, bagStart, e.getKey(), e.getValue());
    }
    return out.toString();
  }

  private static void pair(StringBuilder out, int bagStart, String key, @Nullable String value) {
    if (value != null) {
      if (out.length() > bagStart) {
        out.append('&');
      }
      PercentEncoding.encode(value, PercentEncoding.encode(key, out).append('='));
    }
  }

  /**
   * Returns the telemetry topic of {@code message} after checking its size.
   *
   * @throws IllegalArgumentException if the message exceeds the hub's 256 KiB limit
   */
  public String checkedTelemetryTopic(Message message) {
    int size = hubSize(message);
    if (size > MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException("message is " + size + " bytes but the hub accepts at most "
          + MAX_MESSAGE_BYTES + " (payload + system property values + application "
          + "property names and values); split it or shrink it");
    }
    return telemetryTopic(message);
  }

  /**
   * Returns the size the hub counts for {@code message}: payload bytes plus the UTF-8 bytes of every
   * system property value and of every application property name and value.
   */
  public int hubSize(Message message) {
    // Counted field by field, without building the wire map: this runs on every send.
    long size = message.payloadSize();
    size += utf8Length(message.messageId()) + utf8Length(message.correlationId())
        + utf8Length(message.userId()) + utf8Length(message.contentType())
        + utf8Length(message.contentEncoding()) + utf8Length(message.outputName())
        + utf8Length(message.componentName()) + utf8Length(deviceId) + utf8Length(moduleId);
    Long ctime = message.creationTimeEpochMillis();
    if (ctime != null) {
      size += formatUtc(ctime).length();
    }
    for (Map.Entry<String, String> e : message.properties().entrySet()) {
      size += utf8Length(e.getKey()) + utf8Length(e.getValue());
    }
    return (int) Math.min(Integer.MAX_VALUE, size);
  }

  /**
   * Returns the message carried by a PUBLISH on this identity's devicebound topic.
   *
   * @throws IotHubProtocolException if the topic is not a devicebound topic of this identity or its
   *     property bag is malformed
   */
  public CloudMessage decodeCloudMessage(String topic, byte[] payload) {
    Map<String, @Nullable String> properties;
    try {
      properties = PropertyBag.decode(topics.deviceboundBag(topic));
    } catch (IllegalArgumentException e) {
      throw new IotHubProtocolException("Malformed cloud-to-device message for device " + deviceId
          + " on topic '" + topic + "': " + e.getMessage() + "; the message is skipped", e);
    }
    CloudMessage.Builder b = CloudMessage.builder().payload(payload);
    for (Map.Entry<String, @Nullable String> e : properties.entrySet()) {
      b.property(e.getKey(), e.getValue());
    }
    return b.build();
  }

  static String formatUtc(long epochMillis) {
    SimpleDateFormat format = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT);
    format.setTimeZone(TimeZone.getTimeZone("UTC"));
    return format.format(new Date(epochMillis));
  }

  /** UTF-8 length of {@code s} (0 for null), counted without encoding. */
  private static int utf8Length(@Nullable String s) {
    if (s == null) {
      return 0;
    }
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static void put(Map<String, String> out, String key, @Nullable String value) {
    if (value != null) {
      out.put(key, value);
    }
  }
}
