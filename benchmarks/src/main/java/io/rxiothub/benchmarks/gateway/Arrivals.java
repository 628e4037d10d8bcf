// What the hub saw of the benchmark's leaves: per leaf, which sequence numbers arrived and in what order; per path
// (through the gateway, or straight to the hub), the latency from the leaf's send to the hub's arrival.
package io.rxiothub.benchmarks.gateway;

import io.rxiothub.benchmarks.e2e.Bench;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Thread-safe. A message's payload starts {@code {"seq":<n>,"t":<System.nanoTime() at the leaf's send>}; the
 * leaves and the hub run on one machine, where {@code System.nanoTime()} is the system-wide monotonic clock, so the
 * difference of two JVMs' readings is a latency.
 */
final class Arrivals {

  /** Per leaf: the sequence numbers seen, the highest so far, arrivals below it (out of order or repeated). */
  private static final class Leaf {
    final BitSet seen = new BitSet();
    long highest = -1;
    long received;
    long duplicates;
    long outOfOrder;
  }

  /** Latencies (ns) of one path, of messages sent at or after the mark. */
  private static final class Path {
    long[] nanos = new long[1 << 16];
    int count;

    synchronized void add(long latency) {
      if (count == nanos.length) {
        nanos = java.util.Arrays.copyOf(nanos, nanos.length * 2);
      }
      nanos[count++] = latency;
    }

    synchronized Map<String, Object> summary() {
      return Bench.latency(nanos, count);
    }

    synchronized void clear() {
      count = 0;
    }
  }

  private final Map<String, Leaf> leaves = new ConcurrentHashMap<>();
  private final Path gateway = new Path();
  private final Path direct = new Path();
  private final String gatewayPrefix;
  private volatile long markNanos = Long.MAX_VALUE;

  Arrivals(String gatewayPrefix) {
    this.gatewayPrefix = gatewayPrefix;
  }

  /** Latencies count from messages sent at or after now; the earlier ones are forgotten. */
  void mark() {
    gateway.clear();
    direct.clear();
    markNanos = System.nanoTime();
  }

  /** One telemetry message of {@code deviceId} arrived now. */
  void arrived(String deviceId, byte[] payload) {
    long now = System.nanoTime();
    long seq = number(payload, "\"seq\":");
    long sent = number(payload, "\"t\":");
    if (seq < 0) {
      return; // not a benchmark message
    }
    Leaf leaf = leaves.computeIfAbsent(deviceId, k -> new Leaf());
    synchronized (leaf) {
      leaf.received++;
      if (leaf.seen.get((int) seq)) {
        leaf.duplicates++;
      }
      leaf.seen.set((int) seq);
      if (seq < leaf.highest) {
        leaf.outOfOrder++;
      }
      leaf.highest = Math.max(leaf.highest, seq);
    }
    if (sent >= markNanos) {
      (deviceId.startsWith(gatewayPrefix) ? gateway : direct).add(now - sent);
    }
  }

  /**
   * The check of leaves prefix0, prefix1, ... against {@code acked}: leaf i got a PUBACK for its sequence numbers
   * 0..acked[i]-1, every one of which must have arrived.
   */
  Map<String, Object> check(String prefix, long[] ackedPerLeaf) {
    long lost = 0;
    long received = 0;
    long duplicates = 0;
    long outOfOrder = 0;
    int leavesWithLoss = 0;
    for (int i = 0; i < ackedPerLeaf.length; i++) {
      int acked = (int) ackedPerLeaf[i];
      Leaf leaf = leaves.get(prefix + i);
      if (leaf == null) {
        lost += acked;
        leavesWithLoss++;
        continue;
      }
      synchronized (leaf) {
        int missing = acked - leaf.seen.get(0, acked).cardinality();
        lost += missing;
        leavesWithLoss += missing > 0 ? 1 : 0;
        received += leaf.received;
        duplicates += leaf.duplicates;
        outOfOrder += leaf.outOfOrder;
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("received", received);
    m.put("lost", lost);
    m.put("leavesWithLoss", leavesWithLoss);
    m.put("duplicates", duplicates);
    m.put("outOfOrder", outOfOrder);
    return m;
  }

  /** Messages received from leaves whose id starts with {@code prefix}. */
  long received(String prefix) {
    long n = 0;
    for (Map.Entry<String, Leaf> e : leaves.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        synchronized (e.getValue()) {
          n += e.getValue().received;
        }
      }
    }
    return n;
  }

  /** Latency percentiles of both paths since the mark. */
  Map<String, Object> latency() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("gateway", gateway.summary());
    m.put("direct", direct.summary());
    return m;
  }

  /** The decimal number after {@code key} in the payload's first 64 bytes, or -1. */
  static long number(byte[] payload, String key) {
    String head = new String(payload, 0, Math.min(64, payload.length), StandardCharsets.US_ASCII);
    int at = head.indexOf(key);
    if (at < 0) {
      return -1;
    }
    long v = 0;
    boolean any = false;
    for (int i = at + key.length(); i < head.length(); i++) {
      char c = head.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
      any = true;
    }
    return any ? v : -1;
  }
}
