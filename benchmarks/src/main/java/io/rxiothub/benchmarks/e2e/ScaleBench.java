// Scale: N rxiothub clients in one JVM, subscribed to C2D, desired twin updates and direct methods, each sending
// one message a minute.
package io.rxiothub.benchmarks.e2e;

import io.netty.buffer.PooledByteBufAllocator;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.Message;
import io.rxiothub.methods.MethodResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ScaleBench <n> <idleSeconds> (<host> <port> <controlPort> <caFile>)+}: builds n clients (device i on
 * emulator i % hubs, id {@code s<h>x<k>}), subscribes each to cloud-to-device messages, desired-property updates
 * and a direct method (so each connection carries the three subscriptions and a baseline twin GET) and connects
 * them 64 at a time, in two halves (the heap growth over the second is the marginal cost of a client), lets each
 * send one message a minute (random phase) for {@code idleSeconds}, then checks a sample of clients really
 * receives C2D, desired updates and method calls. Reports threads, heap per client, connect latency and CPU.
 */
public final class ScaleBench {

  private ScaleBench() {}

  public static void connect(List<DeviceClient> clients, long[] connectNanos, AtomicLong failures, int from,
      int to) {
    Flowable.range(from, to - from).flatMapCompletable(i -> {
      long[] start = new long[1];
      return clients.get(i).connect()
          .doOnSubscribe(d -> start[0] = System.nanoTime())
          .doOnComplete(() -> connectNanos[i] = System.nanoTime() - start[0])
          .onErrorComplete(e -> {
            failures.incrementAndGet();
            return true;
          });
    }, false, 64).blockingAwait();
  }

  /**
   * Builds clients {@code clients.size()} to {@code to - 1} (device i on emulator i % hubs) and subscribes each to
   * C2D, desired updates and the {@code ping} method.
   */
  public static void build(List<DeviceClient> clients, String[] hosts, int[] ports, KeyStore[] trust,
      AtomicLong c2d, AtomicLong desired, int to) {
    int hubs = hosts.length;
    for (int i = clients.size(); i < to; i++) {
      int h = i % hubs;
      DeviceClient c = DeviceClient.builder()
          .connectionString(Bench.connectionString(hosts[h], "s" + h + "x" + (i / hubs)))
          .port(ports[h]).trustStore(trust[h]).reconnectGiveUpMillis(Long.MAX_VALUE).build();
      c.cloudMessages().subscribe(m -> c2d.incrementAndGet());
      c.twin().desiredUpdates().subscribe(p -> desired.incrementAndGet());
      c.methods().handle("ping", request -> Single.just(MethodResponse.ofJson(200, "{\"pong\":true}")));
      clients.add(c);
    }
  }

