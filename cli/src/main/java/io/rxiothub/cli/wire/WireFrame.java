// One MQTT 3.1.1 control packet seen by the wire tap, decoded enough to print it and to wait for it.
package io.rxiothub.cli.wire;

import io.rxiothub.emulator.mqtt.MqttPacket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A decoded MQTT packet and the direction it travelled. Secrets are gone at decoding time: the CONNECT password is
 * kept only with its {@code sig=} redacted.
 */
public final class WireFrame {

  /** Which way the packet went. */
  public enum Direction {
    /** From the device to the hub. */
    TO_HUB("->"),
    /** From the hub to the device. */
    TO_DEVICE("<-");

    private final String arrow;

    Direction(String arrow) {
      this.arrow = arrow;
    }

    /** An ASCII arrow for printing. */
    public String arrow() {
      return arrow;
    }
  }

  private final Direction direction;
  private final int type;
  private final int connection;
  private final long nanoTime;
  private final int packetId;
  private final @Nullable String topic;
  private final byte[] payload;
  private final int qos;
  private final List<String> filters;
  private final List<Integer> codes;
  private final String details;

  private WireFrame(Direction direction, int type, int connection, int packetId, @Nullable String topic,
      byte[] payload, int qos, List<String> filters, List<Integer> codes, String details) {
    this.direction = direction;
    this.type = type;
    this.connection = connection;
    this.nanoTime = System.nanoTime();
    this.packetId = packetId;
    this.topic = topic;
    this.payload = payload;
    this.qos = qos;
    this.filters = Collections.unmodifiableList(filters);
    this.codes = Collections.unmodifiableList(codes);
    this.details = details;
  }

  /**
   * Decodes one whole packet: its first byte, and the bytes after the remaining-length field.
   *
   * @param subscribed the filters of the SUBSCRIBE that a SUBACK answers, when the tap knows them
   */
  static WireFrame decode(Direction direction, int connection, int header, byte[] body,
      @Nullable List<String> subscribed) {
    MqttPacket packet = MqttPacket.decode(header, ByteBuffer.wrap(body));
    int type = packet.type();
    List<String> filters = new ArrayList<>(packet.filters());
    List<Integer> codes = new ArrayList<>(packet.returnCodes());
    int packetId = packet.packetId();
    StringBuilder details = new StringBuilder();
    switch (type) {
      case MqttPacket.CONNECT -> {
        String clientId = packet.clientId();
        if (clientId != null) {
          details.append("client id ").append(clientId);
          if (packet.willTopic() != null) {
            details.append(", will on ").append(packet.willTopic());
          }
          if (packet.userName() != null) {
            details.append(", user name ").append(packet.userName());
          }
          byte[] password = packet.password();
          if (password != null) {
            details.append(", password ").append(redact(new String(password, StandardCharsets.UTF_8)));
          }
          if (!packet.malformed()) {
            details.append(", clean session ").append(packet.cleanSession() ? 1 : 0)
                .append(", keep-alive ").append(packet.keepAlive()).append(" s, ").append(packet.protocolName())
                .append(" level ").append(packet.protocolLevel());
          }
        }
      }
      case MqttPacket.CONNACK -> {
        if (!codes.isEmpty()) {
          int code = codes.get(0);
          details.append("return code ").append(code).append(code == 0 ? " (accepted)" : " (refused)")
              .append(", session present ").append(packet.sessionPresent() ? 1 : 0);
        }
      }
      case MqttPacket.PUBLISH -> {
        if (!packet.malformed()) {
          details.append("qos ").append(packet.qos());
          if (packetId >= 0) {
            details.append(" id ").append(packetId);
          }
          if (packet.dup()) {
            details.append(" dup");
          }
          if (packet.retain()) {
            details.append(" retain");
          }
          details.append(' ').append(packet.topic()).append("  ").append(describePayload(packet.payload()));
        }
      }
      case MqttPacket.PUBACK, MqttPacket.PUBREC, MqttPacket.PUBREL, MqttPacket.PUBCOMP, MqttPacket.UNSUBACK -> {
        if (packetId >= 0) {
          details.append("id ").append(packetId);
        }
      }
      case MqttPacket.SUBSCRIBE, MqttPacket.UNSUBSCRIBE -> {
        if (packetId >= 0) {
          details.append("id ").append(packetId);
          List<Integer> requested = packet.requestedQos();
          for (int i = 0; i < filters.size(); i++) {
            details.append(' ').append(filters.get(i));
            if (i < requested.size()) {
              details.append(" (qos ").append(requested.get(i)).append(')');
            }
          }
        }
      }
      case MqttPacket.SUBACK -> {
        if (packetId >= 0) {
          details.append("id ").append(packetId);
          if (subscribed != null) {
            filters.addAll(subscribed);
          }
          for (int i = 0; i < codes.size(); i++) {
            int code = codes.get(i);
            details.append(' ').append(i < filters.size() ? filters.get(i) + " " : "")
                .append(code == 0x80 ? "(refused)" : "(granted qos " + code + ")");
          }
        }
      }
      default -> { }
    }
    if (packet.malformed()) {
      details.append(" (malformed: ").append(body.length).append(" bytes)");
    }
    return new WireFrame(direction, type, connection, packetId, packet.topic(), packet.payload(), packet.qos(),
        filters, codes, details.toString().trim());
  }

