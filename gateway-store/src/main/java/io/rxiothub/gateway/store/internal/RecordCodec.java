// The store's record format, version 1 (protocol.md §19.2): key = device + sequence, value = time, id, properties, payload.
package io.rxiothub.gateway.store.internal;

import io.rxiothub.gateway.store.ForwardMessage;
import io.rxiothub.gateway.store.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * Encodes and decodes one queued message. Key: {@code u16 deviceIdLength, deviceId (UTF-8), u64 sequence} (big
 * endian, so a device's keys sort in sequence order after its prefix). Value: {@code u8 version (1), u64
 * enqueuedAtMillis, varint idLength, id, varint propertyCount, (varint nameLength, name, varint valueLength, value)*,
 * payload} (the payload runs to the end). Lengths are unsigned LEB128 varints, strings UTF-8. The record's size, which
 * the store's byte limit counts, is key length plus value length.
 */
public final class RecordCodec {

  /** The value format's version byte. */
  public static final byte VERSION = 1;
  /** Largest device id in UTF-8 bytes (its length is a u16 in the key). */
  public static final int MAX_DEVICE_ID_BYTES = 0xFFFF;

  private RecordCodec() {}

  /** Returns the device id's UTF-8 bytes, checked. */
  public static byte[] deviceIdBytes(String deviceId) {
    byte[] id = deviceId.getBytes(StandardCharsets.UTF_8);
    if (id.length > MAX_DEVICE_ID_BYTES) {
      throw new IllegalArgumentException("deviceId must be at most 65535 UTF-8 bytes, was " + id.length);
    }
    return id;
  }

  /** Returns the key prefix every key of the device starts with. */
  public static byte[] prefix(byte[] deviceId) {
    byte[] p = new byte[2 + deviceId.length];
    p[0] = (byte) (deviceId.length >>> 8);
    p[1] = (byte) deviceId.length;
    System.arraycopy(deviceId, 0, p, 2, deviceId.length);
    return p;
  }

  /** Returns the key of the device's message with this sequence. */
  public static byte[] key(byte[] deviceId, long sequence) {
    byte[] k = new byte[2 + deviceId.length + 8];
    k[0] = (byte) (deviceId.length >>> 8);
    k[1] = (byte) deviceId.length;
    System.arraycopy(deviceId, 0, k, 2, deviceId.length);
    putLong(k, 2 + deviceId.length, sequence);
    return k;
  }

  /** Returns the order index's key of a sequence: the sequence alone (u64, big endian, so the index sorts in order). */
  public static byte[] orderKey(long sequence) {
    byte[] k = new byte[8];
    putLong(k, 0, sequence);
    return k;
  }

  /** Returns whether the key starts with the prefix (the key is the device's when it starts with its prefix). */
  public static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** Returns the sequence a key ends with. */
  public static long sequenceOf(byte[] key) {
    return getLong(key, key.length - 8);
  }

  /** Returns the device id a key starts with. */
  public static String deviceOf(byte[] key) {
    int len = ((key[0] & 0xFF) << 8) | (key[1] & 0xFF);
    return new String(key, 2, len, StandardCharsets.UTF_8);
  }

