// The reference the store is checked against: a plain list in sequence order with the rules of protocol.md §19.
package io.rxiothub.gateway.store;

import io.rxiothub.gateway.store.internal.RecordCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

final class StoreModel {

  private final StoreSettings settings;
  final List<StoredMessage> queued = new ArrayList<>();
  long nextSequence = 1;
  long dropped;
  long expired;
  /** Per device, its messages dropped or expired. */
  final java.util.Map<String, Long> lost = new java.util.HashMap<>();

  StoreModel(StoreSettings settings) {
    this.settings = settings;
  }

  /** Returns the stored message, or null when the store must refuse it (full). */
  StoredMessage append(String device, ForwardMessage m, long now) {
    expire(now);
    long size = RecordCodec.size(device, m);
    if (size > settings.maxBytes()) {
      return null;
    }
    if (bytes() + size > settings.maxBytes()) {
      if (settings.overflow() == OverflowPolicy.REJECT_NEW) {
        return null;
      }
      while (bytes() + size > settings.maxBytes()) {
        StoredMessage victim = oldestOfFullestDevice();
        queued.remove(victim);
        dropped++;
        lost.merge(victim.deviceId(), 1L, Long::sum);
      }
    }
    StoredMessage s = StoredMessage.of(nextSequence++, device, Instant.ofEpochMilli(now), m);
    queued.add(s);
    return s;
  }

  private StoredMessage oldestOfFullestDevice() {
    java.util.Map<String, Long> bytes = new java.util.TreeMap<>();
    queued.forEach(s -> bytes.merge(s.deviceId(), RecordCodec.size(s.deviceId(), s.message()), Long::sum));
    String fullest = null;
    for (java.util.Map.Entry<String, Long> e : bytes.entrySet()) {
      if (fullest == null || e.getValue() > bytes.get(fullest)) {
        fullest = e.getKey();
      }
    }
    String device = fullest;
    return queued.stream().filter(s -> s.deviceId().equals(device)).findFirst().orElseThrow();
  }

  List<StoredMessage> pending(String device, long after, int max, long now) {
    expire(now);
    List<StoredMessage> out = new ArrayList<>();
    for (StoredMessage s : queued) {
      if (s.deviceId().equals(device) && s.sequence() > after && out.size() < max) {
        out.add(s);
      }
    }
    return out;
  }

  boolean delete(String device, long sequence) {
    return queued.removeIf(s -> s.deviceId().equals(device) && s.sequence() == sequence);
  }

  int expire(long now) {
    int n = 0;
    while (!queued.isEmpty() && now - queued.get(0).enqueuedAtMillis() >= settings.maxAge().toMillis()) {
      lost.merge(queued.remove(0).deviceId(), 1L, Long::sum);
      n++;
    }
    expired += n;
    return n;
  }

  long bytes() {
    long b = 0;
    for (StoredMessage s : queued) {
      b += RecordCodec.size(s.deviceId(), s.message());
    }
    return b;
  }

  Set<String> devices() {
    Set<String> d = new TreeSet<>();
    queued.forEach(s -> d.add(s.deviceId()));
    return d;
  }

  StoreStats stats() {
    return StoreStats.of(queued.size(), bytes(), dropped, expired);
  }
}
