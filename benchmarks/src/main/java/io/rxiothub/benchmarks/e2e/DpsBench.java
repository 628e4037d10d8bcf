// DPS registrations against the emulator (issue 15): our ProvisioningClient, all in flight on shared threads, versus
// the official Java provisioning device client (2.1.2, synchronous, one registration per thread), in one run.
package io.rxiothub.benchmarks.e2e;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import io.reactivex.rxjava3.core.Flowable;
import io.rxiothub.device.ProvisioningClient;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.dps.DpsEndpoint;
import io.rxiothub.emulator.dps.Enrollment;
import io.rxiothub.provisioning.DpsConnect;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * {@code DpsBench [registrations] [oursInFlight] [officialThreads]} (default 1000, 256, 32): starts the emulator in a
 * JVM of its own ({@code server} mode: hub {@code hub.localhost}, DPS on 127.0.0.2:8883, the official client's fixed
 * port, enrollment group {@code bench}, {@code retry-after} 1 s), then in one JVM each, one after the other: ours
 * ({@code ours} mode) and the official client ({@code official} mode), each with a warm-up of 5 % first, each
 * registering distinct registration ids of the group; a client starts no registration after
 * {@code -Dbench.dpsBudgetSeconds} (default 150), so that a slow client cannot overrun the bench's time. Prints a JSON
 * line per client: registrations started, failed and assigned, assigned per second, p50/p99 per registration
 * (failures included), peak live threads, heap after GC. Needs port 8883 free on 127.0.0.2 (run it under the fixed-port
 * lock) and no other benchmark running.
 */
public final class DpsBench {

