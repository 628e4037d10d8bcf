// Maps Message to its telemetry topic and CloudMessage from its devicebound topic (protocol.md §4, §5).
package io.rxiothub.device.internal;

import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.IotHubProtocolException;
import io.rxiothub.device.Message;
import io.rxiothub.sas.MessageTopic;
import io.rxiothub.sas.PropertyBag;
import io.rxiothub.sas.SystemProperty;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import org.jspecify.annotations.Nullable;

/**
 * The telemetry and cloud-to-device codec of one identity, on the grammar of the {@code sas} module
 * ({@link MessageTopic}, {@link PropertyBag}, {@link SystemProperty}).
 */
public final class MessageCodec {

  /** The hub's D2C size limit: body + system property values + application names and values (§9). */
  public static final int MAX_MESSAGE_BYTES = 256 * 1024;

  /** The system properties a device sends, in the order it sends them. */
  private static final SystemProperty[] SENT = deviceToCloud();

  private final MessageTopic.Identity topics;
  private final String deviceId;
  private final @Nullable String moduleId;

  /** Creates the codec of {@code deviceId} (and {@code moduleId} for a module identity). */
  public MessageCodec(String deviceId, @Nullable String moduleId) {
    this.topics = new MessageTopic.Identity(deviceId, moduleId);
    this.deviceId = deviceId;
    this.moduleId = moduleId;
  }

  /** Returns the topics of this identity. */
  public MessageTopic.Identity topics() {
    return topics;
  }

  /**
   * Returns the telemetry topic of {@code message}, its property bag included: the system properties
   * the message sets, in {@link SystemProperty} order, then its application properties in insertion
   * order, written straight into the topic (this runs on every send).
   */
  public String telemetryTopic(Message message) {
    StringBuilder out = topics.appendTelemetryPrefix(new StringBuilder(160));
    int bagStart = out.length();
    for (SystemProperty p : SENT) {
      PropertyBag.appendPair(out, bagStart, p.key(), value(p, message));
    }
    // Application names never start with "$." (Message.Builder refuses them): no clash above.
    for (Map.Entry<String, String> e : message.properties().entrySet()) {
      PropertyBag.appendPair(out, bagStart, e.getKey(), e.getValue());
    }
    return out.toString();
  }

  /** Returns the value {@code message} sends for {@code property}, or null if it sends none. */
  private @Nullable String value(SystemProperty property, Message message) {
    switch (property) {
      case MESSAGE_ID:
        return message.messageId();
      case CORRELATION_ID:
        return message.correlationId();
      case USER_ID:
        return message.userId();
      case CONTENT_TYPE:
        return message.contentType();
      case CONTENT_ENCODING:
        return message.contentEncoding();
      case CREATION_TIME:
        Long ctime = message.creationTimeEpochMillis();
        return ctime == null ? null : formatUtc(ctime);
      case OUTPUT_NAME:
        return message.outputName();
      case COMPONENT_NAME:
        return message.componentName();
      case CONNECTION_DEVICE_ID:
        return deviceId;
      case CONNECTION_MODULE_ID:
        return moduleId;
      default:
        return null; // not settable on a Message
    }
  }

  private static SystemProperty[] deviceToCloud() {
    List<SystemProperty> sent = new ArrayList<>();
    for (SystemProperty p : SystemProperty.values()) {
      if (p.isDeviceToCloud()) {
        sent.add(p);
      }
    }
    return sent.toArray(new SystemProperty[0]);
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
    // Counted field by field, without building the bag: this runs on every send.
    long size = message.payloadSize();
    for (SystemProperty p : SENT) {
      size += utf8Length(value(p, message));
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
}
