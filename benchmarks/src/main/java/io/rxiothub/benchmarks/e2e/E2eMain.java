// Orchestrates the end-to-end benchmarks: emulator JVM(s), one client JVM per scenario, table and JSON out.
package io.rxiothub.benchmarks.e2e;

import io.rxiothub.benchmarks.heap.HeapAttribution;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@code E2eMain <quick|full> <resultFile> [scenario...]}. The emulator always runs in its own JVM, and each
 * client scenario in a fresh JVM, so client threads, heap, CPU and allocation are the client's alone (both still
 * share the machine's cores). Scenarios: d2c, method, twin, reconnect, scale, azure, watson (default: all), and heap
 * (only when named: the heap attribution of idle clients), and service (only when named: the emulator's service REST
 * API, {@link ServiceBench}).
 */
public final class E2eMain {

  /** Our logging setup (HiveMQ CE's jar carries its own logback.xml, which would otherwise win). */
  static final String LOGBACK = "-Dlogback.configurationFile=logback-bench.xml";
  private static final List<String> CLIENT_JVM = List.of("-Xms512m", "-Xmx2g", "-XX:+UseG1GC", LOGBACK);
  private static final List<String> HUB_JVM = List.of("-Xms1g", "-Xmx3g", "-XX:+UseG1GC", LOGBACK);

  private final boolean full;
  private final Map<String, Object> results = new LinkedHashMap<>();

  private E2eMain(boolean full) {
    this.full = full;
  }

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws Exception {
    boolean full = "full".equals(args[0]);
    Path out = Path.of(args[1]);
    List<String> only = args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
    E2eMain main = new E2eMain(full);
    main.results.put("profile", full ? "full" : "quick");
    main.results.put("cores", Runtime.getRuntime().availableProcessors());
    main.results.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    main.results.put("startedAt", java.time.Instant.now().toString());
    if (only.isEmpty() || only.stream().anyMatch(List.of("d2c", "method", "twin", "reconnect")::contains)) {
      main.sharedHub(only);
    }
    if (only.isEmpty() || only.contains("scale")) {
      main.scale();
    }
    if (only.isEmpty() || only.contains("azure")) {
      main.azure();
    }
    if (only.isEmpty() || only.contains("watson")) {
      main.watson();
    }
    if (only.contains("heap")) {
      // named only: two heap dumps and their attribution (1-2 minutes), not part of the default run
      List<Integer> sizes = sizes("bench.heapSizes", "200,1000");
      main.results.put("heap", HeapAttribution.run(sizes.get(0), sizes.get(1)));
    }
    if (only.contains("service")) {
      // named only: the emulator's service REST API (issue 17), in one JVM with its HTTP client
      main.results.put("service", ServiceBench.run(Integer.getInteger("bench.serviceDevices", 10_000),
          full ? 200 : 50, full ? 5_000 : 1_000));
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, Json.write(main.results) + "\n", StandardCharsets.UTF_8);
    System.out.println();
    System.out.println(Report.tables(main.results));
    System.out.println("JSON: " + out);
    for (java.nio.file.Path chart : io.rxiothub.benchmarks.charts.BenchCharts.write(main.results, out)) {
      System.out.println("chart: " + chart);
    }
    List<String> failed = new ArrayList<>();
    main.collectErrors("", main.results, failed);
    if (!failed.isEmpty()) {
      System.out.println("FAILED scenarios: " + failed);
      System.exit(1);
    }
  }

  /** The scenarios that share one emulator JVM. */
  private void sharedHub(List<String> only) throws IOException {
    try (HubProcess hub = HubProcess.start("localhost", 0, HUB_JVM)) {
      hub.command("devices d 8"); // d0..d5: the D2C clients, d7: the warm-up run
      hub.command("devices m 4");
      hub.command("devices t 4");
      hub.command("devices rc 4");
      if (only.isEmpty() || only.contains("d2c")) {
        d2c(hub);
      }
      if (only.isEmpty() || only.contains("method")) {
        method(hub);
      }
      if (only.isEmpty() || only.contains("twin")) {
        twin(hub);
      }
      if (only.isEmpty() || only.contains("reconnect")) {
        reconnect(hub);
      }
    }
  }

  private static List<Integer> sizes(String property, String defaults) {
    List<Integer> sizes = new ArrayList<>();
    for (String v : System.getProperty(property, defaults).split(",")) {
      sizes.add(Integer.parseInt(v.trim()));
    }
    return sizes;
  }

