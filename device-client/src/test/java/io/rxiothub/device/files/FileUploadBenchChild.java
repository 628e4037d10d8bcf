// Our side of FileUploadBench, in a JVM of its own as the official side is: DeviceClient.files().upload of content
// generated as it is read, default block size. One upload per line read from stdin.
package io.rxiothub.device.files;

import io.rxiothub.device.DeviceClient;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Locale;

final class FileUploadBenchChild {

  private FileUploadBenchChild() {}

  /**
   * Args: the device's connection string, the CA PEM file. Each stdin line {@code BLOB SIZE} uploads SIZE generated
   * bytes as BLOB and prints {@code OK seconds usedBefore usedAfter peak} (heap used after GC before and after, the
   * sum of the heap pools' peaks during the upload) or {@code FAIL reason}; the same protocol as the official side.
   */
  public static void main(String[] args) throws Exception {
    X509Certificate ca;
    try (InputStream in = new FileInputStream(args[1])) {
      ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    try (DeviceClient client = DeviceClient.builder().connectionString(args[0]).trustedCertificates(ca).build()) {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.isEmpty()) {
        String[] words = line.split(" ");
        try {
          System.out.println(upload(client, words[0], Long.parseLong(words[1])));
        } catch (RuntimeException e) {
          System.out.println("FAIL " + String.valueOf(e).replace('\n', ' '));
        }
        System.out.flush();
      }
    }
    System.exit(0);
  }

  private static String upload(DeviceClient client, String blobName, long size) {
    long before = usedAfterGc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    long start = System.nanoTime();
    // ignoreElements().blockingAwait() throws the upload's error (blockingSubscribe() would only log it)
    client.files().upload(blobName, () -> new GeneratedContent(size)).ignoreElements().blockingAwait();
    double seconds = (System.nanoTime() - start) / 1e9;
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return String.format(Locale.ROOT, "OK %.3f %d %d %d", seconds, before, usedAfterGc(), peak);
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
