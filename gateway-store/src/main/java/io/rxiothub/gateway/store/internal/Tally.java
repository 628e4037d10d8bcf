// The store's counters, total and per device; the caller guards it with its own lock (but for the lock-free count of
// a device's lost messages).
package io.rxiothub.gateway.store.internal;

import io.rxiothub.gateway.store.StoreStats;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages and bytes queued, dropped and expired, in total and per device. Not thread-safe, except {@link
 * #droppedOrExpired}, which any thread may call while the caller's lock is held elsewhere.
 */
public final class Tally {

  /** Why a message left the store. */
  public enum Removal {
    /** Deleted by the gateway after the cloud's acknowledgement. */
    DELETED,
    /** Dropped by the overflow policy. */
    DROPPED,
    /** Older than the age limit. */
    EXPIRED
  }

  private final long[] total = new long[4];
  private final Map<String, long[]> devices = new HashMap<>();
  /** Per device, its messages dropped or expired: written under the caller's lock, read without it. */
  private final Map<String, AtomicLong> lost = new ConcurrentHashMap<>();

  /** Counts a message added. */
  public void add(String deviceId, long bytes) {
    long[] d = devices.computeIfAbsent(deviceId, k -> new long[4]);
    d[0]++;
    d[1] += bytes;
    total[0]++;
    total[1] += bytes;
  }

  /** Takes back an {@link #add} whose write failed. */
  public void undoAdd(String deviceId, long bytes) {
    long[] d = devices.computeIfAbsent(deviceId, k -> new long[4]);
    d[0]--;
    d[1] -= bytes;
    total[0]--;
    total[1] -= bytes;
  }

  /** Counts a message removed for this reason. */
  public void remove(String deviceId, long bytes, Removal why) {
    long[] d = devices.computeIfAbsent(deviceId, k -> new long[4]);
    for (long[] c : new long[][] {d, total}) {
      c[0]--;
      c[1] -= bytes;
      if (why == Removal.DROPPED) {
        c[2]++;
      } else if (why == Removal.EXPIRED) {
        c[3]++;
      }
    }
    if (why != Removal.DELETED) {
      lost.computeIfAbsent(deviceId, k -> new AtomicLong()).incrementAndGet();
    }
  }

  /** Returns how many of the device's messages were dropped or expired; thread-safe, without a lock. */
  public long droppedOrExpired(String deviceId) {
    AtomicLong n = lost.get(deviceId);
    return n == null ? 0 : n.get();
  }

  /** Returns the bytes queued in all. */
  public long bytes() {
    return total[1];
  }

  /** Returns the messages queued in all. */
  public long messages() {
    return total[0];
  }

  /** Returns the totals. */
  public StoreStats stats() {
    return StoreStats.of(total[0], total[1], total[2], total[3]);
  }

  /** Returns one device's counters (zeros if unknown). */
  public StoreStats stats(String deviceId) {
    long[] d = devices.get(deviceId);
    return d == null ? StoreStats.of(0, 0, 0, 0) : StoreStats.of(d[0], d[1], d[2], d[3]);
  }

  /**
   * Returns the device whose queue holds the most bytes (ties: the lowest id), the one {@code DROP_OLDEST} takes from.
   *
   * @throws IllegalStateException if nothing is queued
   */
  public String fullestDevice() {
    String best = null;
    long bestBytes = 0;
    for (Map.Entry<String, long[]> e : devices.entrySet()) {
      long b = e.getValue()[1];
      if (e.getValue()[0] > 0 && (best == null || b > bestBytes || (b == bestBytes && e.getKey().compareTo(best) < 0))) {
        best = e.getKey();
        bestBytes = b;
      }
    }
    if (best == null) {
      throw new IllegalStateException("no device has messages queued");
    }
    return best;
  }

  /** Returns the devices with messages queued, sorted. */
  public Set<String> devices() {
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, long[]> e : devices.entrySet()) {
      if (e.getValue()[0] > 0) {
        out.add(e.getKey());
      }
    }
    return out;
  }
}
