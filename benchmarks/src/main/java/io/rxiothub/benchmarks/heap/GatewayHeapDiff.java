// What one more leaf costs the gateway's heap: two live-heap dumps of the gateway JVM, by side, owner and class.
package io.rxiothub.benchmarks.heap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GatewayHeapDiff <dumpA> <dumpB> <leavesA> <leavesB>}: reads two live-heap dumps of the gateway JVM (from
 * {@code GatewayBench} with {@code -Dbench.gatewayDumps=DIR}) and prints (after − before) ÷ (leavesB − leavesA):
 * <ul>
 *   <li>by <b>side</b>: the first object on an object's shortest path from a GC root that marks a side decides it
 *       — HiveMQ CE's broker classes and a Netty channel the broker accepted (one with a server channel as parent)
 *       are the downstream, our device-client, transport and the HiveMQ client (and a channel without a parent)
 *       the upstream, the gateway's own classes and its store their own sides;</li>
 *   <li>by owner ({@link Owners}) and owner group;</li>
 *   <li>by class: a class histogram, bytes and instances per leaf, every object counted (large arrays too).</li>
 * </ul>
 */
public final class GatewayHeapDiff {

  static final String UNMARKED = "(no side on the path)";

  private GatewayHeapDiff() {}

  /** Entry point; see the class comment. */
  public static void main(String[] a) throws IOException {
    System.out.println(tables(diff(Path.of(a[0]), Path.of(a[1]), Integer.parseInt(a[3]) - Integer.parseInt(a[2]))));
  }

  /** The per-leaf differences: {@code bySide}, {@code byGroup}, {@code byOwner}, {@code byClass}, {@code countByClass}. */
  public static Map<String, Object> diff(Path before, Path after, int leaves) throws IOException {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("leaves", leaves);
    Hprof a = Hprof.read(before);
    Map<String, Map<String, Long>> ownersA = Owners.attribute(a);
    Map<String, Long> sidesA = sides(a);
    Map<String, long[]> classesA = histogram(a);
    a = null; // one dump in memory at a time
    Hprof b = Hprof.read(after);
    Map<String, Map<String, Long>> ownersB = Owners.attribute(b);
    Map<String, Long> sidesB = sides(b);
    Map<String, long[]> classesB = histogram(b);
    Map<String, Double> bySideAndClass = perLeaf(sidesA, sidesB, leaves);
    Map<String, Double> bySide = new TreeMap<>();
    bySideAndClass.forEach((k, v) -> bySide.merge(k.substring(0, k.indexOf(" | ")), v, Double::sum));
    r.put("bySide", bySide);
    r.put("bySideAndClass", bySideAndClass);
    Map<String, Long> flatA = new HashMap<>();
    Map<String, Long> flatB = new HashMap<>();
    ownersA.forEach((k, v) -> flatA.put(k, v.values().stream().mapToLong(Long::longValue).sum()));
    ownersB.forEach((k, v) -> flatB.put(k, v.values().stream().mapToLong(Long::longValue).sum()));
    Map<String, Double> byOwner = perLeaf(flatA, flatB, leaves);
    Map<String, Double> byGroup = new TreeMap<>();
    byOwner.forEach((k, v) -> byGroup.merge(group(k), v, Double::sum));
    r.put("byGroup", byGroup);
    r.put("byOwner", byOwner);
    Map<String, Long> bytesA = new HashMap<>();
    Map<String, Long> bytesB = new HashMap<>();
    Map<String, Long> countA = new HashMap<>();
    Map<String, Long> countB = new HashMap<>();
    classesA.forEach((k, v) -> {
      bytesA.put(k, v[0]);
      countA.put(k, v[1]);
    });
    classesB.forEach((k, v) -> {
      bytesB.put(k, v[0]);
      countB.put(k, v[1]);
    });
    r.put("byClass", perLeaf(bytesA, bytesB, leaves));
    r.put("countByClass", perLeaf(countA, countB, leaves));
    r.put("totalPerLeaf", perLeaf(bytesA, bytesB, leaves).values().stream().mapToDouble(Double::doubleValue).sum());
    return r;
  }

  /** Owner groups, with HiveMQ CE's broker and the gateway apart from the client libraries. */
  static String group(String owner) {
    String c = owner.startsWith("static ") ? owner.substring(7) : owner;
    if (c.startsWith("io.rxiothub.gateway.")) {
      return "rxiothub gateway (relay, store, extension)";
    }
    if (c.startsWith("com.hivemq.") && !c.startsWith("com.hivemq.client.")) {
      return "HiveMQ CE broker";
    }
    return Owners.group(owner);
  }

  /** Bytes and instances per class name. */
  static Map<String, long[]> histogram(Hprof heap) {
    Map<String, long[]> h = new HashMap<>();
    for (int o = 0; o < heap.count(); o++) {
      long size = heap.size(o);
      if (size == 0) {
        continue;
      }
      long[] v = h.computeIfAbsent(Owners.normalize(heap.className(o)), k -> new long[2]);
      v[0] += size;
      v[1]++;
    }
    return h;
  }

