// The field gateway end to end (issue 20): the hub emulator, the gateway and the leaves each in their own JVM.
package io.rxiothub.benchmarks.gateway;

import io.rxiothub.benchmarks.e2e.HubProcess;
import io.rxiothub.benchmarks.e2e.Json;
import io.rxiothub.benchmarks.e2e.Jvm;
import io.rxiothub.benchmarks.heap.GatewayHeapDiff;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GatewayBench [leaves=100] [direct=10] [warmupSeconds=5] [measureSeconds=20] [diskMessagesPerLeaf=20]
 * [resultFile]}: starts {@link GatewayHubServer} (the hub emulator), {@link GatewayServer} (the gateway, durable store
 * under {@code benchmarks/target/gateway-bench}) and {@link GatewayLeaves} (the leaves and the control group that
 * connects straight to the hub), each in its own JVM; prints the result and a summary against the targets.
 * The run: {@code 1000 100 30 270 20}; {@code -Dbench.gatewayRate=N} sets each leaf's messages per second
 * (default 10). {@code -Dbench.gatewayJvmOptions="..."} adds options to the
 * gateway's JVM (e.g. {@code -XX:StartFlightRecording=filename=gw.jfr,settings=profile}). Heap only (no sending):
 * {@code N 0 0 0 0}; with {@code -Dbench.gatewayDumps=DIR} the gateway's live heap is also dumped with 100 and N
 * leaves and attributed per leaf by side, owner and class ({@link GatewayHeapDiff}).
 */
public final class GatewayBench {

  private static final String LOGBACK = "-Dlogback.configurationFile=logback-bench.xml";

  private GatewayBench() {}

  /** Entry point; see the class comment. */
  @SuppressWarnings("unchecked")
  public static void main(String[] a) throws Exception {
    int leaves = a.length > 0 ? Integer.parseInt(a[0]) : 100;
    int direct = a.length > 1 ? Integer.parseInt(a[1]) : 10;
    String warmup = a.length > 2 ? a[2] : "5";
    String measure = a.length > 3 ? a[3] : "20";
    String disk = a.length > 4 ? a[4] : "20";
    Path data = Path.of("benchmarks/target/gateway-bench").toAbsolutePath();
    deleteTree(data);
    Files.createDirectories(data);
    List<String> hubJvm = List.of("-Xms1g", "-Xmx2g", "-XX:+UseG1GC", LOGBACK);
    List<String> gatewayJvm = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseG1GC", LOGBACK));
    String extra = System.getProperty("bench.gatewayJvmOptions", "").trim();
    if (!extra.isEmpty()) {
      gatewayJvm.addAll(List.of(extra.split(" +"))); // e.g. a JFR recording of the gateway alone
    }
    List<String> leavesJvm = new ArrayList<>(List.of("-Xms512m", "-Xmx2g", "-XX:+UseG1GC", LOGBACK,
        "-Dbench.gatewayRate=" + Integer.getInteger("bench.gatewayRate", 10)));
    String dumps = System.getProperty("bench.gatewayDumps");
    if (dumps != null) {
      Files.createDirectories(Path.of(dumps));
      leavesJvm.add("-Dbench.gatewayDumps=" + Path.of(dumps).toAbsolutePath());
    }
    Map<String, Object> r;
    try (HubProcess hub = HubProcess.start(GatewayHubServer.class, "localhost",
        List.of("localhost", GatewayLeaves.GATEWAY_PREFIX), hubJvm)) {
      hub.command("devices " + GatewayLeaves.GATEWAY_PREFIX + " " + leaves);
      hub.command("devices " + GatewayLeaves.DIRECT_PREFIX + " " + direct);
      try (HubProcess gateway = HubProcess.start(GatewayServer.class, "localhost",
          List.of(hub.host(), Integer.toString(hub.mqttPort()), hub.caFile().toString(),
              GatewayLeaves.GATEWAY_PREFIX, Integer.toString(leaves), data.resolve("data").toString()),
          gatewayJvm)) {
        List<String> args = new ArrayList<>(List.of(Integer.toString(leaves), Integer.toString(direct), warmup,
            measure, disk));
        args.addAll(hub.args());
        List<String> g = gateway.args();
        args.addAll(g.subList(1, 4));
        r = Jvm.run(leavesJvm, GatewayLeaves.class, args,
            300 + Long.parseLong(warmup) + Long.parseLong(measure));
      }
    }
    Path dumpA = dumps == null ? null : Path.of(dumps, "gateway-100.hprof");
    Path dumpB = dumps == null ? null : Path.of(dumps, "gateway-" + leaves + ".hprof");
    if (dumpA != null && leaves > 100 && Files.exists(dumpA) && Files.exists(dumpB)) {
      Map<String, Object> d = GatewayHeapDiff.diff(dumpA, dumpB, leaves - 100);
      System.out.println(GatewayHeapDiff.tables(d));
      r.put("heapPerLeafAttributed", d);
    }
    String json = Json.write(r);
    System.out.println(json);
    if (a.length > 5) {
      Files.writeString(Path.of(a[5]), json + "\n", StandardCharsets.UTF_8);
    }
    if (!r.containsKey("error")) {
      System.out.println(summary(r));
    }
    System.exit(r.containsKey("error") ? 1 : 0);
  }

