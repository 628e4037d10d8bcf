// Splits one direction of an MQTT 3.1.1 byte stream into whole packets, so that the front server can see
// CONNECT client ids, fault-request PUBLISHes and PUBACKs (fault injection); MqttPacket frames and decodes, this
// adapts it to Netty's buffers.
package io.rxiothub.emulator.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.rxiothub.emulator.mqtt.MqttPacket;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** One per direction of one connection; not thread-safe (used on the connection's event loop). */
final class MqttFrames {

  static final int CONNECT = MqttPacket.CONNECT;
  static final int PUBLISH = MqttPacket.PUBLISH;
  static final int PUBACK = MqttPacket.PUBACK;

  private final byte[] fixedHeader = new byte[MqttPacket.MAX_FIXED_HEADER];
  private @Nullable ByteBuf pending;
  private boolean raw;

  /**
   * Takes ownership of {@code bytes} and hands every complete packet to {@code sink} as a buffer the sink owns.
   * After a malformed length the rest of the stream passes through unsplit (the broker will close it).
   */
  void add(ByteBuf bytes, ByteBufAllocator alloc, Consumer<ByteBuf> sink) {
    if (raw) {
      sink.accept(bytes);
      return;
    }
    ByteBuf buffer = pending == null ? bytes : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(alloc, pending, bytes);
    pending = buffer;
    while (buffer.isReadable()) {
      int available = buffer.readableBytes();
      int fixedHeader = Math.min(available, MqttPacket.MAX_FIXED_HEADER);
      buffer.getBytes(buffer.readerIndex(), this.fixedHeader, 0, fixedHeader);
      int length;
      try {
        length = MqttPacket.packetLength(this.fixedHeader, 0, fixedHeader);
      } catch (IllegalArgumentException e) {
        raw = true;
        pending = null;
        sink.accept(buffer);
        return;
      }
      if (length < 0 || available < length) {
        break;
      }
      sink.accept(buffer.readRetainedSlice(length));
    }
    if (!buffer.isReadable()) {
      buffer.release();
      pending = null;
    } else if (buffer.refCnt() == 1) {
      // Compacting moves bytes: only when no packet handed out still shares this buffer.
      buffer.discardSomeReadBytes();
    }
  }

  /** Releases buffered bytes. */
  void release() {
    ByteBuf buffer = pending;
    pending = null;
    if (buffer != null) {
      buffer.release();
    }
  }

  /** The packet type (1 CONNECT … 14 DISCONNECT) of a whole packet. */
  static int type(ByteBuf packet) {
    return packet.getUnsignedByte(packet.readerIndex()) >> 4;
  }

  /** The QoS of a PUBLISH. */
  static int qos(ByteBuf packet) {
    return (packet.getUnsignedByte(packet.readerIndex()) >> 1) & 3;
  }

  /** The client id of a CONNECT, or null when the packet is too short to hold one. */
  static @Nullable String connectClientId(ByteBuf packet) {
    MqttPacket decoded = decode(packet);
    return decoded == null ? null : decoded.clientId();
  }

  /** The topic of a PUBLISH, or null when malformed. */
  static @Nullable String publishTopic(ByteBuf packet) {
    MqttPacket decoded = decode(packet);
    return decoded == null ? null : decoded.topic();
  }

  /** The packet id of a QoS 1 or 2 PUBLISH, or -1. */
  static int publishPacketId(ByteBuf packet) {
    MqttPacket decoded = decode(packet);
    return decoded == null ? -1 : decoded.packetId();
  }

  /** The packet id of a PUBACK, or -1. */
  static int pubackPacketId(ByteBuf packet) {
    MqttPacket decoded = decode(packet);
    return decoded == null ? -1 : decoded.packetId();
  }

  /** Whether a whole CONNECT is MQTT 3.1.1 with a user name and no password. */
  static boolean connectNeedsPassword(ByteBuf packet) {
    MqttPacket decoded = decode(packet);
    return decoded != null && !decoded.malformed() && decoded.type() == CONNECT && decoded.protocolLevel() == 4
        && decoded.userName() != null && decoded.password() == null;
  }

  /**
   * A copy of a whole MQTT 3.1.1 CONNECT (one that {@link #connectNeedsPassword} accepts) with the password flag
   * set and {@code password} appended as the last payload field; the caller still owns {@code connect}.
   */
  static ByteBuf connectWithPassword(ByteBuf connect, byte[] password, ByteBufAllocator alloc) {
    int start = connect.readerIndex();
    int headerLength = 1;
    while ((connect.getUnsignedByte(start + headerLength) & 0x80) != 0) {
      headerLength++;
    }
    headerLength++;
    int bodyLength = connect.readableBytes() - headerLength;
    int protocolNameLength = connect.getUnsignedShort(start + headerLength);
    int flagsOffset = headerLength + 2 + protocolNameLength + 1;
    int remaining = bodyLength + 2 + password.length;
    ByteBuf out = alloc.buffer(1 + 4 + remaining);
    out.writeByte(connect.getUnsignedByte(start));
    int left = remaining;
    do {
      int digit = left % 128;
      left /= 128;
      out.writeByte(left > 0 ? digit | 0x80 : digit);
    } while (left > 0);
    out.writeBytes(connect, start + headerLength, bodyLength);
    int flagsIndex = out.writerIndex() - bodyLength + (flagsOffset - headerLength);
    out.setByte(flagsIndex, out.getUnsignedByte(flagsIndex) | 0x40);
    out.writeShort(password.length);
    out.writeBytes(password);
    return out;
  }

  /**
   * A whole packet, decoded: a view that must not outlive {@code packet}; null when its fixed header is cut short
   * or malformed (after a malformed length the stream passes through unsplit, see {@link #add}).
   */
  private static @Nullable MqttPacket decode(ByteBuf packet) {
    try {
      return MqttPacket.decode(packet.nioBuffer());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