  /** Calls a method on, updates the desired properties of and sends C2D to a sample of clients; counts replies. */
  private static Map<String, Object> probe(String[] a, int hubs, int n, AtomicLong c2d, AtomicLong desired) {
    HubProcess[] hub = new HubProcess[hubs];
    for (int h = 0; h < hubs; h++) {
      hub[h] = HubProcess.attach(a[2 + 4 * h], Integer.parseInt(a[3 + 4 * h]), Integer.parseInt(a[4 + 4 * h]),
          Path.of(a[5 + 4 * h]));
    }
    int sample = Math.min(n, 20);
    long c2d0 = c2d.get();
    long desired0 = desired.get();
    int methodsOk = 0;
    Random random = new Random(7);
    for (int k = 0; k < sample; k++) {
      int i = random.nextInt(n);
      HubProcess h = hub[i % hubs];
      String id = "s" + (i % hubs) + "x" + (i / hubs);
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) Json.parse(h.command("invoke " + id + " ping 1 5000"));
      if (Report.num(m, "errors") == 0) {
        methodsOk++;
      }
      h.command("desired " + id + " {\"probe\":" + k + "}");
      h.command("c2d " + id + " probe-" + k);
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while ((c2d.get() - c2d0 < sample || desired.get() - desired0 < sample) && System.nanoTime() < deadline) {
      Bench.sleep(50);
    }
    for (HubProcess h : hub) {
      h.close();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sample", sample);
    m.put("methodsAnswered", methodsOk);
    m.put("desiredReceived", desired.get() - desired0);
    m.put("c2dReceived", c2d.get() - c2d0);
    return m;
  }

  /**
   * Heap held by Netty's pooled allocator in its heap arenas (the TLS handler's buffers): chunks of 4 MiB
   * shared by all connections, so one chunk more or less moves the marginal heap of 500 clients by 8 KB each.
   */
  private static long nettyHeapPool() {
    return PooledByteBufAllocator.DEFAULT.metric().usedHeapMemory();
  }

  /** Entry point; see the class comment. */
  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]);
    int idleSeconds = Integer.parseInt(a[1]);
    int hubs = (a.length - 2) / 4;
    String[] hosts = new String[hubs];
    int[] ports = new int[hubs];
    KeyStore[] trust = new KeyStore[hubs];
    for (int h = 0; h < hubs; h++) {
      hosts[h] = a[2 + 4 * h];
      ports[h] = Integer.parseInt(a[3 + 4 * h]);
      trust[h] = Bench.trustStore(Path.of(a[5 + 4 * h]));
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("clients", n);
    r.put("emulatorJvms", hubs);
    int threads0 = Bench.threads();
    long heap0 = Bench.heapAfterGc();
    r.put("threadsBefore", threads0);

    List<DeviceClient> clients = new ArrayList<>(n);
    AtomicLong c2d = new AtomicLong();
    AtomicLong desired = new AtomicLong();
    long[] connectNanos = new long[n];
    AtomicLong failures = new AtomicLong();
    // two halves, each built and subscribed just before it connects: the heap growth over the second half is
    // the marginal cost of a whole client (its objects and its connection), free of fixed costs (Netty buffer
    // pool chunks, TLS provider caches, loaded classes) that the first clients pay for everyone
    int half = n / 2;
    build(clients, hosts, ports, trust, c2d, desired, half);
    long cpu0 = Bench.processCpuNanos();
    long t0 = System.nanoTime();
    connect(clients, connectNanos, failures, 0, half);
    long rampNanosHalf = System.nanoTime() - t0;
    long cpuHalf = Bench.processCpuNanos() - cpu0;
    // measured once the clients settled, like the final figure, after the idle phase
    Bench.sleep(5_000);
    long heapHalf = Bench.heapAfterGc();
    long poolHalf = nettyHeapPool();
    int threadsHalf = Bench.threads();
    build(clients, hosts, ports, trust, c2d, desired, n);
    long t1 = System.nanoTime();
    long cpu1x = Bench.processCpuNanos();
    connect(clients, connectNanos, failures, half, n);
    long rampNanos2 = System.nanoTime() - t1;
    long cpu2 = Bench.processCpuNanos() - cpu1x;
    r.put("threadsAtHalf", threadsHalf);
    long rampNanos = rampNanosHalf + rampNanos2;
    long rampCpu = cpuHalf + cpu2;
    int connected = 0;
    long[] ok = new long[n];
    for (long v : connectNanos) {
      if (v > 0) {
        ok[connected++] = v;
      }
    }
    r.put("connected", connected);
    r.put("connectFailures", failures.get());
    r.put("rampSeconds", rampNanos / 1e9);
    r.put("connectsPerSec", connected / (rampNanos / 1e9));
    r.put("rampCpuMsPerConnect", rampCpu / 1e6 / Math.max(1, connected));
    r.put("connect", Bench.latency(ok, connected));

    // one harness thread drives the sends, each client on its own random phase within the minute
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(run -> {
      Thread t = new Thread(run, "bench-ticker");
      t.setDaemon(true);
      return t;
    });
    AtomicLong sent = new AtomicLong();
    AtomicLong sendErrors = new AtomicLong();
    Random random = new Random(42);
    byte[] payload = Bench.payload256();
    for (DeviceClient c : clients) {
      ticker.scheduleAtFixedRate(() -> c.send(Message.builder().payload(payload).property("kind", "scale").build())
          .subscribe(sent::incrementAndGet, e -> sendErrors.incrementAndGet()),
          random.nextInt(60_000), 60_000, TimeUnit.MILLISECONDS);
    }
    Bench.sleep(5_000);
    long cpu1 = Bench.processCpuNanos();
    long w1 = System.nanoTime();
    Bench.sleep(idleSeconds * 1000L);
    double cpuPct = 100.0 * (Bench.processCpuNanos() - cpu1) / (System.nanoTime() - w1);
    long heap1 = Bench.heapAfterGc();
    long pool1 = nettyHeapPool();
    int threads1 = Bench.threads();
    r.put("threadsAfter", threads1);
    r.put("threadsAdded", threads1 - threads0);
    r.put("threadGroups", Bench.threadGroups());
    r.put("heapBeforeMb", heap0 / 1048576.0);
    r.put("heapAfterMb", heap1 / 1048576.0);
    r.put("heapPerClientKb", (heap1 - heap0) / 1024.0 / Math.max(1, connected));
    r.put("heapAtHalfMb", heapHalf / 1048576.0);
    r.put("marginalHeapPerClientKb", (heap1 - heapHalf) / 1024.0 / Math.max(1, n - half));
    r.put("nettyHeapPoolAtHalfMb", poolHalf / 1048576.0);
    r.put("nettyHeapPoolAfterMb", pool1 / 1048576.0);
    r.put("marginalHeapPerClientKbWithoutNettyPool",
        ((heap1 - pool1) - (heapHalf - poolHalf)) / 1024.0 / Math.max(1, n - half));
    r.put("idleCpuPctOfOneCore", cpuPct);
    r.put("idleSeconds", idleSeconds);
    r.put("messagesAcked", sent.get());
    r.put("sendErrors", sendErrors.get());
    ticker.shutdownNow();
    r.put("probe", probe(a, hubs, n, c2d, desired));
    long c0 = System.nanoTime();
    Flowable.fromIterable(clients).flatMapCompletable(c -> Completable.fromAction(c::close), false, 64)
        .blockingAwait();
    r.put("closeSeconds", (System.nanoTime() - c0) / 1e9);
    Bench.result(r);
    System.exit(0);
  }
}
