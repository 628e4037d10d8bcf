// Who owns the heap of an idle client: two live-heap dumps of idle clients, owner attribution, the difference.
package io.rxiothub.benchmarks.heap;

import io.rxiothub.benchmarks.e2e.HubProcess;
import io.rxiothub.benchmarks.e2e.Json;
import io.rxiothub.benchmarks.e2e.Jvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code HeapAttribution [n1 n2 [resultFile]]} (default 200 and 1,000): starts the emulator in its own JVM, runs
 * {@link HeapClients} in a fresh client JVM, which dumps its live heap with n1 and with n2 idle connected clients,
 * charges every object of each dump to its owner ({@link Owners}) and prints the difference divided by
 * {@code n2 - n1}: the bytes one more idle client costs, per owner group and per rxiothub owner class, free of
 * what all clients share. Also run by {@code benchmarks/run full e2e heap} ({@code -Dbench.heapSizes=200,1000}).
 */
public final class HeapAttribution {

  /** RxJava 3 subscribers that the application's own {@code subscribe(consumer)} calls create. */
  private static final Set<String> APPLICATION_SUBSCRIBERS = Set.of(
      "io.reactivex.rxjava3.internal.subscribers.LambdaSubscriber",
      "io.reactivex.rxjava3.internal.observers.LambdaObserver",
      "io.reactivex.rxjava3.internal.observers.ConsumerSingleObserver",
      "io.reactivex.rxjava3.internal.observers.CallbackCompletableObserver");
  private static final List<String> CLIENT_JVM = List.of("-Xms512m", "-Xmx1g", "-XX:+UseG1GC",
      "-Drx2.purge-enabled=false", "-Dlogback.configurationFile=logback-bench.xml");
  private static final List<String> HUB_JVM = List.of("-Xms512m", "-Xmx2g", "-XX:+UseG1GC",
      "-Dlogback.configurationFile=logback-bench.xml");

  private HeapAttribution() {}

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws Exception {
    int n1 = args.length > 1 ? Integer.parseInt(args[0]) : 200;
    int n2 = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    Map<String, Object> r = run(n1, n2);
    if (args.length > 2) {
      Files.writeString(Path.of(args[2]), Json.write(r) + "\n", StandardCharsets.UTF_8);
    }
    System.exit(r.containsKey("error") ? 1 : 0);
  }

  /** Runs the attribution and prints its tables; the map holds the numbers (or {@code error}). */
  public static Map<String, Object> run(int n1, int n2) throws IOException {
    if (n1 <= 0 || n2 <= n1) {
      throw new IllegalArgumentException("sizes must satisfy 0 < n1 < n2, got " + n1 + " and " + n2);
    }
    long t0 = System.nanoTime();
    Path dir = Files.createTempDirectory("rxiothub-heap");
    Path dumpA = dir.resolve("idle-" + n1 + ".hprof");
    Path dumpB = dir.resolve("idle-" + n2 + ".hprof");
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("n1", n1);
    r.put("n2", n2);
    try {
      Map<String, Object> clients;
      try (HubProcess hub = HubProcess.start("localhost", 0, HUB_JVM)) {
        hub.command("devices s0x " + n2);
        List<String> a = new ArrayList<>();
        a.add(Integer.toString(n1));
        a.add(Integer.toString(n2));
        a.addAll(hub.args());
        a.add(dumpA.toString());
        a.add(dumpB.toString());
        System.out.println("== heap attribution: " + n1 + " and " + n2 + " idle clients");
        clients = Jvm.run(CLIENT_JVM, HeapClients.class, a, 600);
      }
      r.put("clients", clients);
      if (clients.containsKey("error")) {
        r.put("error", clients.get("error"));
        return r;
      }
      Map<String, Map<String, Long>> before = Owners.attribute(Hprof.read(dumpA));
      Map<String, Map<String, Long>> after = Owners.attribute(Hprof.read(dumpB));
      Map<String, Double> perClient = new TreeMap<>();
      Map<String, Map<String, Double>> composition = new TreeMap<>();
      Set<String> keys = new HashSet<>(before.keySet());
      keys.addAll(after.keySet());
      for (String k : keys) {
        Map<String, Double> parts = difference(before.getOrDefault(k, Map.of()), after.getOrDefault(k, Map.of()),
            n2 - n1);
        double d = parts.values().stream().mapToDouble(Double::doubleValue).sum();
        if (d != 0) {
          perClient.put(k, d);
        }
        if (ours(k) && !parts.isEmpty()) {
          composition.put(k, parts);
        }
      }
      r.put("bytesPerClientByOwner", perClient);
      r.put("ourOwnersByObjectClass", composition);
      r.put("seconds", (System.nanoTime() - t0) / 1e9);
      System.out.println(tables(r, perClient));
      return r;
    } finally {
      Files.deleteIfExists(dumpA);
      Files.deleteIfExists(dumpB);
      Files.deleteIfExists(dir);
    }
  }

