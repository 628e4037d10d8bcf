// rxiothub's one MQTT 3.1.1 packet decoder: the emulator's front server (fault injection) and the command line's
// wire tap both frame and read packets through it.
package io.rxiothub.emulator.mqtt;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One MQTT 3.1.1 control packet, decoded (OASIS MQTT 3.1.1, chapters 2 and 3): its type and flags, packet
 * identifier, PUBLISH topic and payload, CONNECT fields, SUBSCRIBE and UNSUBSCRIBE filters, CONNACK and SUBACK
 * return codes.
 *
 * <p>Decoding reads what is there and never throws on bad bytes: a packet that ends before a field its type and
 * flags call for is {@link #malformed()} and keeps the fields read before that one (fields not reached are
 * {@code null}, {@code -1} or empty). It checks no protocol rule (reserved flags, protocol name, QoS 3).
 *
 * <p>Strings are decoded at once; {@link #payload()} and {@link #password()} copy from the bytes the packet was
 * decoded from, so those must not change while the packet is in use. {@link #toString()} shows neither. A decoded
 * packet does not change and may be shared between threads.
 */
public final class MqttPacket {

  /** CONNECT, client to server. */
  public static final int CONNECT = 1;
  /** CONNACK. */
  public static final int CONNACK = 2;
  /** PUBLISH, either way. */
  public static final int PUBLISH = 3;
  /** PUBACK. */
  public static final int PUBACK = 4;
  /** PUBREC. */
  public static final int PUBREC = 5;
  /** PUBREL. */
  public static final int PUBREL = 6;
  /** PUBCOMP. */
  public static final int PUBCOMP = 7;
  /** SUBSCRIBE. */
  public static final int SUBSCRIBE = 8;
  /** SUBACK. */
  public static final int SUBACK = 9;
  /** UNSUBSCRIBE. */
  public static final int UNSUBSCRIBE = 10;
  /** UNSUBACK. */
  public static final int UNSUBACK = 11;
  /** PINGREQ. */
  public static final int PINGREQ = 12;
  /** PINGRESP. */
  public static final int PINGRESP = 13;
  /** DISCONNECT. */
  public static final int DISCONNECT = 14;

  /** The longest fixed header: the byte of type and flags, then at most four bytes of remaining length. */
  public static final int MAX_FIXED_HEADER = 5;

  private static final String[] NAMES = {"RESERVED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL",
      "PUBCOMP", "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "RESERVED"};

  private final int header;
  private final ByteBuffer body;
  private final int bodyStart;
  private final int bodyEnd;
  private int position;
  private boolean malformed;

  private int packetId = -1;
  private @Nullable String topic;
  private int payloadStart = -1;
  private @Nullable String protocolName;
  private int protocolLevel = -1;
  private int connectFlags = -1;
  private int keepAlive = -1;
  private @Nullable String clientId;
  private @Nullable String willTopic;
  private @Nullable String userName;
  private int passwordStart = -1;
  private int passwordLength;
  private int acknowledgeFlags = -1;
  private List<String> filters = Collections.emptyList();
  private List<Integer> requestedQos = Collections.emptyList();
  private List<Integer> returnCodes = Collections.emptyList();

  private MqttPacket(int header, ByteBuffer body, int bodyStart, int bodyEnd) {
    this.header = header & 0xFF;
    this.body = body;
    this.bodyStart = bodyStart;
    this.bodyEnd = bodyEnd;
    this.position = bodyStart;
    try {
      read();
    } catch (IndexOutOfBoundsException e) {
      malformed = true;
    }
  }

  /**
   * The whole length (fixed header included) of the packet that starts at {@code bytes[offset]}, as soon as its
   * fixed header is among the {@code length} bytes given; the body need not be there yet.
   *
   * @return the packet's length in bytes, or -1 when the remaining-length field goes on past the bytes given
   * @throws IllegalArgumentException when the remaining-length field is longer than four bytes (malformed: the
   *     rest of that stream cannot be split into packets)
   */
  public static int packetLength(byte[] bytes, int offset, int length) {
    int remaining = 0;
    int shift = 0;
    for (int i = 1; i < MAX_FIXED_HEADER && i < length; i++) {
      int b = bytes[offset + i] & 0xFF;
      remaining |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return 1 + i + remaining;
      }
      shift += 7;
    }
    if (length >= MAX_FIXED_HEADER) {
      throw new IllegalArgumentException("malformed MQTT remaining length: more than 4 bytes");
    }
    return -1;
  }

  /**
   * Decodes the whole packet between {@code packet}'s position and limit, fixed header included; the buffer's
   * position and limit stay as they were. Bytes past the length the fixed header gives are ignored.
   *
   * @throws IllegalArgumentException when the buffer does not hold a whole fixed header, or it is malformed
   */
  public static MqttPacket decode(ByteBuffer packet) {
    int start = packet.position();
    int available = packet.remaining();
    byte[] fixed = new byte[Math.min(available, MAX_FIXED_HEADER)];
    for (int i = 0; i < fixed.length; i++) {
      fixed[i] = packet.get(start + i);
    }
    int length = fixed.length == 0 ? -1 : packetLength(fixed, 0, fixed.length);
    if (length < 0) {
      throw new IllegalArgumentException("not a whole MQTT fixed header: " + available + " bytes");
    }
    int headerSize = 1;
    while ((fixed[headerSize] & 0x80) != 0) {
      headerSize++;
    }
    headerSize++;
    return new MqttPacket(fixed[0], packet, start + headerSize, start + Math.min(length, available));
  }

  /**
   * Decodes a packet from its first byte ({@code header}: type and flags) and its body, the bytes after the
   * remaining-length field, between {@code body}'s position and limit (which stay as they were).
   */
  public static MqttPacket decode(int header, ByteBuffer body) {
    return new MqttPacket(header, body, body.position(), body.limit());
  }

  private void read() {
    switch (type()) {
      case CONNECT -> {
        protocolName = string();
        protocolLevel = u8();
        connectFlags = u8();
        keepAlive = u16();
        clientId = string();
        if ((connectFlags & 0x04) != 0) {
          willTopic = string();
          skip(u16());
        }
        if ((connectFlags & 0x80) != 0) {
          userName = string();
        }
        if ((connectFlags & 0x40) != 0) {
          int size = u16();
          int start = position;
          skip(size);
          passwordStart = start;
          passwordLength = size;
        }
      }
      case CONNACK -> {
        acknowledgeFlags = u8();
        returnCodes = List.of(u8());
      }
      case PUBLISH -> {
        topic = string();
        if (qos() > 0) {
          packetId = u16();
        }
        payloadStart = position;
      }
      case PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK -> packetId = u16();
      case SUBSCRIBE, UNSUBSCRIBE -> {
        packetId = u16();
        filters = new ArrayList<>();
        requestedQos = new ArrayList<>();
        while (position < bodyEnd) {
          filters.add(string());
          if (type() == SUBSCRIBE) {
            requestedQos.add(u8());
          }
        }
      }
      case SUBACK -> {
        packetId = u16();
        returnCodes = new ArrayList<>();
        while (position < bodyEnd) {
          returnCodes.add(u8());
        }
      }
      default -> { }
    }
  }

  private int u8() {
    if (position >= bodyEnd) {
      throw new IndexOutOfBoundsException();
    }
    return body.get(position++) & 0xFF;
  }

  private int u16() {
    return (u8() << 8) | u8();
  }

  private void skip(int size) {
    if (size > bodyEnd - position) {
      throw new IndexOutOfBoundsException();
    }
    position += size;
  }

  private String string() {
    int size = u16();
    int start = position;
    skip(size);
    return new String(copy(start, size), StandardCharsets.UTF_8);
  }

  private byte[] copy(int start, int size) {
    byte[] out = new byte[size];
    body.get(start, out);
    return out;
  }

  /** The packet type, {@link #CONNECT} (1) to {@link #DISCONNECT} (14); 0 and 15 are reserved. */
  public int type() {
    return header >> 4;
  }

  /** The type's name as the specification spells it ({@code CONNECT}, {@code PUBLISH}, …; {@code RESERVED}). */
  public String typeName() {
    return nameOf(type());
  }

  /** The name of packet type {@code type} (0 to 15) as the specification spells it; {@code RESERVED} for 0, 15. */
  public static String nameOf(int type) {
    return NAMES[type & 0x0F];
  }

  /** The first byte: type in the high four bits, flags in the low four. */
  public int header() {
    return header;
  }

  /** The QoS of a PUBLISH (0, 1 or 2, or 3 when malformed); -1 for other types. */
  public int qos() {
    return type() == PUBLISH ? (header >> 1) & 3 : -1;
  }

  /** Whether a PUBLISH has its DUP flag set. */
  public boolean dup() {
    return type() == PUBLISH && (header & 0x08) != 0;
  }

  /** Whether a PUBLISH has its RETAIN flag set. */
  public boolean retain() {
    return type() == PUBLISH && (header & 0x01) != 0;
  }

  /** The number of bytes after the fixed header. */
  public int remainingLength() {
    return bodyEnd - bodyStart;
  }

  /** Whether the packet ended before a field its type and flags call for. */
  public boolean malformed() {
    return malformed;
  }

  /**
   * The packet identifier of a PUBLISH with QoS 1 or 2, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK,
   * UNSUBSCRIBE or UNSUBACK; -1 for other packets, or when it was not there.
   */
  public int packetId() {
    return packetId;
  }

  /** The topic of a PUBLISH, or null. */
  public @Nullable String topic() {
    return topic;
  }

  /** A copy of a PUBLISH's payload; empty for other packets. */
  public byte[] payload() {
    return payloadStart < 0 ? new byte[0] : copy(payloadStart, bodyEnd - payloadStart);
  }

  /** CONNECT's protocol name ({@code MQTT}), or null. */
  public @Nullable String protocolName() {
    return protocolName;
  }

  /** CONNECT's protocol level (4 for MQTT 3.1.1), or -1. */
  public int protocolLevel() {
    return protocolLevel;
  }

  /** CONNECT's keep-alive in seconds, or -1. */
  public int keepAlive() {
    return keepAlive;
  }

  /** Whether a CONNECT asks for a clean session. */
  public boolean cleanSession() {
    return connectFlags >= 0 && (connectFlags & 0x02) != 0;
  }

  /** CONNECT's client identifier, or null. */
  public @Nullable String clientId() {
    return clientId;
  }

  /** CONNECT's will topic, or null when it has no will. */
  public @Nullable String willTopic() {
    return willTopic;
  }

  /** CONNECT's user name, or null when it has none. */
  public @Nullable String userName() {
    return userName;
  }

  /** A copy of CONNECT's password (a secret: an IoT Hub SAS token), or null when it has none. */
  public byte @Nullable [] password() {
    return passwordStart < 0 ? null : copy(passwordStart, passwordLength);
  }

  /** Whether a CONNACK has its session-present flag set. */
  public boolean sessionPresent() {
    return acknowledgeFlags >= 0 && (acknowledgeFlags & 1) != 0;
  }

  /** The return code of a CONNACK (one) or the return codes of a SUBACK, in order; else empty. */
  public List<Integer> returnCodes() {
    return Collections.unmodifiableList(returnCodes);
  }

  /** The topic filters of a SUBSCRIBE or UNSUBSCRIBE, in order; else empty. */
  public List<String> filters() {
    return Collections.unmodifiableList(filters);
  }

  /** The QoS a SUBSCRIBE requests for each of its {@link #filters()}, in order; else empty. */
  public List<Integer> requestedQos() {
    return Collections.unmodifiableList(requestedQos);
  }

  /** Type, packet identifier, topic and client id; never the password or the payload. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("MqttPacket{").append(typeName());
    if (packetId >= 0) {
      out.append(", id ").append(packetId);
    }
    if (topic != null) {
      out.append(", qos ").append(qos()).append(", topic ").append(topic);
    }
    if (clientId != null) {
      out.append(", client id ").append(clientId);
    }
    if (malformed) {
      out.append(", malformed");
    }
    return out.append('}').toString();
  }
}
