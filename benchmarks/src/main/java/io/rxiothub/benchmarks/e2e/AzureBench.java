// The official Azure IoT device SDK (iot-device-client 2.5.0) in its own JVM: threads, D2C, methods, twin.
package io.rxiothub.benchmarks.e2e;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * {@code AzureBench <host> <port> <controlPort> <caFile> <messages> <methodCalls> <twinOps> <scaleClients>
 * <scaleSeconds>}: threads per client, D2C (defaults and a 1 ms send interval), method and twin latency, then opens
 * up to {@code scaleClients} clients (devices {@code azs<i>}) within {@code scaleSeconds} for its ceiling; needs
 * {@code -Djdk.net.hosts.file} mapping the dotted host to 127.0.0.1 and the emulator on 8883 (the SDK's fixed port).
 */
public final class AzureBench {

  private AzureBench() {}

  /** Entry point; see the class comment. */
  public static void main(String[] a) throws Exception {
    String host = a[0];
    HubProcess hub = HubProcess.attach(host, Integer.parseInt(a[1]), Integer.parseInt(a[2]), Path.of(a[3]));
    SSLContext ssl = Bench.sslContext(Path.of(a[3]));
    int messages = Integer.parseInt(a[4]);
    int calls = Integer.parseInt(a[5]);
    int twinOps = Integer.parseInt(a[6]);
    int scaleClients = Integer.parseInt(a[7]);
    int scaleSeconds = Integer.parseInt(a[8]);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("client", "azure-iot-device-client-2.5.0");

    // threads per client at small N
    int t0 = Bench.threads();
    List<DeviceClient> open = new ArrayList<>();
    Map<String, Object> threads = new LinkedHashMap<>();
    threads.put("0", t0);
    for (int n = 1; n <= 8; n++) {
      DeviceClient c = client(host, "az" + (n + 3), ssl, ClientOptions.builder().sslContext(ssl).build());
      open.add(c);
      if (n == 1 || n == 2 || n == 4 || n == 8) {
        Bench.sleep(500);
        threads.put(Integer.toString(n), Bench.threads());
      }
    }
    r.put("threadsByClients", threads);
    r.put("threadsPerClient", (Bench.threads() - t0) / 8.0);
    r.put("threadGroupsAt8", Bench.threadGroups());
    for (DeviceClient c : open) {
      c.close();
    }

    r.put("d2cDefault", d2c(client(host, "az0", ssl, ClientOptions.builder().sslContext(ssl).build()), messages));
    r.put("d2cTuned", d2c(client(host, "az1", ssl, ClientOptions.builder().sslContext(ssl).sendInterval(1)
        .messagesSentPerSendInterval(1000).build()), messages));

    DeviceClient m = client(host, "az2", ssl, ClientOptions.builder().sslContext(ssl).build());
    m.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200, "{\"ok\":true}"), null);
    hub.command("invoke az2 bench " + Math.max(10, calls / 5) + " 5000");
    @SuppressWarnings("unchecked")
    Map<String, Object> method = (Map<String, Object>) Json.parse(hub.command("invoke az2 bench " + calls + " 5000"));
    r.put("method", method);
    m.close();

    DeviceClient t = client(host, "az3", ssl, ClientOptions.builder().sslContext(ssl).build());
    t.subscribeToDesiredProperties((twin, ctx) -> { }, null);
    r.put("twinGet", twinOps(() -> t.getTwin(2000), twinOps));
    AtomicLong counter = new AtomicLong();
    r.put("twinPatch", twinOps(() -> {
      TwinCollection reported = new TwinCollection();
      reported.put("counter", counter.incrementAndGet());
      reported.put("unit", "celsius");
      t.updateReportedProperties(reported, 2000);
    }, twinOps));
    t.close();
    if (scaleClients > 0) {
      r.put("scale", scale(host, ssl, scaleClients, scaleSeconds));
    }
    Bench.result(r);
    System.exit(0);
  }

  /** Opens clients one after the other (the SDK's open blocks) until {@code max} or the time is up. */
  private static Map<String, Object> scale(String host, SSLContext ssl, int max, int seconds) {
    Map<String, Object> m = new LinkedHashMap<>();
    int t0 = Bench.threads();
    long heap0 = Bench.heapAfterGc();
    long cpu0 = Bench.processCpuNanos();
    long start = System.nanoTime();
    long deadline = start + seconds * 1_000_000_000L;
    List<DeviceClient> open = new ArrayList<>();
    long[] connectNanos = new long[max];
    Map<String, Object> checkpoints = new LinkedHashMap<>();
    String stop = "reached " + max + " clients";
    for (int i = 0; i < max; i++) {
      if (System.nanoTime() > deadline) {
        stop = "time limit " + seconds + " s";
        break;
      }
      long c0 = System.nanoTime();
      try {
        open.add(client(host, "azs" + i, ssl, ClientOptions.builder().sslContext(ssl).build()));
      } catch (Exception | OutOfMemoryError e) {
        stop = "open failed at client " + (i + 1) + ": " + e;
        break;
      }
      connectNanos[i] = System.nanoTime() - c0;
      int n = open.size();
      if (n == 10 || n == 50 || n == 100 || n == 200 || n == 500 || n == 1000 || n == 2000) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("threads", Bench.threads());
        c.put("seconds", (System.nanoTime() - start) / 1e9);
        checkpoints.put(Integer.toString(n), c);
      }
    }
    int n = open.size();
    long heap1 = Bench.heapAfterGc();
    Bench.sleep(5_000);
    long cpuIdle0 = Bench.processCpuNanos();
    long w0 = System.nanoTime();
    Bench.sleep(10_000);
    m.put("idleCpuPctOfOneCore", 100.0 * (Bench.processCpuNanos() - cpuIdle0) / (System.nanoTime() - w0));
    m.put("clients", n);
    m.put("stoppedBecause", stop);
    m.put("threads", Bench.threads());
    m.put("threadsPerClient", (Bench.threads() - t0) / (double) Math.max(1, n));
    m.put("heapPerClientKb", (heap1 - heap0) / 1024.0 / Math.max(1, n));
    m.put("rampSeconds", (System.nanoTime() - start) / 1e9 - 15);
    m.put("rampCpuMsPerConnect", (cpuIdle0 - cpu0) / 1e6 / Math.max(1, n));
    m.put("connect", Bench.latency(connectNanos, n));
    m.put("checkpoints", checkpoints);
    for (DeviceClient c : open) {
      try {
        c.close();
      } catch (RuntimeException e) {
        // closing is best effort at this point
      }
    }
    return m;
  }

  private static DeviceClient client(String host, String id, SSLContext ssl, ClientOptions options)
      throws Exception {
    DeviceClient c = new DeviceClient(Bench.connectionString(host, id), IotHubClientProtocol.MQTT, options);
    c.open(true);
    return c;
  }

  private static Map<String, Object> d2c(DeviceClient c, int n) throws Exception {
    byte[] payload = Bench.payload256();
    run(c, payload, Math.max(100, n / 5));
    long cpu0 = Bench.processCpuNanos();
    long t0 = System.nanoTime();
    long failed = run(c, payload, n);
    long t = System.nanoTime() - t0;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("messages", n);
    r.put("failed", failed);
    r.put("msgsPerSec", n / (t / 1e9));
    r.put("cpuUsPerMsg", (Bench.processCpuNanos() - cpu0) / 1000.0 / n);
    r.put("threads", Bench.threads());
    c.close();
    return r;
  }

  private static long run(DeviceClient c, byte[] payload, int n) throws InterruptedException {
    Semaphore window = new Semaphore(ClientBench.WINDOW);
    CountDownLatch done = new CountDownLatch(n);
    AtomicLong failed = new AtomicLong();
    for (int i = 0; i < n; i++) {
      window.acquire();
      Message m = new Message(payload);
      for (String[] p : RawHiveMq.PROPERTIES) {
        m.setProperty(p[0], p[1]);
      }
      c.sendEventAsync(m, (sent, e, ctx) -> {
        if (e != null) {
          failed.incrementAndGet();
        }
        window.release();
        done.countDown();
      }, null);
    }
    if (!done.await(300, TimeUnit.SECONDS)) {
      throw new IllegalStateException("official SDK: " + done.getCount() + " messages not acked in 300 s");
    }
    return failed.get();
  }

  private interface Op {
    void run() throws Exception;
  }

  private static Map<String, Object> twinOps(Op op, int n) {
    long[] nanos = new long[n];
    int ok = 0;
    int errors = 0;
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      try {
        op.run();
        nanos[ok++] = System.nanoTime() - t0;
      } catch (Exception e) {
        errors++;
      }
    }
    Map<String, Object> m = Bench.latency(nanos, ok);
    m.put("errors", errors);
    return m;
  }
}