  /** (after - before) / clients per object class, zeros left out. */
  private static Map<String, Double> difference(Map<String, Long> before, Map<String, Long> after, int clients) {
    Map<String, Double> d = new TreeMap<>();
    Set<String> classes = new HashSet<>(before.keySet());
    classes.addAll(after.keySet());
    for (String c : classes) {
      long delta = after.getOrDefault(c, 0L) - before.getOrDefault(c, 0L);
      if (delta != 0) {
        d.put(c, delta / (double) clients);
      }
    }
    return d;
  }

  /** Whether the owner counts as rxiothub's own: our classes and the RxJava 3 objects we create. */
  static boolean ours(String owner) {
    String group = Owners.group(owner);
    return group.equals("rxiothub") || group.equals("RxJava 3") && !APPLICATION_SUBSCRIBERS.contains(owner);
  }

  private static String tables(Map<String, Object> r, Map<String, Double> perClient) {
    Map<String, Double> groups = new TreeMap<>();
    double total = 0;
    double ours = 0;
    for (Map.Entry<String, Double> e : perClient.entrySet()) {
      groups.merge(Owners.group(e.getKey()), e.getValue(), Double::sum);
      total += e.getValue();
      if (ours(e.getKey())) {
        ours += e.getValue();
      }
    }
    r.put("bytesPerClientByGroup", groups);
    r.put("bytesPerClient", total);
    r.put("rxiothubOwnBytesPerClient", ours);
    StringBuilder s = new StringBuilder();
    s.append("\n### Heap per idle client by owner (").append(r.get("n1")).append(" → ").append(r.get("n2"))
        .append(" clients), bytes\n\n| owner | bytes/client |\n|---|---:|\n");
    groups.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
        .forEach(e -> s.append("| ").append(e.getKey()).append(" | ").append(fmt(e.getValue())).append(" |\n"));
    s.append("| **total** | **").append(fmt(total)).append("** |\n\n");
    s.append("rxiothub's own (rxiothub classes and the RxJava 3 objects they own, not the application's "
        + "subscribers): **").append(fmt(ours)).append(" B per client**\n\n| rxiothub / RxJava 3 owner | bytes/client |\n"
        + "|---|---:|\n");
    perClient.entrySet().stream()
        .filter(e -> Owners.group(e.getKey()).equals("rxiothub") || Owners.group(e.getKey()).equals("RxJava 3"))
        .filter(e -> Math.abs(e.getValue()) >= 4)
        .sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
        .forEach(e -> s.append("| `").append(e.getKey()).append("` | ").append(fmt(e.getValue())).append(" |\n"));
    s.append("\nLargest other owners:\n\n| owner | bytes/client |\n|---|---:|\n");
    perClient.entrySet().stream()
        .filter(e -> !Owners.group(e.getKey()).equals("rxiothub") && !Owners.group(e.getKey()).equals("RxJava 3"))
        .sorted((x, y) -> Double.compare(y.getValue(), x.getValue())).limit(25)
        .forEach(e -> s.append("| `").append(e.getKey()).append("` | ").append(fmt(e.getValue())).append(" |\n"));
    return s.toString();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }
}
