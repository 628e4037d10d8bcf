// The leaves of the gateway benchmark, in their own JVM: N leaves through the gateway and a control group straight
// to the hub, each 10 messages/s at QoS 1, every message carrying its leaf's sequence number and send time.
package io.rxiothub.benchmarks.gateway;

import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.rxiothub.benchmarks.e2e.Bench;
import io.rxiothub.benchmarks.e2e.HubProcess;
import io.rxiothub.benchmarks.e2e.Json;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.Message;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@code GatewayLeaves <leaves> <direct> <warmupSeconds> <measureSeconds> <diskMessagesPerLeaf> <hub: host port
 * control ca> <gateway: port control ca>}. In order: the gateway's threads and heap with 0, 10, 100 and all leaves
 * connected (each step waits until the hub sees the leaves' upstream connections); the control group connected
 * straight to the hub; every leaf sends 10 messages/s (one 10 ms tick in ten, by leaf index) for warm-up plus
 * measured seconds; latency counts from the end of the warm-up (the hub's {@code mark}); then every acknowledged
 * message is checked at the hub (none lost, order per leaf); then the disk phase: the gateway's upstream
 * connections partitioned at the hub, each gateway leaf sends {@code diskMessagesPerLeaf} more, the store's bytes
 * per queued message; the partition healed, every message checked again. With warm-up and measured seconds both 0
 * only the heap steps run (no sending).
 */
public final class GatewayLeaves {

  static final String GATEWAY_PREFIX = "gw";
  static final String DIRECT_PREFIX = "dl";
  /** Messages per second per leaf ({@code -Dbench.gatewayRate}, a divisor of 100; the target is 10). */
  private static final int RATE = rate();
  /**
   * Most unacknowledged messages per leaf (a device that cannot send waits for its PUBACKs): a tick that finds its
   * leaf at the limit sends nothing and is counted as skipped, so an overload shows as a lower rate, not as leaves
   * (or a gateway) running out of memory.
   */
  private static final int MAX_UNACKED = 100;
  /** {@code -Dbench.gatewayDumps=DIR}: the gateway's live heap dumped at the steps of 100 and more leaves. */
  private static final String DUMPS = System.getProperty("bench.gatewayDumps");

  private final List<DeviceClient> clients = new ArrayList<>();
  private final List<String> ids = new ArrayList<>();
  private final AtomicLongArray sent;
  private final AtomicLongArray acked;
  private final AtomicLong sendErrors = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final int leaves;
  private volatile long markNanos = Long.MAX_VALUE;
  private final long[][] ackNanos = {new long[1 << 20], new long[1 << 18]};
  private final int[] ackCount = new int[2];

  private GatewayLeaves(int leaves, int direct) {
    this.leaves = leaves;
    this.sent = new AtomicLongArray(leaves + direct);
    this.acked = new AtomicLongArray(leaves + direct);
  }

  /** Entry point; see the class comment. */
  public static void main(String[] a) throws Exception {
    int leaves = Integer.parseInt(a[0]);
    int direct = Integer.parseInt(a[1]);
    int warmup = Integer.parseInt(a[2]);
    int measure = Integer.parseInt(a[3]);
    int diskPerLeaf = Integer.parseInt(a[4]);
    String hubHost = a[5];
    HubProcess hub = HubProcess.attach(hubHost, Integer.parseInt(a[6]), Integer.parseInt(a[7]), Path.of(a[8]));
    HubProcess gateway = HubProcess.attach("localhost", Integer.parseInt(a[9]), Integer.parseInt(a[10]),
        Path.of(a[11]));
    new GatewayLeaves(leaves, direct).run(hub, gateway, direct, warmup, measure, diskPerLeaf);
    System.exit(0);
  }

  private void run(HubProcess hub, HubProcess gateway, int direct, int warmup, int measure, int diskPerLeaf)
      throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("leaves", leaves);
    r.put("direct", direct);
    r.put("ratePerLeaf", RATE);
    X509Certificate gatewayCa;
    try (InputStream in = Files.newInputStream(gateway.caFile())) {
      gatewayCa = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    for (int i = 0; i < leaves; i++) {
      String id = GATEWAY_PREFIX + i;
      ids.add(id);
      clients.add(DeviceClient.builder()
          .connectionString(Bench.connectionString(hub.host(), id) + ";GatewayHostName=localhost")
          .port(gateway.mqttPort()).trustedCertificates(gatewayCa).reconnectGiveUpMillis(Long.MAX_VALUE).build());
    }
    for (int i = 0; i < direct; i++) {
      String id = DIRECT_PREFIX + i;
      ids.add(id);
      clients.add(DeviceClient.builder().connectionString(Bench.connectionString(hub.host(), id))
          .port(hub.mqttPort()).trustStore(Bench.trustStore(hub.caFile()))
          .reconnectGiveUpMillis(Long.MAX_VALUE).build());
    }

    // threads and heap of the gateway with 0, 10, 100 and all leaves connected
    List<Object> steps = new ArrayList<>();
    steps.add(step(gateway, hub, 0, 0));
    int from = 0;
    for (int to : new int[] {10, 100, leaves}) {
      if (to > leaves || to <= from) {
        continue;
      }
      long t0 = System.nanoTime();
      connect(from, to);
      Map<String, Object> s = step(gateway, hub, to, t0);
      steps.add(s);
      System.out.println("gateway with " + to + " leaves: " + s);
      from = to;
      if (DUMPS != null && to >= 100) {
        Bench.sleep(5_000); // the upstream clients' subscriptions and twin GETs settle
        s.put("dump", gateway.command("dump " + Path.of(DUMPS, "gateway-" + to + ".hprof").toAbsolutePath()));
      }
    }
    r.put("gatewaySteps", steps);
    if (warmup == 0 && measure == 0) { // heap only: no sending
      close();
      Bench.result(r);
      return;
    }
    connect(leaves, leaves + direct);

    // the paced run: warm-up, then measured
    long g0 = cpu(gateway);
    long h0 = cpu(hub);
    ScheduledExecutorService ticker = pace(0, leaves + direct);
    Bench.sleep(warmup * 1000L);
    hub.command("mark");
    synchronized (ackCount) {
      ackCount[0] = 0;
      ackCount[1] = 0;
      markNanos = System.nanoTime();
    }
    long g1 = cpu(gateway);
    long h1 = cpu(hub);
    long l1 = Bench.processCpuNanos();
    long w1 = System.nanoTime();
    for (int s = 0; s < measure; s += 30) {
      Bench.sleep(Math.min(30, measure - s) * 1000L);
      System.out.println("at " + (warmup + s + Math.min(30, measure - s)) + " s: sent " + total(sent)
          + ", acknowledged " + total(acked) + ", hub received " + hub.command("received " + GATEWAY_PREFIX)
          + " through the gateway, gateway queue " + gateway.command("queued"));
    }
    double wall = (System.nanoTime() - w1) / 1e9;
    r.put("measuredSeconds", wall);
    r.put("gatewayCpuPctOfOneCore", 100.0 * (cpu(gateway) - g1) / 1e9 / wall);
    r.put("hubCpuPctOfOneCore", 100.0 * (cpu(hub) - h1) / 1e9 / wall);
    r.put("leavesCpuPctOfOneCore", 100.0 * (Bench.processCpuNanos() - l1) / 1e9 / wall);
    ticker.shutdown();
    ticker.awaitTermination(10, TimeUnit.SECONDS);
    r.put("warmupCpuGatewaySeconds", (g1 - g0) / 1e9);
    r.put("warmupCpuHubSeconds", (h1 - h0) / 1e9);
    r.put("latencyAtHub", Json.parse(hub.command("latency")));
    Map<String, Object> ack = new LinkedHashMap<>();
    synchronized (ackCount) {
      ack.put("gateway", Bench.latency(ackNanos[0], ackCount[0]));
      ack.put("direct", Bench.latency(ackNanos[1], ackCount[1]));
      markNanos = Long.MAX_VALUE;
    }
    r.put("pubackAtLeaf", ack);
    r.put("sent", total(sent));
    r.put("skippedAtUnackedLimit", skipped.get());
    r.put("maxUnackedPerLeaf", MAX_UNACKED);
    awaitAcked(30);
    r.put("acknowledged", total(acked));
    r.put("sendErrors", sendErrors.get());
    r.put("gatewayQueueAtRunEnd", Long.parseLong(gateway.command("queued")));
    r.put("check", check(hub, 30));
    r.put("gatewayAfterRun", Json.parse(gateway.command("stats")));

    if (diskPerLeaf > 0) {
      r.put("disk", disk(hub, gateway, diskPerLeaf));
      r.put("checkAfterOutage", check(hub, 120));
    }
    close();
    Bench.result(r);
  }

  private void close() {
    Flowable.fromIterable(clients).flatMapCompletable(c -> Completable.fromAction(c::close), false, 64)
        .blockingAwait();
  }

  /** Connects clients from..to-1, 64 at a time. */
  private void connect(int from, int to) {
    AtomicLong failures = new AtomicLong();
    Flowable.range(from, to - from).flatMapCompletable(i -> clients.get(i).connect()
        .onErrorComplete(e -> {
          failures.incrementAndGet();
          System.out.println("connect of " + ids.get(i) + " failed: " + e);
          return true;
        }), false, 64).blockingAwait();
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " leaves did not connect");
    }
  }

  /** Waits for the hub to see {@code n} gateway leaves' upstream connections, then reads the gateway's stats. */
  @SuppressWarnings("unchecked")
  private Map<String, Object> step(HubProcess gateway, HubProcess hub, int n, long t0) {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (Integer.parseInt(hub.command("connected " + GATEWAY_PREFIX + " " + leaves)) < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the hub did not see " + n + " upstream connections in 120 s");
      }
      Bench.sleep(200);
    }
    Map<String, Object> s = (Map<String, Object>) Json.parse(gateway.command("stats"));
    s.put("leavesConnected", n);
    if (t0 > 0) {
      s.put("connectSeconds", (System.nanoTime() - t0) / 1e9);
    }
    return s;
  }

  private static int rate() {
    int rate = Integer.getInteger("bench.gatewayRate", 10);
    if (rate < 1 || rate > 100 || 100 % rate != 0) {
      throw new IllegalArgumentException("bench.gatewayRate must divide 100 (1, 2, 4, 5, 10, 20, 25, 50 or 100), was "
          + rate);
    }
    return rate;
  }

  /** Every leaf from..to-1 sends RATE messages per second, leaf i in the 10 ms ticks i % (100 / RATE). */
  private ScheduledExecutorService pace(int from, int to) {
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(run -> {
      Thread t = new Thread(run, "bench-ticker");
      t.setDaemon(true);
      return t;
    });
    long[] tick = new long[1];
    ticker.scheduleAtFixedRate(() -> {
      int period = 100 / RATE;
      int slot = (int) (tick[0]++ % period);
      for (int i = from + slot; i < to; i += period) {
        if (sent.get(i) - acked.get(i) >= MAX_UNACKED) {
          skipped.incrementAndGet();
        } else {
          send(i);
        }
      }
    }, 0, 10, TimeUnit.MILLISECONDS);
    return ticker;
  }

  private void send(int i) {
    long seq = sent.getAndIncrement(i);
    long t = System.nanoTime();
    String id = ids.get(i);
    StringBuilder json = new StringBuilder(256).append("{\"seq\":").append(seq).append(",\"t\":").append(t)
        .append(",\"temperature\":21.5,\"humidity\":48,\"pad\":\"");
    while (json.length() < 254) {
      json.append('x');
    }
    json.append("\"}");
    Message m = Message.builder().payload(json.toString().getBytes(StandardCharsets.US_ASCII))
        .messageId(id + "-" + seq).contentType("application/json").contentEncoding("utf-8")
        .property("room", "kitchen").property("alert", "false").build();
    int path = i < leaves ? 0 : 1;
    clients.get(i).send(m).subscribe(() -> {
      acked.incrementAndGet(i);
      if (t >= markNanos) {
        long latency = System.nanoTime() - t;
        synchronized (ackCount) {
          if (ackCount[path] < ackNanos[path].length) {
            ackNanos[path][ackCount[path]++] = latency;
          }
        }
      }
    }, e -> sendErrors.incrementAndGet());
  }

  /** The bytes of one benchmark message that the disk target counts: payload, property names and values, id. */
  static int contentBytes() {
    String id = GATEWAY_PREFIX + "999-12345";
    return 256 + "$.mid".length() + id.length() + "$.ct".length() + "application/json".length()
        + "$.ce".length() + "utf-8".length() + "room".length() + "kitchen".length() + "alert".length()
        + "false".length();
  }

  private Map<String, Object> disk(HubProcess hub, HubProcess gateway, int perLeaf) {
    Map<String, Object> d = new LinkedHashMap<>();
    long drain = System.nanoTime() + 120_000_000_000L; // what the paced run left queued goes first
    while (Long.parseLong(gateway.command("queued")) > 0 && System.nanoTime() < drain) {
      Bench.sleep(200);
    }
    d.put("queuedBefore", Long.parseLong(gateway.command("queued")));
    long before = Long.parseLong(gateway.command("disk"));
    hub.command("partition " + GATEWAY_PREFIX + " " + leaves);
    long sent0 = total(sent, 0, leaves);
    for (int k = 0; k < perLeaf; k++) {
      for (int i = 0; i < leaves; i++) {
        send(i);
      }
      Bench.sleep(20);
    }
    long expected = (long) leaves * perLeaf + (long) d.get("queuedBefore");
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (Long.parseLong(gateway.command("queued")) < expected && System.nanoTime() < deadline) {
      Bench.sleep(200);
    }
    Bench.sleep(2_000); // the store's memtable and log settle
    long queued = Long.parseLong(gateway.command("queued"));
    long bytes = Long.parseLong(gateway.command("disk"));
    d.put("sentDuringPartition", total(sent, 0, leaves) - sent0);
    d.put("queued", queued);
    d.put("storeBytesBefore", before);
    d.put("storeBytes", bytes);
    d.put("contentBytesPerMessage", contentBytes());
    d.put("diskBytesPerQueuedMessage", queued == 0 ? 0 : (double) bytes / queued);
    d.put("addedDiskBytesPerQueuedMessage", queued == 0 ? 0 : (double) (bytes - before) / queued);
    long t0 = System.nanoTime();
    hub.command("heal " + GATEWAY_PREFIX + " " + leaves);
    while (Long.parseLong(gateway.command("queued")) > 0 && System.nanoTime() < deadline + 120_000_000_000L) {
      Bench.sleep(200);
    }
    d.put("drainSecondsAfterHeal", (System.nanoTime() - t0) / 1e9);
    return d;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> check(HubProcess hub, int seconds) {
    awaitAcked(seconds);
    long expectedGateway = total(acked, 0, leaves);
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (Long.parseLong(hub.command("received " + GATEWAY_PREFIX)) < expectedGateway
        && System.nanoTime() < deadline) {
      Bench.sleep(200);
    }
    Bench.sleep(1_000);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("gateway", Json.parse(hub.command("check " + GATEWAY_PREFIX + " " + counts(0, leaves))));
    c.put("direct", Json.parse(hub.command("check " + DIRECT_PREFIX + " " + counts(leaves, ids.size()))));
    ((Map<String, Object>) c.get("gateway")).put("acknowledged", expectedGateway);
    ((Map<String, Object>) c.get("direct")).put("acknowledged", total(acked, leaves, ids.size()));
    return c;
  }

  /** The acknowledged counts of clients from..to-1, comma separated (the hub checks 0..count-1 of each). */
  private String counts(int from, int to) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < to; i++) {
      b.append(i == from ? "" : ",").append(acked.get(i));
    }
    return b.length() == 0 ? "-" : b.toString();
  }

  private void awaitAcked(int seconds) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (total(acked) + sendErrors.get() < total(sent) && System.nanoTime() < deadline) {
      Bench.sleep(100);
    }
  }

  private long total(AtomicLongArray a) {
    return total(a, 0, a.length());
  }

  private static long total(AtomicLongArray a, int from, int to) {
    long n = 0;
    for (int i = from; i < to; i++) {
      n += a.get(i);
    }
    return n;
  }

  private static long cpu(HubProcess p) {
    return Long.parseLong(p.command("cpu"));
  }
}
