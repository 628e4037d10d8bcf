// One MQTT 3.1.1 control packet seen by the wire tap, decoded enough to print it and to wait for it.
package io.rxiothub.cli.wire;

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

  private static final String[] NAMES = {"RESERVED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL",
      "PUBCOMP", "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "RESERVED"};

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
    int type = (header >> 4) & 0x0F;
    Reader in = new Reader(body);
    List<String> filters = new ArrayList<>();
    List<Integer> codes = new ArrayList<>();
    int packetId = -1;
    String topic = null;
    byte[] payload = new byte[0];
    int qos = -1;
    StringBuilder details = new StringBuilder();
    try {
      switch (type) {
        case 1 -> {
          String protocol = in.string();
          int level = in.u8();
          int flags = in.u8();
          int keepAlive = in.u16();
          String clientId = in.string();
          details.append("client id ").append(clientId);
          if ((flags & 0x04) != 0) {
            details.append(", will on ").append(in.string());
            in.bytes();
          }
          if ((flags & 0x80) != 0) {
            details.append(", user name ").append(in.string());
          }
          if ((flags & 0x40) != 0) {
            details.append(", password ").append(redact(new String(in.bytes(), StandardCharsets.UTF_8)));
          }
          details.append(", clean session ").append((flags & 0x02) != 0 ? 1 : 0)
              .append(", keep-alive ").append(keepAlive).append(" s, ").append(protocol).append(" level ")
              .append(level);
        }
        case 2 -> {
          int ackFlags = in.u8();
          int code = in.u8();
          codes.add(code);
          details.append("return code ").append(code).append(code == 0 ? " (accepted)" : " (refused)")
              .append(", session present ").append(ackFlags & 1);
        }
        case 3 -> {
          qos = (header >> 1) & 3;
          topic = in.string();
          if (qos > 0) {
            packetId = in.u16();
          }
          payload = in.rest();
          details.append("qos ").append(qos);
          if (packetId >= 0) {
            details.append(" id ").append(packetId);
          }
          if ((header & 0x08) != 0) {
            details.append(" dup");
          }
          if ((header & 0x01) != 0) {
            details.append(" retain");
          }
          details.append(' ').append(topic).append("  ").append(describePayload(payload));
        }
        case 4, 5, 6, 7, 11 -> {
          packetId = in.u16();
          details.append("id ").append(packetId);
        }
        case 8, 10 -> {
          packetId = in.u16();
          details.append("id ").append(packetId);
          while (in.remaining() > 0) {
            String filter = in.string();
            filters.add(filter);
            details.append(' ').append(filter);
            if (type == 8) {
              details.append(" (qos ").append(in.u8()).append(')');
            }
          }
        }
        case 9 -> {
          packetId = in.u16();
          details.append("id ").append(packetId);
          while (in.remaining() > 0) {
            codes.add(in.u8());
          }
          if (subscribed != null) {
            filters.addAll(subscribed);
          }
          for (int i = 0; i < codes.size(); i++) {
            int code = codes.get(i);
            details.append(' ').append(i < filters.size() ? filters.get(i) + " " : "")
                .append(code == 0x80 ? "(refused)" : "(granted qos " + code + ")");
          }
        }
        default -> { }
      }
    } catch (IndexOutOfBoundsException e) {
      details.append(" (malformed: ").append(body.length).append(" bytes)");
    }
    return new WireFrame(direction, type, connection, packetId, topic, payload, qos, filters, codes,
        details.toString().trim());
  }

  private static String redact(String password) {
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
    return NAMES[type];
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
    return type == 9 && i >= 0 && i < codes.size() && codes.get(i) != 0x80;
  }

  /** Type and details, without the direction arrow: {@code PUBLISH qos 1 id 2 devices/...  {"t":1}}. */
  public String describe() {
    return typeName() + (details.isEmpty() ? "" : "  " + details);
  }

  @Override
  public String toString() {
    return direction.arrow() + " " + describe();
  }

  /** Reads MQTT's big-endian integers and length-prefixed strings. */
  private static final class Reader {
    private final byte[] data;
    private int position;

    Reader(byte[] data) {
      this.data = data;
    }

    int u8() {
      if (position >= data.length) {
        throw new IndexOutOfBoundsException();
      }
      return data[position++] & 0xFF;
    }

    int u16() {
      return (u8() << 8) | u8();
    }

    byte[] bytes() {
      int length = u16();
      if (position + length > data.length) {
        throw new IndexOutOfBoundsException();
      }
      byte[] out = java.util.Arrays.copyOfRange(data, position, position + length);
      position += length;
      return out;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    byte[] rest() {
      byte[] out = java.util.Arrays.copyOfRange(data, position, data.length);
      position = data.length;
      return out;
    }

    int remaining() {
      return data.length - position;
    }
  }
}
