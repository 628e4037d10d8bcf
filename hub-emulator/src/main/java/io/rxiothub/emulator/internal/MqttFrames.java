// Splits one direction of an MQTT 3.1.1 byte stream into whole packets, so that the front server can see
// CONNECT client ids, fault-request PUBLISHes and PUBACKs (fault injection) without decoding anything else.
package io.rxiothub.emulator.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** One per direction of one connection; not thread-safe (used on the connection's event loop). */
final class MqttFrames {

  static final int CONNECT = 1;
  static final int PUBLISH = 3;
  static final int PUBACK = 4;

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
      int start = buffer.readerIndex();
      int end = buffer.writerIndex();
      int pos = start + 1;
      int length = 0;
      int shift = 0;
      boolean complete = false;
      while (pos < end) {
        int b = buffer.getUnsignedByte(pos++);
        length |= (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          complete = true;
          break;
        }
        shift += 7;
        if (shift > 21) {
          raw = true;
          break;
        }
      }
      if (raw) {
        pending = null;
        sink.accept(buffer);
        return;
      }
      if (!complete || end - pos < length) {
        break;
      }
      sink.accept(buffer.readRetainedSlice(pos - start + length));
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

  /** Index of the variable header (after the fixed header). */
  private static int body(ByteBuf packet) {
    int pos = packet.readerIndex() + 1;
    while ((packet.getUnsignedByte(pos++) & 0x80) != 0) {
      // skip the remaining-length bytes
    }
    return pos;
  }

  /** The client id of a CONNECT, or null when the packet is too short to hold one. */
  static @Nullable String connectClientId(ByteBuf packet) {
    try {
      int pos = body(packet);
      int protocolNameLength = packet.getUnsignedShort(pos);
      pos += 2 + protocolNameLength + 1 + 1 + 2;
      int idLength = packet.getUnsignedShort(pos);
      return packet.toString(pos + 2, idLength, StandardCharsets.UTF_8);
    } catch (IndexOutOfBoundsException e) {
      return null;
    }
  }

  /** The topic of a PUBLISH, or null when malformed. */
  static @Nullable String publishTopic(ByteBuf packet) {
    try {
      int pos = body(packet);
      int topicLength = packet.getUnsignedShort(pos);
      return packet.toString(pos + 2, topicLength, StandardCharsets.UTF_8);
    } catch (IndexOutOfBoundsException e) {
      return null;
    }
  }

  /** The packet id of a QoS 1 or 2 PUBLISH, or -1. */
  static int publishPacketId(ByteBuf packet) {
    try {
      int pos = body(packet);
      int topicLength = packet.getUnsignedShort(pos);
      return packet.getUnsignedShort(pos + 2 + topicLength);
    } catch (IndexOutOfBoundsException e) {
      return -1;
    }
  }

  /** The packet id of a PUBACK, or -1. */
  static int pubackPacketId(ByteBuf packet) {
    try {
      return packet.getUnsignedShort(body(packet));
    } catch (IndexOutOfBoundsException e) {
      return -1;
    }
  }
}
