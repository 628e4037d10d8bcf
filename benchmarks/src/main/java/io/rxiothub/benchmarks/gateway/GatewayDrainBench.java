// The gateway's forwarding side alone (issue 20): a store filled beforehand, drained upstream by a restarted gateway.
package io.rxiothub.benchmarks.gateway;

import io.rxiothub.benchmarks.e2e.HubProcess;
import io.rxiothub.benchmarks.e2e.Json;
import io.rxiothub.gateway.store.ForwardMessage;
import io.rxiothub.gateway.store.ForwardStore;
import io.rxiothub.gateway.store.StoreSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GatewayDrainBench [leaves=1000] [messagesPerLeaf=200] [timeoutSeconds=300] [resultFile]}: writes
 * {@code leaves × messagesPerLeaf} messages like {@link GatewayLeaves}' into a gateway store (in this JVM, before
 * anything runs), starts {@link GatewayHubServer} and then {@link GatewayServer} on that store, each in its own JVM,
 * with no leaf connected: the gateway resumes what the store holds, one upstream connection per leaf, and the run
 * measures how fast it reaches the hub (per second, and CPU per message in the gateway's and the hub's JVMs). No
 * message is sent downstream, so nothing but forwarding runs in the gateway. {@code -Dbench.gatewayJvmOptions="..."}
 * adds options to the gateway's JVM (e.g. a JFR recording), {@code -Dbench.hubJvmOptions} to the hub's.
 */
public final class GatewayDrainBench {

  private static final String LOGBACK = "-Dlogback.configurationFile=logback-bench.xml";

  private GatewayDrainBench() {}

  /** Entry point; see the class comment. */
  public static void main(String[] a) throws Exception {
    int leaves = a.length > 0 ? Integer.parseInt(a[0]) : 1000;
    int perLeaf = a.length > 1 ? Integer.parseInt(a[1]) : 200;
    long timeoutSeconds = a.length > 2 ? Long.parseLong(a[2]) : 300;
    Path data = Path.of("benchmarks/target/gateway-drain").toAbsolutePath();
    GatewayBench.deleteTree(data);
    Files.createDirectories(data);
    long total = fill(data.resolve("data").resolve("store"), leaves, perLeaf);
    List<String> hubJvm = jvm(List.of("-Xms1g", "-Xmx2g", "-XX:+UseG1GC", LOGBACK), "bench.hubJvmOptions");
    List<String> gatewayJvm = jvm(List.of("-Xmx1g", "-XX:+UseG1GC", LOGBACK), "bench.gatewayJvmOptions");
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("leaves", leaves);
    r.put("messages", total);
    try (HubProcess hub = HubProcess.start(GatewayHubServer.class, "localhost",
        List.of("localhost", GatewayLeaves.GATEWAY_PREFIX), hubJvm)) {
      hub.command("devices " + GatewayLeaves.GATEWAY_PREFIX + " " + leaves);
      long hubCpu0 = cpu(hub);
      long t0 = System.nanoTime();
      try (HubProcess gateway = HubProcess.start(GatewayServer.class, "localhost",
          List.of(hub.host(), Integer.toString(hub.mqttPort()), hub.caFile().toString(),
              GatewayLeaves.GATEWAY_PREFIX, Integer.toString(leaves), data.resolve("data").toString()),
          gatewayJvm)) {
        long gwCpu0 = cpu(gateway);
        long deadline = t0 + timeoutSeconds * 1_000_000_000L;
        long received = 0;
        long last = 0;
        long lastAt = t0;
        List<Long> perSecond = new ArrayList<>();
        List<Integer> connected = new ArrayList<>();
        // the rate once every leaf is connected: from the first second with 90 % of the leaves up to the end
        long steadyFrom = -1;
        long steadyAt = 0;
        long steadyCpuGw = 0;
        long steadyCpuHub = 0;
        while (received < total && System.nanoTime() < deadline) {
          Thread.sleep(1_000);
          received = Long.parseLong(hub.command("received " + GatewayLeaves.GATEWAY_PREFIX));
          long now = System.nanoTime();
          perSecond.add(Math.round((received - last) * 1e9 / (now - lastAt)));
          last = received;
          lastAt = now;
          int up = Integer.parseInt(hub.command("connected " + GatewayLeaves.GATEWAY_PREFIX + " " + leaves));
          connected.add(up);
          if (steadyFrom < 0 && up >= leaves * 9 / 10) {
            steadyFrom = received;
            steadyAt = now;
            steadyCpuGw = cpu(gateway);
            steadyCpuHub = cpu(hub);
          }
        }
        long end = System.nanoTime();
        long gwCpu = cpu(gateway) - gwCpu0;
        long hubCpu = cpu(hub) - hubCpu0;
        r.put("received", received);
        r.put("seconds", round((end - t0) / 1e9));
        r.put("perSecond", perSecond);
        r.put("connectedUpstream", connected);
        r.put("overallPerSecond", Math.round(received * 1e9 / (end - t0)));
        r.put("gatewayCpuMicrosPerMessage", round(gwCpu / 1e3 / Math.max(1, received)));
        r.put("hubCpuMicrosPerMessage", round(hubCpu / 1e3 / Math.max(1, received)));
        if (steadyFrom >= 0 && received > steadyFrom) {
          long n = received - steadyFrom;
          r.put("steadyMessages", n);
          r.put("steadyPerSecond", Math.round(n * 1e9 / (end - steadyAt)));
          r.put("steadyGatewayCpuMicrosPerMessage", round((cpu(gateway) - steadyCpuGw) / 1e3 / n));
          r.put("steadyHubCpuMicrosPerMessage", round((cpu(hub) - steadyCpuHub) / 1e3 / n));
        }
        r.put("check", hub.command("check " + GatewayLeaves.GATEWAY_PREFIX + " " + acked(leaves, perLeaf)));
      }
    }
    String json = Json.write(r);
    System.out.println(json);
    if (a.length > 3) {
      Files.writeString(Path.of(a[3]), json + "\n", StandardCharsets.UTF_8);
    }
  }