  private static final String GROUP_KEY = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";
  private static final String DPS_HOST = "dps.localhost";
  /** A client starts no registration after this long (the run must stay within the bench's 6 minutes). */
  private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("bench.dpsBudgetSeconds", 150));
  /** The DPS port (8883, the official client's fixed port; 0 for a free one, with {@code bench.dpsClients=ours}). */
  private static final int PORT = Integer.getInteger("bench.dpsPort", 8883);
  /** Which clients run, in order (default {@code ours,official}). */
  private static final List<String> CLIENTS = List.of(System.getProperty("bench.dpsClients", "ours,official")
      .split(","));

  private DpsBench() {}

  /** Entry point; see the class comment. */
  public static void main(String[] a) throws Exception {
    if (a.length > 0 && a[0].equals("server")) {
      server();
    } else if (a.length > 0 && (a[0].equals("ours") || a[0].equals("official"))) {
      client(a);
    } else {
      orchestrate(a.length > 0 ? Integer.parseInt(a[0]) : 1000, a.length > 1 ? Integer.parseInt(a[1]) : 256,
          a.length > 2 ? Integer.parseInt(a[2]) : 32);
    }
  }

  private static void orchestrate(int n, int inFlight, int threads) throws Exception {
    Path hosts = Files.createTempFile("bench-dps-hosts", ".txt");
    Files.writeString(hosts, "127.0.0.1 hub.localhost localhost\n127.0.0.2 " + DPS_HOST + "\n",
        StandardCharsets.US_ASCII);
    Process server = new ProcessBuilder(Jvm.java(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
        "-Dbench.dpsPort=" + PORT, DpsBench.class.getName(), "server")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String line;
      String[] ready = null;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("READY ")) {
          ready = line.split(" ");
          break;
        }
      }
      if (ready == null) {
        throw new IllegalStateException("the emulator process ended before it was ready");
      }
      List<String> jvm = List.of("-Xmx512m", "-Djdk.net.hosts.file=" + hosts,
          "-Dbench.dpsBudgetSeconds=" + TimeUnit.NANOSECONDS.toSeconds(BUDGET_NANOS));
      int warmup = Math.max(1, n / 20);
      for (String client : CLIENTS) {
        int concurrency = client.equals("ours") ? inFlight : threads;
        Map<String, Object> result = Jvm.run(jvm, DpsBench.class, List.of(client, ready[1], ready[2], ready[3],
            Integer.toString(n), Integer.toString(warmup), Integer.toString(concurrency),
            Long.toString(server.pid())), 600);
        System.out.println("== " + client + " " + Json.write(result));
      }
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(hosts);
    }
  }

  /** The emulator and its DPS; prints {@code READY <idScope> <caFile> <dpsPort>}, lives until killed. */
  private static void server() throws Exception {
    HubEmulator hub = HubEmulator.builder().hostName("hub.localhost").mqttPort(0)
        .webSocketPort(-1).build().start();
    DpsEndpoint dps = hub.dps().retryAfterSeconds(1)
        .addEnrollment(Enrollment.group("bench").primaryKey(GROUP_KEY).build())
        .start("127.0.0.2", PORT, -1);
    System.out.println("READY " + dps.idScope() + " " + hub.caFile() + " " + dps.mqttPort());
    System.out.flush();
    Thread.currentThread().join();
  }

  /**
   * {@code ours|official <idScope> <caFile> <port> <n> <warmup> <concurrency> <emulatorPid>}: prints the RESULT line,
   * with the CPU time this JVM and the emulator's spent per registration in the measured phase.
   */
  private static void client(String[] a) throws Exception {
    boolean ours = a[0].equals("ours");
    String idScope = a[1];
    Path ca = Path.of(a[2]);
    int port = Integer.parseInt(a[3]);
    int n = Integer.parseInt(a[4]);
    int warmup = Integer.parseInt(a[5]);
    int concurrency = Integer.parseInt(a[6]);
    ProcessHandle emulator = ProcessHandle.of(Long.parseLong(a[7])).orElseThrow();
    String prefix = ours ? "r" : "o";
    AtomicInteger peakThreads = new AtomicInteger(Bench.threads());
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peakThreads.accumulateAndGet(Bench.threads(), Math::max);
        Bench.sleep(20);
      }
    }, "bench-thread-sampler");
    sampler.setDaemon(true);
    Registrar registrar = ours ? new Ours(idScope, ca, port) : new Official(idScope, ca);
    registrar.registerAll(prefix + "w", warmup, concurrency, new long[warmup]);
    int threadsBefore = Bench.threads();
    peakThreads.set(threadsBefore);
    sampler.start();
    long[] latencies = new long[n];
    long cpu0 = Bench.processCpuNanos();
    long emulatorCpu0 = cpuNanos(emulator);
    long start = System.nanoTime();
    int failed = registrar.registerAll(prefix, n, concurrency, latencies);
    long elapsed = System.nanoTime() - start;
    long cpu = Bench.processCpuNanos() - cpu0;
    long emulatorCpu = cpuNanos(emulator) - emulatorCpu0;
    sampler.interrupt();
    long[] started = java.util.Arrays.stream(latencies).filter(l -> l >= 0).toArray();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("client", ours ? "rxiothub ProvisioningClient" : "provisioning-device-client 2.1.2");
    r.put("registrations", n);
    r.put("started", started.length);
    r.put("failed", failed);
    r.put("assigned", started.length - failed);
    r.put("concurrency", concurrency);
    r.put("seconds", elapsed / 1e9);
    r.put("assignedPerSecond", (started.length - failed) / (elapsed / 1e9));
    r.put("latency", Bench.latency(started, started.length));
    r.put("clientCpuMsPerRegistration", cpu / 1e6 / n);
    r.put("emulatorCpuMsPerRegistration", emulatorCpu / 1e6 / n);
    r.put("threadsBefore", threadsBefore);
    r.put("peakThreads", peakThreads.get());
    r.put("heapAfterGcBytes", Bench.heapAfterGc());
    Bench.result(r);
    System.exit(0);
  }

  private static long cpuNanos(ProcessHandle process) {
    return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
  }

  /** Registers {@code n} devices {@code prefix0..}; fills {@code latencies} (ns); returns how many failed. */
  private interface Registrar {
    int registerAll(String prefix, int n, int concurrency, long[] latencies) throws Exception;
  }

  /** Ours: every registration a cold Single, {@code concurrency} in flight on the client's shared threads. */
  private static final class Ours implements Registrar {
    private final String idScope;
    private final Path ca;
    private final int port;

    Ours(String idScope, Path ca, int port) {
      this.idScope = idScope;
      this.ca = ca;
      this.port = port;
    }

    @Override
    public int registerAll(String prefix, int n, int concurrency, long[] latencies) {
      java.security.KeyStore trust = Bench.trustStore(ca);
      AtomicInteger failed = new AtomicInteger();
      Flowable.range(0, n).flatMapSingle(i -> {
        long t0 = System.nanoTime();
        return ProvisioningClient.builder().globalEndpoint(DPS_HOST).port(port).idScope(idScope)
            .registrationId("bench-" + prefix + i).groupKey(GROUP_KEY).trustStore(trust).timeoutMillis(120_000)
            .build().register()
            .doOnSuccess(reg -> latencies[i] = System.nanoTime() - t0)
            .map(reg -> true)
            .onErrorReturn(e -> {
              failed.incrementAndGet();
              latencies[i] = System.nanoTime() - t0;
              return false;
            });
      }, false, concurrency).blockingSubscribe();
      return failed.get();
    }
  }

  /** The official client: registerDeviceSync, {@code concurrency} threads each registering one device at a time. */
  private static final class Official implements Registrar {
    private final String idScope;
    private final SSLContext trust;

    Official(String idScope, Path ca) {
      this.idScope = idScope;
      this.trust = Bench.sslContext(ca);
    }

    @Override
    public int registerAll(String prefix, int n, int concurrency, long[] latencies) throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(concurrency);
      AtomicInteger failed = new AtomicInteger();
      List<Future<?>> futures = new ArrayList<>();
      long deadline = System.nanoTime() + BUDGET_NANOS;
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit(() -> {
          if (System.nanoTime() > deadline) {
            latencies[index] = -1; // not started within the time budget
            return;
          }
          long t0 = System.nanoTime();
          if (!register("bench-" + prefix + index)) {
            failed.incrementAndGet();
          }
          latencies[index] = System.nanoTime() - t0;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
      return failed.get();
    }

    private boolean register(String registrationId) {
      String key = DpsConnect.derivedKey(GROUP_KEY, registrationId);
      SSLContext context = trust;
      SecurityProviderSymmetricKey security = new SecurityProviderSymmetricKey(key.getBytes(StandardCharsets.UTF_8),
          registrationId) {
        @Override
        public SSLContext getSSLContext() {
          return context;
        }
      };
      try {
        ProvisioningDeviceClient client = ProvisioningDeviceClient.create(DPS_HOST, idScope,
            ProvisioningDeviceClientTransportProtocol.MQTT, security);
        try {
          ProvisioningDeviceClientRegistrationResult result = client.registerDeviceSync();
          return result.getProvisioningDeviceClientStatus()
              == ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED;
        } finally {
          client.close();
        }
      } catch (Exception e) {
        System.out.println("official: " + registrationId + " failed: " + e);
        return false;
      }
    }
  }
}
