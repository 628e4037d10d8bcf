// Shared helpers of the end-to-end benchmarks: device key, trust, latency statistics, JVM resource probes.
package io.rxiothub.benchmarks.e2e;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Static helpers; every benchmark JVM prints one {@code RESULT {json}} line through {@link #result}. */
public final class Bench {

  /** The key of every benchmark device (a fixed test key, not a secret). */
  public static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  /** The api-version every raw client puts in its user name, as rxiothub does. */
  public static final String API = "2021-04-12";

  private Bench() {}

  /** The connection string of benchmark device {@code deviceId} on {@code host}. */
  public static String connectionString(String host, String deviceId) {
    return "HostName=" + host + ";DeviceId=" + deviceId + ";SharedAccessKey=" + KEY;
  }

  /** A trust store holding the emulator CA from its PEM file. */
  public static KeyStore trustStore(Path caPem) {
    try (InputStream in = Files.newInputStream(caPem)) {
      Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry("hub-emulator-ca", ca);
      return store;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the emulator CA " + caPem + ": " + e, e);
    }
  }

  /** A trust manager factory trusting only the emulator CA. */
  public static TrustManagerFactory trust(Path caPem) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore(caPem));
      return tmf;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A TLS context trusting only the emulator CA (for the official SDK). */
  public static SSLContext sslContext(Path caPem) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, trust(caPem).getTrustManagers(), null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Percentiles in microseconds of latencies given in nanoseconds (the array is sorted in place). */
  public static Map<String, Object> latency(long[] nanos, int count) {
    long[] a = Arrays.copyOf(nanos, count);
    Arrays.sort(a);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", count);
    if (count == 0) {
      return m;
    }
    double sum = 0;
    for (long v : a) {
      sum += v;
    }
    m.put("meanUs", sum / count / 1000.0);
    m.put("p50Us", pct(a, 0.50));
    m.put("p90Us", pct(a, 0.90));
    m.put("p99Us", pct(a, 0.99));
    m.put("p999Us", pct(a, 0.999));
    m.put("maxUs", a[count - 1] / 1000.0);
    return m;
  }

  private static double pct(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000.0;
  }

  /** Live threads of this JVM. */
  public static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  /** Heap in use after asking for a full collection twice (bytes). */
  public static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** CPU time this process used so far (ns). */
  public static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Bytes allocated so far by the live threads of this JVM (threads that ended are not counted). */
  public static long allocatedBytes() {
    ThreadMXBean bean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] ids = bean.getAllThreadIds();
    long total = 0;
    for (long v : bean.getThreadAllocatedBytes(ids)) {
      if (v > 0) {
        total += v;
      }
    }
    return total;
  }

  /** Names of live threads grouped by prefix (digits stripped), for the report. */
  public static Map<String, Integer> threadGroups() {
    Map<String, Integer> groups = new java.util.TreeMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String name = t.getName().replaceAll("[0-9]+", "N");
      groups.merge(name, 1, Integer::sum);
    }
    return groups;
  }

  /** Prints the result line the orchestrator reads. */
  public static void result(Map<String, Object> result) {
    System.out.println("RESULT " + Json.write(result));
    System.out.flush();
  }

  /** A 256-byte payload. */
  public static byte[] payload256() {
    byte[] p = new byte[256];
    for (int i = 0; i < p.length; i++) {
      p[i] = (byte) ('a' + i % 26);
    }
    return p;
  }

  /** Sleeps without throwing. */
  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