  /** Writes the messages, leaf by leaf in rounds (as leaves sending at once would), and returns how many. */
  private static long fill(Path dir, int leaves, int perLeaf) {
    long n = 0;
    try (ForwardStore store = ForwardStore.open(StoreSettings.builder().directory(dir).maxBytes(4L << 30)
        .maxAge(Duration.ofDays(7)).build())) {
      for (int seq = 0; seq < perLeaf; seq++) {
        List<io.reactivex.rxjava3.core.Single<?>> round = new ArrayList<>(leaves);
        for (int i = 0; i < leaves; i++) {
          String id = GatewayLeaves.GATEWAY_PREFIX + i;
          round.add(store.append(id, message(id, seq)));
        }
        io.reactivex.rxjava3.core.Single.merge(round.stream().map(s -> s.map(x -> 1)).toList())
            .blockingSubscribe();
        n += leaves;
      }
    }
    return n;
  }

  private static ForwardMessage message(String id, long seq) {
    StringBuilder json = new StringBuilder(256).append("{\"seq\":").append(seq).append(",\"t\":")
        .append(System.nanoTime()).append(",\"temperature\":21.5,\"humidity\":48,\"pad\":\"");
    while (json.length() < 254) {
      json.append('x');
    }
    json.append("\"}");
    return ForwardMessage.builder().messageId(id + "-" + seq).property("$.ct", "application/json")
        .property("$.ce", "utf-8").property("room", "kitchen").property("alert", "false")
        .payload(json.toString().getBytes(StandardCharsets.US_ASCII)).build();
  }

  private static String acked(int leaves, int perLeaf) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < leaves; i++) {
      b.append(i == 0 ? "" : ",").append(perLeaf);
    }
    return b.toString();
  }

  private static List<String> jvm(List<String> base, String property) {
    List<String> options = new ArrayList<>(base);
    String extra = System.getProperty(property, "").trim();
    if (!extra.isEmpty()) {
      options.addAll(List.of(extra.split(" +")));
    }
    return options;
  }

  private static long cpu(HubProcess p) {
    return Long.parseLong(p.command("cpu"));
  }

  private static double round(double v) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.1f", v));
  }
}
