// Charges every object of a heap dump to its owner, the first object on its shortest path from a GC root (read from
// the object back to the root) that is neither a JDK object, nor an array, nor a queue of RxJava, Netty or HiveMQ.
package io.rxiothub.benchmarks.heap;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Owner attribution over one {@link Hprof}: a breadth-first walk from the GC roots (and every class object, whose
 * statics are roots) gives each object its shortest path; an object that qualifies owns itself, any other object
 * belongs to its parent's owner. Bytes are summed per owner class (lambdas folded into {@code Outer$$Lambda}).
 * Arrays of 64 KB and more are left out: Netty's pooled heap chunks (4 MiB each, shared by every connection) and
 * the JVM's jar buffers, whose count steps with load, not with clients.
 */
final class Owners {

  /** Key of objects whose path from a root holds only JDK objects, arrays and queues. */
  static final String JDK_ONLY = "(reached from a root through JDK objects only)";
  static final long LARGE_ARRAY = 64 * 1024;

  private Owners() {}

  /** Bytes per owner class in {@code heap}, and per class of the objects it owns: owner -> class -> bytes. */
  static Map<String, Map<String, Long>> attribute(Hprof heap) {
    int n = heap.count();
    int[] owner = new int[n];
    Arrays.fill(owner, -2);
    int[] queue = new int[n];
    int tail = 0;
    Map<String, Boolean> qualifies = new HashMap<>();
    for (int r : heap.roots()) {
      if (owner[r] == -2) {
        owner[r] = qualifies(heap, r, qualifies) ? r : -1;
        queue[tail++] = r;
      }
    }
    for (int o = 0; o < n; o++) {
      if (owner[o] == -2 && heap.kind(o) == Hprof.CLASS) {
        owner[o] = qualifies(heap, o, qualifies) ? o : -1;
        queue[tail++] = o;
      }
    }
    int[] end = {tail};
    for (int head = 0; head < end[0]; head++) {
      int from = queue[head];
      heap.references(from, to -> {
        if (owner[to] == -2) {
          owner[to] = qualifies(heap, to, qualifies) ? to : owner[from];
          queue[end[0]++] = to;
        }
      });
    }
    Map<String, Map<String, Long>> bytes = new HashMap<>();
    Map<Integer, String> keys = new HashMap<>();
    for (int o = 0; o < n; o++) {
      long size = heap.size(o);
      byte kind = heap.kind(o);
      if (size == 0 || (kind == Hprof.OBJECT_ARRAY || kind == Hprof.PRIMITIVE_ARRAY) && size >= LARGE_ARRAY) {
        continue;
      }
      String key;
      if (owner[o] == -2) {
        key = "(unreachable in the dump)";
      } else if (owner[o] == -1) {
        key = JDK_ONLY;
      } else {
        int w = owner[o];
        key = keys.computeIfAbsent(w, k -> key(heap, k));
      }
      bytes.computeIfAbsent(key, k -> new HashMap<>()).merge(normalize(heap.className(o)), size, Long::sum);
    }
    return bytes;
  }

  private static String key(Hprof heap, int o) {
    String name = normalize(heap.className(o));
    return heap.kind(o) == Hprof.CLASS ? "static " + name : name;
  }

  /** Folds {@code Outer$$Lambda$123/0x...} into {@code Outer$$Lambda}. */
  static String normalize(String className) {
    int i = className.indexOf("$$Lambda");
    return i < 0 ? className : className.substring(0, i) + "$$Lambda";
  }

  private static boolean qualifies(Hprof heap, int o, Map<String, Boolean> cache) {
    byte kind = heap.kind(o);
    if (kind == Hprof.OBJECT_ARRAY || kind == Hprof.PRIMITIVE_ARRAY) {
      return false;
    }
    return cache.computeIfAbsent(heap.className(o), Owners::qualifies);
  }

  /** Not a JDK ({@code java.*}) class and not a queue of RxJava, Netty or HiveMQ (its JCTools included). */
  static boolean qualifies(String className) {
    if (className.startsWith("java.")) {
      return false;
    }
    boolean library = className.startsWith("io.reactivex.") || className.startsWith("io.netty.")
        || className.startsWith("com.hivemq.client.") || className.startsWith("org.jctools.");
    return !(library && className.substring(className.lastIndexOf('.') + 1).contains("Queue"));
  }

  /** The component group of an owner key, for the summary table. */
  static String group(String key) {
    String c = key.startsWith("static ") ? key.substring(7) : key;
    if (key.startsWith("(")) {
      return key;
    }
    if (c.startsWith("io.rxiothub.benchmarks.")) {
      return "benchmark harness (the application)";
    }
    if (c.startsWith("io.rxiothub.")) {
      return "rxiothub";
    }
    if (c.startsWith("io.reactivex.rxjava3.")) {
      return "RxJava 3";
    }
    if (c.startsWith("io.reactivex.")) {
      return "RxJava 2 (HiveMQ's flows)";
    }
    if (c.startsWith("com.hivemq.client.") || c.startsWith("dagger.")) {
      return "HiveMQ client";
    }
    if (c.startsWith("io.netty.")) {
      return "Netty";
    }
    if (c.startsWith("sun.security.") || c.startsWith("javax.net.") || c.startsWith("com.sun.crypto.")
        || c.startsWith("javax.crypto.")) {
      return "JDK TLS";
    }
    if (c.startsWith("sun.nio.")) {
      return "JDK NIO";
    }
    return "other";
  }
}