  /** Bytes per "side | class" (see the class comment); objects no root reaches are left out. */
  static Map<String, Long> sides(Hprof heap) {
    int n = heap.count();
    byte[] side = new byte[n]; // 0: not reached yet, else index + 1 into SIDES
    int[] queue = new int[n];
    int tail = 0;
    Map<String, Byte> cache = new HashMap<>();
    for (int r : heap.roots()) {
      if (side[r] == 0) {
        side[r] = mark(heap, r, (byte) (1 + UNMARKED_INDEX), cache);
        queue[tail++] = r;
      }
    }
    for (int o = 0; o < n; o++) {
      if (side[o] == 0 && heap.kind(o) == Hprof.CLASS) {
        side[o] = mark(heap, o, (byte) (1 + UNMARKED_INDEX), cache);
        queue[tail++] = o;
      }
    }
    int[] end = {tail};
    for (int head = 0; head < end[0]; head++) {
      int from = queue[head];
      heap.references(from, to -> {
        if (side[to] == 0) {
          side[to] = mark(heap, to, side[from], cache);
          queue[end[0]++] = to;
        }
      });
    }
    Map<String, Long> out = new HashMap<>();
    for (int o = 0; o < n; o++) {
      if (side[o] != 0) {
        out.merge(SIDES[side[o] - 1] + " | " + Owners.normalize(heap.className(o)), heap.size(o), Long::sum);
      }
    }
    return out;
  }

  private static final String[] SIDES = {"downstream: HiveMQ CE broker, its channels and TLS",
      "upstream: DeviceClient, HiveMQ client, their channels and TLS", "gateway: relay, extension, runtime",
      "gateway store", UNMARKED};
  private static final int UNMARKED_INDEX = 4;

  private static byte mark(Hprof heap, int o, byte inherited, Map<String, Byte> cache) {
    byte kind = heap.kind(o);
    if (kind == Hprof.OBJECT_ARRAY || kind == Hprof.PRIMITIVE_ARRAY) {
      return inherited;
    }
    String c = heap.className(o);
    if (kind == Hprof.INSTANCE && c.equals("io.netty.channel.socket.nio.NioSocketChannel")) {
      boolean[] accepted = {false};
      heap.references(o, t -> accepted[0] |= heap.className(t).equals(
          "io.netty.channel.socket.nio.NioServerSocketChannel"));
      return (byte) (1 + (accepted[0] ? 0 : 1));
    }
    byte s = cache.computeIfAbsent(c, GatewayHeapDiff::sideOf);
    return s == 0 ? inherited : s;
  }

  /** The side a class marks (index + 1), or 0 when it marks none. */
  private static byte sideOf(String c) {
    if (c.startsWith("io.rxiothub.gateway.store.") || c.startsWith("org.rocksdb.")) {
      return 4;
    }
    if (c.startsWith("io.rxiothub.gateway.")) {
      return 3;
    }
    if (c.startsWith("com.hivemq.client.") || c.startsWith("io.rxiothub.device.")
        || c.startsWith("io.rxiothub.transport.")) {
      return 2;
    }
    if (c.startsWith("com.hivemq.")) {
      return 1;
    }
    return 0;
  }

  private static Map<String, Double> perLeaf(Map<String, Long> before, Map<String, Long> after, int leaves) {
    Map<String, Double> d = new TreeMap<>();
    Set<String> keys = new HashSet<>(before.keySet());
    keys.addAll(after.keySet());
    for (String k : keys) {
      long delta = after.getOrDefault(k, 0L) - before.getOrDefault(k, 0L);
      if (delta != 0) {
        d.put(k, delta / (double) leaves);
      }
    }
    return d;
  }

  /** Markdown tables of {@link #diff}'s result. */
  @SuppressWarnings("unchecked")
  public static String tables(Map<String, Object> r) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "%n### Gateway heap per leaf (all objects): %,.0f B%n",
        (double) r.get("totalPerLeaf")));
    table(s, "side", (Map<String, Double>) r.get("bySide"), null, 10);
    table(s, "side | class", (Map<String, Double>) r.get("bySideAndClass"), null, 60);
    table(s, "owner group", (Map<String, Double>) r.get("byGroup"), null, 20);
    table(s, "owner", (Map<String, Double>) r.get("byOwner"), null, 30);
    table(s, "class", (Map<String, Double>) r.get("byClass"), (Map<String, Double>) r.get("countByClass"), 45);
    return s.toString();
  }

  private static void table(StringBuilder s, String name, Map<String, Double> bytes, Map<String, Double> counts,
      int limit) {
    s.append("\n| ").append(name).append(" | bytes per leaf |").append(counts == null ? "" : " instances per leaf |")
        .append("\n|---|---:|").append(counts == null ? "" : "---:|").append('\n');
    bytes.entrySet().stream().sorted((x, y) -> Double.compare(Math.abs(y.getValue()), Math.abs(x.getValue())))
        .limit(limit).forEach(e -> {
          s.append("| `").append(e.getKey()).append("` | ").append(String.format(Locale.ROOT, "%,.0f", e.getValue()))
              .append(" |");
          if (counts != null) {
            s.append(String.format(Locale.ROOT, " %.2f |", counts.getOrDefault(e.getKey(), 0.0)));
          }
          s.append('\n');
        });
  }
}