  /** Scenario errors (crashes, time-outs) of our code; the official SDK's part is best effort and never fails. */
  @SuppressWarnings("unchecked")
  private void collectErrors(String path, Map<String, Object> m, List<String> failed) {
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (path.isEmpty() && e.getKey().equals("azure") || path.equals("/watson") && e.getKey().equals("ibm")) {
        continue; // the official SDKs' parts are best effort
      }
      if (e.getKey().equals("error")) {
        failed.add(path + ": " + e.getValue());
      } else if (e.getValue() instanceof Map) {
        collectErrors(path + "/" + e.getKey(), (Map<String, Object>) e.getValue(), failed);
      }
    }
  }

  private List<String> args(HubProcess hub, String scenario, String client, String device, int n, int warmup) {
    List<String> a = new ArrayList<>();
    a.add(scenario);
    a.add(client);
    a.addAll(hub.args());
    a.add(device);
    a.add(Integer.toString(n));
    a.add(Integer.toString(warmup));
    return a;
  }

  private Map<String, Object> client(HubProcess hub, String scenario, String client, String device, int n,
      int warmup) {
    System.out.println("== " + scenario + " " + client + " (" + elapsed() + ")");
    List<String> jvm = new ArrayList<>(CLIENT_JVM);
    jfr(scenario + "-" + client).ifPresent(jvm::add);
    Map<String, Object> r = Jvm.run(jvm, ClientBench.class, args(hub, scenario, client, device, n, warmup),
        600);
    System.out.println("   " + Json.write(r));
    return r;
  }

  /**
   * With {@code -Dbench.jfr=<dir>}, the JVM option that records the JVM with JFR's profiling settings into
   * {@code <dir>/<name>.jfr} (the directory is created), to explain a number.
   */
  private static Optional<String> jfr(String name) {
    String dir = System.getProperty("bench.jfr");
    if (dir == null) {
      return Optional.empty();
    }
    try {
      Files.createDirectories(Path.of(dir));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the JFR directory " + dir, e);
    }
    // -Dbench.jfrSettings=<file.jfc> picks other settings, e.g. a copy of profile.jfc with 0 ms thresholds
    return Optional.of("-XX:StartFlightRecording=settings=" + System.getProperty("bench.jfrSettings", "profile")
        + ",filename=" + Path.of(dir, name + ".jfr").toAbsolutePath());
  }

  private void d2c(HubProcess hub) {
    // full: steady state. On 2 cores shared with the emulator, C2 goes on compiling the send path (and the JDK's
    // AES-GCM, whose intrinsics need C2) for about 10 s; runs after 50,000 warm-up messages measured that instead
    int n = Integer.getInteger("bench.d2cMessages", full ? 300_000 : 4_000);
    int warmup = Integer.getInteger("bench.d2cWarmup", full ? 400_000 : Math.min(2_000, n));
    int rounds = Integer.getInteger("bench.d2cRounds", full ? 3 : 1);
    // the per-message variant (one publish flow per message, as rxiothub's transport did) explains a gap: full only
    String only = System.getProperty("bench.d2cClients");
    List<String> clients = only != null ? List.of(only.split(","))
        : full ? List.of("rxiothub", "rxiothub-stream", "rxiothub-inline", "hivemq-async", "hivemq-reactive",
            "hivemq-reactive-per-message")
        : List.of("rxiothub", "rxiothub-stream", "hivemq-async", "hivemq-reactive");
    if (full) {
      // a throwaway run first: otherwise the first client measured meets a cold (not yet JIT-compiled) emulator
      client(hub, "d2c", "hivemq-async", "d7", n, warmup);
    }
    Map<String, List<Map<String, Object>>> runs = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      // interleaved rounds, so that drift in the machine's load spreads over every client
      for (int i = 0; i < clients.size(); i++) {
        runs.computeIfAbsent(clients.get(i), k -> new ArrayList<>())
            .add(client(hub, "d2c", clients.get(i), "d" + i, n, warmup));
      }
    }
    Map<String, Object> d2c = new LinkedHashMap<>();
    for (Map.Entry<String, List<Map<String, Object>>> e : runs.entrySet()) {
      d2c.put(e.getKey(), median(e.getValue()));
    }
    results.put("d2c", d2c);
  }

  /** The run with the median throughput, with every run's throughput alongside. */
  private static Map<String, Object> median(List<Map<String, Object>> runs) {
    List<Map<String, Object>> sorted = new ArrayList<>(runs);
    sorted.sort(java.util.Comparator.comparingDouble(m -> -Report.num(m, "msgsPerSec")));
    Map<String, Object> m = new LinkedHashMap<>(sorted.get(sorted.size() / 2));
    List<Object> all = new ArrayList<>();
    for (Map<String, Object> r : runs) {
      all.add(r.getOrDefault("msgsPerSec", r.get("error")));
    }
    m.put("allRunsMsgsPerSec", all);
    return m;
  }

  private void method(HubProcess hub) {
    int n = full ? 10_000 : 300;
    int warmup = full ? 2_000 : 100;
    results.put("method", interleaved(hub, "method", full ? List.of("rxiothub", "rxiothub-inline", "hivemq")
        : List.of("rxiothub", "hivemq"), "m", n, warmup, "p50Us"));
  }

  private void twin(HubProcess hub) {
    int n = full ? 2_000 : 200;
    int warmup = full ? 500 : 50;
    results.put("twin", interleaved(hub, "twin", List.of("rxiothub", "hivemq"), "t", n, warmup, null));
  }

  /**
   * Runs each client in its own JVM, in interleaved rounds (full profile: 3) so that drift in the machine's load
   * spreads over every client; client i uses device {@code prefix + i}. Keeps the run with the median
   * {@code key} (the last run when key is null), with every run's key value alongside.
   */
  private Map<String, Object> interleaved(HubProcess hub, String scenario, List<String> clients, String prefix, int n,
      int warmup, String key) {
    int rounds = full ? 3 : 1;
    Map<String, List<Map<String, Object>>> runs = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < clients.size(); i++) {
        runs.computeIfAbsent(clients.get(i), k -> new ArrayList<>())
            .add(client(hub, scenario, clients.get(i), prefix + i, n, warmup));
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<String, List<Map<String, Object>>> e : runs.entrySet()) {
      List<Map<String, Object>> all = e.getValue();
      if (key == null) {
        m.put(e.getKey(), all.get(all.size() - 1));
        continue;
      }
      List<Map<String, Object>> sorted = new ArrayList<>(all);
      sorted.sort(java.util.Comparator.comparingDouble(r -> Report.num(r, key)));
      Map<String, Object> median = new LinkedHashMap<>(sorted.get(sorted.size() / 2));
      List<Object> values = new ArrayList<>();
      for (Map<String, Object> r : all) {
        values.add(r.getOrDefault(key, r.get("error")));
      }
      median.put("allRuns_" + key, values);
      m.put(e.getKey(), median);
    }
    return m;
  }

  private void reconnect(HubProcess hub) {
    int rounds = full ? 20 : 2;
    int queued = full ? 1000 : 200;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rxiothub", client(hub, "reconnect", "rxiothub", "rc0", rounds, queued));
    m.put("hivemq-async", client(hub, "reconnect", "hivemq-async", "rc1", rounds, queued));
    results.put("reconnect", m);
  }

  private void scale() throws IOException {
    List<Integer> sizes = sizes("bench.scaleSizes", full ? "1000,10000" : "30");
    Map<String, Object> m = new LinkedHashMap<>();
    for (int n : sizes) {
      // one emulator JVM holds ~3 file descriptors per client (TLS front, relay, broker) under a 20000 limit
      int hubs = (n + 4_999) / 5_000;
      List<HubProcess> started = new ArrayList<>();
      try {
        List<String> a = new ArrayList<>();
        a.add(Integer.toString(n));
        a.add(Integer.toString(Integer.getInteger("bench.idleSeconds", full ? 90 : 5)));
        for (int h = 0; h < hubs; h++) {
          HubProcess hub = HubProcess.start("localhost", 0, HUB_JVM);
          started.add(hub);
          hub.command("devices s" + h + "x " + ((n + hubs - 1) / hubs));
          a.addAll(hub.args());
        }
        System.out.println("== scale " + n + " clients, " + hubs + " emulator JVM(s) (" + elapsed() + ")");
        List<String> jvm = new ArrayList<>(List.of("-Xms1g", "-Xmx4g", "-XX:+UseG1GC", "-Drx2.purge-enabled=false",
            LOGBACK));
        jfr("scale-" + n).ifPresent(jvm::add);
        Map<String, Object> r = Jvm.run(jvm, ScaleBench.class, a, 1800);
        System.out.println("   " + Json.write(r));
        m.put(Integer.toString(n), r);
      } finally {
        for (HubProcess hub : started) {
          hub.close();
        }
      }
    }
    results.put("scale", m);
  }

  private void azure() throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!portFree(8883)) {
      m.put("skipped", "port 8883 is taken on 127.0.0.1; the official SDK needs it");
      results.put("azure", m);
      System.out.println("== azure: skipped, port 8883 is taken");
      return;
    }
    Path hosts = Files.createTempFile("bench-hosts", ".txt");
    Files.writeString(hosts, "127.0.0.1 hub.localhost localhost\n", StandardCharsets.US_ASCII);
    try (HubProcess hub = HubProcess.start("hub.localhost", 8883, HUB_JVM)) {
      hub.command("devices az 12");
      int scaleClients = Integer.getInteger("bench.azureScale", full ? 1_000 : 0);
      hub.command("devices azs " + scaleClients);
      List<String> a = new ArrayList<>(hub.args());
      a.add(Integer.toString(full ? 20_000 : 1_500));
      a.add(Integer.toString(full ? 2_000 : 100));
      a.add(Integer.toString(full ? 500 : 20));
      a.add(Integer.toString(scaleClients));
      a.add(Integer.toString(180));
      System.out.println("== azure iot-device-client 2.5.0 (" + elapsed() + ")");
      List<String> jvm = new ArrayList<>(CLIENT_JVM);
      jvm.add("-Djdk.net.hosts.file=" + hosts);
      Map<String, Object> r = Jvm.run(jvm, AzureBench.class, a, 900);
      System.out.println("   " + Json.write(r));
      results.put("azure", r);
    } catch (IllegalStateException | IOException e) {
      m.put("skipped", "the emulator could not start on 8883: " + e.getMessage());
      results.put("azure", m);
    } finally {
      Files.deleteIfExists(hosts);
    }
  }

  /**
   * Events/s of one Watson gateway for 1,000 devices behind it (issue 16): rxiothub's GatewayClient, the raw HiveMQ
   * client and IBM's SDK, each in its own JVM against one Watson emulator JVM, in interleaved rounds (full: 3, the
   * median kept). Every client JVM resolves the organisation's host through the same hosts file, since IBM's SDK
   * dials {@code {org}.messaging.{domain}}. {@code -Dbench.watsonDelaysMs=0,10} runs the rounds once per one-way
   * delay: 0 dials the emulator directly (result {@code watson}), any other (and {@code 0r}) through a
   * {@link DelayRelay} in this JVM (result {@code watson-delay-{d}ms}).
   */
  private void watson() throws IOException {
    int n = Integer.getInteger("bench.watsonEvents", full ? 60_000 : 3_000);
    int warmup = Integer.getInteger("bench.watsonWarmup", full ? 60_000 : 2_000);
    int rounds = Integer.getInteger("bench.watsonRounds", full ? 3 : 1);
    String only = System.getProperty("bench.watsonClients");
    List<String> clients = only != null ? List.of(only.split(","))
        : List.of("rxiothub", "rxiothub-stream", "hivemq-async", "ibm");
    String org = "abc123";
    String domain = "watson.localhost";
    Path hosts = Files.createTempFile("bench-watson-hosts", ".txt");
    Files.writeString(hosts, "127.0.0.1 " + org + ".messaging." + domain + " localhost\n", StandardCharsets.US_ASCII);
    List<String> hubJvm = new ArrayList<>(HUB_JVM);
    jfr("watson-emulator").ifPresent(hubJvm::add);
    try (HubProcess hub = HubProcess.start(WatsonServer.class, org + ".messaging." + domain, List.of(org, domain),
        hubJvm)) {
      List<String> jvm = new ArrayList<>(CLIENT_JVM);
      jvm.add("-Djdk.net.hosts.file=" + hosts);
      boolean registered = false;
      boolean alwaysRelay = Boolean.getBoolean("bench.watsonRelay");
      for (String delay : System.getProperty("bench.watsonDelaysMs", "0").split(",")) {
        // "0r": through the relay without delay (what the relay itself changes)
        boolean viaRelay = delay.trim().endsWith("r");
        String d = viaRelay ? delay.trim().substring(0, delay.trim().length() - 1) : delay.trim();
        double delayMs = Double.parseDouble(d);
        boolean relayed = delayMs > 0 || alwaysRelay || viaRelay;
        String key = relayed ? "watson-delay-" + d + "ms" : "watson";
        try (DelayRelay relay = relayed ? DelayRelay.start(hub.mqttPort(), delayMs) : null) {
          int port = relay == null ? hub.mqttPort() : relay.port();
          // the first delay's round -1: a throwaway run that auto-registers the 1,000 devices and warms the
          // emulator up
          Map<String, Object> m = watsonRounds(hub, jvm, clients, registered ? 0 : -1, rounds, port, n, warmup,
              delayMs, relay);
          registered = true;
          results.put(key, m);
        }
      }
    } finally {
      Files.deleteIfExists(hosts);
    }
  }

  private Map<String, Object> watsonRounds(HubProcess hub, List<String> jvm, List<String> clients, int first,
      int rounds, int port, int n, int warmup, double delayMs, @Nullable DelayRelay relay) throws IOException {
    Map<String, List<Map<String, Object>>> runs = new LinkedHashMap<>();
    for (int round = first; round < rounds; round++) {
      for (String client : roundOrder(clients, round, full)) {
        System.out.println("== watson " + client + (delayMs == 0 ? "" : " +" + delayMs + " ms each way") + " ("
            + elapsed() + ")");
        List<String> a = new ArrayList<>(List.of(client, "abc123", "watson.localhost", Integer.toString(port),
            hub.args().get(2), hub.caFile().toString(), Integer.toString(n), Integer.toString(warmup), "1000"));
        List<String> options = new ArrayList<>(jvm);
        jfr("watson-" + client + (delayMs == 0 ? "" : "-delay")).ifPresent(options::add);
        if (relay != null) {
          relay.takeStats();
        }
        Map<String, Object> r = Jvm.run(options, WatsonBench.class, a, 600);
        if (relay != null) {
          // the whole client run (connect, warm-up, measured): how the two sides batched their writes
          long[] st = relay.takeStats();
          r.put("relayBytesPerReadUp", st[0] == 0 ? 0 : (double) st[1] / st[0]);
          r.put("relayBytesPerReadDown", st[2] == 0 ? 0 : (double) st[3] / st[2]);
        }
        System.out.println("   " + Json.write(r));
        if (round >= 0) {
          runs.computeIfAbsent(client, k -> new ArrayList<>()).add(r);
        }
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<String, List<Map<String, Object>>> e : runs.entrySet()) {
      List<Map<String, Object>> sorted = new ArrayList<>(e.getValue());
      sorted.sort(java.util.Comparator.comparingDouble(r -> -Report.num(r, "eventsPerSec")));
      Map<String, Object> median = new LinkedHashMap<>(sorted.get(sorted.size() / 2));
      List<Object> all = new ArrayList<>();
      for (Map<String, Object> r : e.getValue()) {
        all.add(r.getOrDefault("eventsPerSec", r.get("error")));
      }
      median.put("allRunsEventsPerSec", all);
      median.put("oneWayDelayMs", delayMs);
      m.put(e.getKey(), median);
    }
    return m;
  }

  /**
   * The clients of Watson round {@code round}: the throwaway round -1 runs the first client (full: every client, so
   * that the emulator JVM has run every client's traffic before anything is measured); round r starts with client
   * r mod n. The emulator JVM keeps warming up through the first measured rounds (its CPU per event fell from
   * 60-100 µs to 13-18 µs over one run, whichever client was connected, RESULTS.md §15.1): a fixed order put ours
   * first, on the coldest emulator, in every round.
   */
  static List<String> roundOrder(List<String> clients, int round, boolean full) {
    if (round < 0) {
      return full ? clients : List.of(clients.get(0));
    }
    List<String> order = new ArrayList<>(clients);
    java.util.Collections.rotate(order, -(round % clients.size()));
    return order;
  }

  private static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static final long START = System.nanoTime();

  /** Seconds since this JVM started the run, for the log (the quick profile must stay under 5 minutes). */
  static String elapsed() {
    return String.format(Locale.ROOT, "t+%.0fs", (System.nanoTime() - START) / 1e9);
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