  @SuppressWarnings("unchecked")
  static String summary(Map<String, Object> r) {
    StringBuilder b = new StringBuilder();
    Map<String, Object> lat = (Map<String, Object>) r.get("latencyAtHub");
    if (lat != null) { // absent in the heap-only mode
      Map<String, Object> gw = (Map<String, Object>) lat.get("gateway");
      Map<String, Object> dl = (Map<String, Object>) lat.get("direct");
      b.append("| path | n | p50 ms | p99 ms | p99.9 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n");
      row(b, "through the gateway", gw);
      row(b, "straight to the hub", dl);
      b.append(String.format(Locale.ROOT, "added by the gateway: p50 %.2f ms, p99 %.2f ms%n",
          (num(gw, "p50Us") - num(dl, "p50Us")) / 1000, (num(gw, "p99Us") - num(dl, "p99Us")) / 1000));
      double seconds = num(r, "measuredSeconds");
      double throughGateway = num(gw, "n") / seconds;
      double all = (num(gw, "n") + num(dl, "n")) / seconds;
      // CPU per message: the gateway's per message through it; the hub's and the leaves' per message they carried
      b.append(String.format(Locale.ROOT, "CPU per message: gateway %.0f us, hub %.0f us, leaves %.0f us "
          + "(%.0f msg/s through the gateway, %.0f in all)%n",
          cpuMicrosPerMessage(r, "gatewayCpuPctOfOneCore", throughGateway),
          cpuMicrosPerMessage(r, "hubCpuPctOfOneCore", all), cpuMicrosPerMessage(r, "leavesCpuPctOfOneCore", all),
          throughGateway, all));
    }
    List<Object> steps = (List<Object>) r.get("gatewaySteps");
    double heap100 = Double.NaN;
    for (Object o : steps) {
      Map<String, Object> s = (Map<String, Object>) o;
      long n = (long) num(s, "leavesConnected");
      double heap = num(s, "heapAfterGc");
      b.append(String.format(Locale.ROOT, "gateway with %d leaves: %d threads, heap %.1f MB%n", n,
          (long) num(s, "threads"), heap / 1048576));
      if (n == 100) {
        heap100 = heap;
      } else if (n > 100 && !Double.isNaN(heap100)) {
        b.append(String.format(Locale.ROOT, "heap per leaf, marginal (100 -> %d): %.2f KB%n", n,
            (heap - heap100) / (n - 100) / 1024));
      }
    }
    return b.toString();
  }

  /** A process's CPU (percent of one core over the measured seconds) per message of {@code perSecond}. */
  private static double cpuMicrosPerMessage(Map<String, Object> r, String key, double perSecond) {
    return num(r, key) / 100 * 1e6 / perSecond;
  }

  private static void row(StringBuilder b, String name, Map<String, Object> m) {
    b.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.2f |%n", name, (long) num(m, "n"),
        num(m, "p50Us") / 1000, num(m, "p99Us") / 1000, num(m, "p999Us") / 1000, num(m, "maxUs") / 1000));
  }

  private static double num(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