  /** Returns the value of a message enqueued at this time. */
  public static byte[] value(long enqueuedAtMillis, ForwardMessage message) {
    byte[] id = message.messageId().getBytes(StandardCharsets.UTF_8);
    byte[] payload = message.payload();
    Map<String, String> props = message.properties();
    byte[][] names = new byte[props.size()][];
    byte[][] values = new byte[props.size()][];
    int size = 1 + 8 + varintSize(id.length) + id.length + varintSize(props.size()) + payload.length;
    int i = 0;
    for (Map.Entry<String, String> e : props.entrySet()) {
      names[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
      values[i] = e.getValue().getBytes(StandardCharsets.UTF_8);
      size += varintSize(names[i].length) + names[i].length + varintSize(values[i].length) + values[i].length;
      i++;
    }
    byte[] v = new byte[size];
    v[0] = VERSION;
    putLong(v, 1, enqueuedAtMillis);
    int pos = putBytes(v, 9, id);
    pos = putVarint(v, pos, props.size());
    for (int j = 0; j < names.length; j++) {
      pos = putBytes(v, pos, names[j]);
      pos = putBytes(v, pos, values[j]);
    }
    System.arraycopy(payload, 0, v, pos, payload.length);
    return v;
  }

  /** Returns the record's size (key plus value) without encoding it. */
  public static long size(String deviceId, ForwardMessage message) {
    long size = 2 + utf8Length(deviceId) + 8 + 1 + 8;
    int id = utf8Length(message.messageId());
    size += varintSize(id) + id + varintSize(message.properties().size()) + message.payloadLength();
    for (Map.Entry<String, String> e : message.properties().entrySet()) {
      int n = utf8Length(e.getKey());
      int v = utf8Length(e.getValue());
      size += varintSize(n) + n + varintSize(v) + v;
    }
    return size;
  }

  /**
   * Decodes a record.
   *
   * @throws IllegalStateException if the value is not a version-1 record (a damaged or newer store)
   */
  public static StoredMessage decode(byte[] key, byte[] value) {
    if (value.length < 9 || value[0] != VERSION) {
      throw new IllegalStateException("gateway store record " + deviceOf(key) + "#" + sequenceOf(key)
          + " is not a version-" + VERSION + " record (version byte " + (value.length == 0 ? "missing" : value[0])
          + "): written by a newer rxiothub, or damaged");
    }
    long at = getLong(value, 1);
    int[] pos = {9};
    String id = string(value, pos);
    int count = varint(value, pos);
    ForwardMessage.Builder b = ForwardMessage.builder().messageId(id);
    for (int i = 0; i < count; i++) {
      String name = string(value, pos);
      b.property(name, string(value, pos));
    }
    byte[] payload = new byte[value.length - pos[0]];
    System.arraycopy(value, pos[0], payload, 0, payload.length);
    return StoredMessage.of(sequenceOf(key), deviceOf(key), Instant.ofEpochMilli(at), b.payload(payload).build());
  }

  /** Returns how many bytes a string takes in UTF-8 (lone surrogates count as the one '?' the encoder writes). */
  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        n += 1;
      } else {
        n += 3;
      }
    }
    return n;
  }

  static int varintSize(int v) {
    int n = 1;
    while ((v & ~0x7F) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private static int putVarint(byte[] b, int pos, int v) {
    while ((v & ~0x7F) != 0) {
      b[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[pos++] = (byte) v;
    return pos;
  }

  private static int varint(byte[] b, int[] pos) {
    int v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (pos[0] >= b.length) {
        throw new IllegalStateException("gateway store record is truncated (a length runs past its end)");
      }
      byte x = b[pos[0]++];
      v |= (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
    throw new IllegalStateException("gateway store record holds a length longer than 5 bytes: damaged");
  }

  private static int putBytes(byte[] b, int pos, byte[] s) {
    pos = putVarint(b, pos, s.length);
    System.arraycopy(s, 0, b, pos, s.length);
    return pos + s.length;
  }

  private static String string(byte[] b, int[] pos) {
    int len = varint(b, pos);
    if (len < 0 || len > b.length - pos[0]) {
      throw new IllegalStateException("gateway store record is truncated (a string runs past its end)");
    }
    String s = new String(b, pos[0], len, StandardCharsets.UTF_8);
    pos[0] += len;
    return s;
  }

  /** Writes a big-endian long. */
  public static void putLong(byte[] b, int pos, long v) {
    for (int i = 7; i >= 0; i--) {
      b[pos + i] = (byte) v;
      v >>>= 8;
    }
  }

  /** Reads a big-endian long. */
  public static long getLong(byte[] b, int pos) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[pos + i] & 0xFF);
    }
    return v;
  }
}