  private static String redact(String password) {
    if (!password.startsWith("SharedAccessSignature ")) {
      // Any other password (a Watson IoT token, an API key's token) is a secret as a whole.
      return "<redacted>";
    }
    return password.replaceAll("sig=[^&]*", "sig=<redacted>");
  }

  /** A short, printable view of a payload: UTF-8 text when it is text (cut at 120 characters), else its size. */
  public static String describePayload(byte[] payload) {
    if (payload.length == 0) {
      return "(empty)";
    }
    String text = new String(payload, StandardCharsets.UTF_8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\uFFFD' || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
        return "(" + payload.length + " bytes)";
      }
    }
    String oneLine = text.replace('\n', ' ').replace('\r', ' ');
    return oneLine.length() > 120 ? oneLine.substring(0, 117) + "..." : oneLine;
  }

  /** The direction. */
  public Direction direction() {
    return direction;
  }

  /** The packet type name (CONNECT, PUBLISH, ...). */
  public String typeName() {
    return MqttPacket.nameOf(type);
  }

  /** The tap's number of the TLS connection this packet travelled on (1 for the first). */
  public int connection() {
    return connection;
  }

  /** When the tap saw it ({@link System#nanoTime()}). */
  public long nanoTime() {
    return nanoTime;
  }

  /** The packet identifier, or -1. */
  public int packetId() {
    return packetId;
  }

  /** The topic of a PUBLISH, else null. */
  public @Nullable String topic() {
    return topic;
  }

  /** The QoS of a PUBLISH, else -1. */
  public int qos() {
    return qos;
  }

  /** A copy of a PUBLISH's payload (empty for other packets). */
  public byte[] payload() {
    return payload.clone();
  }

  /** The filters of a SUBSCRIBE or UNSUBSCRIBE, or those a SUBACK answers (when known). */
  public List<String> filters() {
    return filters;
  }

  /** The return codes of a CONNACK or SUBACK. */
  public List<Integer> codes() {
    return codes;
  }

  /** Whether this is a PUBLISH whose topic starts with {@code prefix}. */
  public boolean isPublish(String prefix) {
    return topic != null && topic.startsWith(prefix);
  }

  /** Whether this is a SUBACK that granted {@code filter}. */
  public boolean grants(String filter) {
    int i = filters.indexOf(filter);
    return type == MqttPacket.SUBACK && i >= 0 && i < codes.size() && codes.get(i) != 0x80;
  }

  /** Type and details, without the direction arrow: {@code PUBLISH qos 1 id 2 devices/...  {"t":1}}. */
  public String describe() {
    return typeName() + (details.isEmpty() ? "" : "  " + details);
  }

  @Override
  public String toString() {
    return direction.arrow() + " " + describe();
  }
}
