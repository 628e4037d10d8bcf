// The client JVM of the heap attribution: idle clients set up as ScaleBench sets them up, dumped at two sizes.
package io.rxiothub.benchmarks.heap;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.rxiothub.benchmarks.e2e.Bench;
import io.rxiothub.benchmarks.e2e.ScaleBench;
import io.rxiothub.device.DeviceClient;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code HeapClients <n1> <n2> <host> <port> <controlPort> <caFile> <dumpA> <dumpB>}: builds n1 clients of
 * ScaleBench's setup (C2D, desired updates, a {@code ping} handler; devices {@code s0x<k>}), connects them, waits
 * 5 s and dumps the live heap to dumpA; then the same up to n2 clients and dumpB. Prints one RESULT line.
 */
public final class HeapClients {

  private static final long SETTLE_MILLIS = 5_000;

  private HeapClients() {}

  /** Entry point; see the class comment. */
  public static void main(String[] a) throws Exception {
    int n1 = Integer.parseInt(a[0]);
    int n2 = Integer.parseInt(a[1]);
    String[] hosts = {a[2]};
    int[] ports = {Integer.parseInt(a[3])};
    KeyStore[] trust = {Bench.trustStore(Path.of(a[5]))};
    List<DeviceClient> clients = new ArrayList<>(n2);
    AtomicLong c2d = new AtomicLong();
    AtomicLong desired = new AtomicLong();
    long[] connectNanos = new long[n2];
    AtomicLong failures = new AtomicLong();
    HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    Map<String, Object> r = new LinkedHashMap<>();
    int[] sizes = {n1, n2};
    for (int step = 0; step < 2; step++) {
      int from = clients.size();
      ScaleBench.build(clients, hosts, ports, trust, c2d, desired, sizes[step]);
      ScaleBench.connect(clients, connectNanos, failures, from, sizes[step]);
      Bench.sleep(SETTLE_MILLIS);
      bean.dumpHeap(a[6 + step], true);
      r.put("heapAfterGcMb" + sizes[step], Bench.heapAfterGc() / 1048576.0);
    }
    int connected = 0;
    for (long v : connectNanos) {
      connected += v > 0 ? 1 : 0;
    }
    r.put("connected", connected);
    r.put("connectFailures", failures.get());
    r.put("clients", clients.size());
    Bench.result(r);
    System.exit(0);
  }
}
