// The order index's entry of one record (protocol.md §19.2): when it was enqueued, its size, its device.
package io.rxiothub.gateway.store.internal;

import java.nio.charset.StandardCharsets;

/** The order index's value: u64 enqueuedAtMillis, u32 record size, device id (UTF-8). */
final class OrderEntry {
  final long enqueuedAtMillis;
  final long size;
  final String deviceId;

  private OrderEntry(long enqueuedAtMillis, long size, String deviceId) {
    this.enqueuedAtMillis = enqueuedAtMillis;
    this.size = size;
    this.deviceId = deviceId;
  }

  static byte[] encode(long at, long size, byte[] deviceId) {
    byte[] v = new byte[12 + deviceId.length];
    RecordCodec.putLong(v, 0, at);
    v[8] = (byte) (size >>> 24);
    v[9] = (byte) (size >>> 16);
    v[10] = (byte) (size >>> 8);
    v[11] = (byte) size;
    System.arraycopy(deviceId, 0, v, 12, deviceId.length);
    return v;
  }

  static OrderEntry decode(byte[] v) {
    long size = ((v[8] & 0xFFL) << 24) | ((v[9] & 0xFF) << 16) | ((v[10] & 0xFF) << 8) | (v[11] & 0xFF);
    return new OrderEntry(RecordCodec.getLong(v, 0), size,
        new String(v, 12, v.length - 12, StandardCharsets.UTF_8));
  }
}
