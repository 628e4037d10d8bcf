// A measurement, not a test: 200 MB of generated content uploaded through the emulator's built-in storage face and
// through Azurite by our DeviceClient.files() and by the official stack (iot-device-client 2.5.0 + azure-storage-blob,
// benchmarks/official-upload), each in a child JVM of its own, rounds interleaved, warm-up first; MB/s and heap.
// Run as in benchmarks/RESULTS.md §11.1 (needs Azurite in device-client/target/azurite: ./mvnw verify -pl
// device-client, and the official project's classpath).
package io.rxiothub.device.files;

import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.files.FileUploadNotification;
import io.rxiothub.emulator.files.StorageAccount;
import io.rxiothub.emulator.internal.TlsMaterial;
import io.rxiothub.testing.ChildJvm;
import io.rxiothub.testing.FixedPortsLock;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

final class FileUploadBench {

  private static final String CONTAINER = "bench";

  private FileUploadBench() {}

  /**
   * Args: size in bytes (200,000,000), rounds (3), the official-upload project's directory (its target/classes and
   * target/cp.txt; without it only ours runs). The official SDK sends its file upload requests to port 443 of a
   * dotted host name whatever is configured, so the emulator's HTTPS port is 443 under the machine's fixed-port lock
   * (/tmp/rxiothub-fixed-ports.lock) and hub.localhost resolves through device-client's it-hosts file.
   */
  public static void main(String[] args) throws Exception {
    long size = args.length > 0 ? Long.parseLong(args[0]) : 200_000_000L;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path official = args.length > 2 ? Paths.get(args[2]).toAbsolutePath() : null;
    try (FixedPortsLock lock = FixedPortsLock.acquire()) {
      run(size, rounds, official);
    }
    System.exit(0);
  }

  private static void run(long size, int rounds, Path official) throws Exception {
    Path dir = Files.createTempDirectory("upload-bench");
    TlsMaterial tls = TlsMaterial.generate(Set.of("localhost", "hub.localhost"), Set.of("127.0.0.1"), Instant.now());
    tls.write(dir.resolve("tls.pem"));
    Path hosts = Paths.get("target", "test-classes", "it-hosts").toAbsolutePath();
    try (HubEmulator hub = HubEmulator.builder().hostName("hub.localhost").mqttPort(0).webSocketPort(443)
        .tlsMaterial(dir.resolve("tls.pem")).build().start();
        Azurite azurite = Azurite.start(tls.serverCertificate(), tls.serverKey(), hub.sslContext(), dir)) {
      azurite.createContainer(CONTAINER);
      Path caPem = dir.resolve("ca.pem");
      Files.write(caPem, hub.caCertificatePem().getBytes(StandardCharsets.US_ASCII));
      Path trustStore = dir.resolve("trust.p12");
      KeyStore p12 = KeyStore.getInstance("PKCS12");
      p12.load(null, null);
      for (String alias : Collections.list(hub.trustStore().aliases())) {
        p12.setCertificateEntry(alias, hub.trustStore().getCertificate(alias));
      }
      try (OutputStream out = Files.newOutputStream(trustStore)) {
        p12.store(out, "changeit".toCharArray());
      }
      Map<String, UploaderProcess> stacks = new LinkedHashMap<>();
      DeviceIdentity ours = hub.registry().createDevice("bench-rxiothub");
      stacks.put("rxiothub", UploaderProcess.start("rxiothub", DeviceConnectionEnvironment.pass(
          ChildJvm.builder(FileUploadBenchChild.class).jvmOptions("-Xmx2g", "-Djdk.net.hosts.file=" + hosts)
              .args(caPem.toString()), ours.connectionString())));
      if (official != null) {
        String cp = official.resolve("target/classes") + ":"
            + new String(Files.readAllBytes(official.resolve("target/cp.txt")), StandardCharsets.UTF_8).trim();
        // "official": the storage client's defaults; "official-blocks": 4 MiB blocks, 8 in parallel
        for (String mode : List.of("defaults", "blocks")) {
          String stack = mode.equals("defaults") ? "official" : "official-blocks";
          DeviceIdentity theirs = hub.registry().createDevice("bench-" + stack);
          stacks.put(stack, UploaderProcess.start(stack, DeviceConnectionEnvironment.pass(
              ChildJvm.builder("io.rxiothub.bench.official.OfficialUploadChild").classpath(cp)
                  .jvmOptions("-Xmx2g", "-Djdk.net.hosts.file=" + hosts, "-Djavax.net.ssl.trustStore=" + trustStore,
                      "-Djavax.net.ssl.trustStorePassword=changeit", "-Djavax.net.ssl.trustStoreType=PKCS12")
                  .args(mode), theirs.connectionString())));
        }
      }
      Bench bench = new Bench(hub, azurite, stacks);
      try {
        System.out.printf(Locale.ROOT, "%-8s %-16s %-9s %8s %8s %12s %12s%n", "round", "stack", "storage", "MB/s",
            "s", "growth MB", "peak MB");
        for (String storage : List.of("built-in", "Azurite")) {
          for (String stack : stacks.keySet()) {
            bench.upload("warm-up", stack, storage, 20_000_000L);
          }
        }
        for (int round = 1; round <= rounds; round++) {
          List<String> order = new ArrayList<>(stacks.keySet());
          if (round % 2 == 0) {
            Collections.reverse(order);
          }
          for (String storage : List.of("built-in", "Azurite")) {
            for (String stack : order) {
              bench.upload(String.valueOf(round), stack, storage, size);
            }
          }
        }
        bench.summary();
      } finally {
        for (UploaderProcess p : stacks.values()) {
          p.close();
        }
      }
    }
  }

  /** The measured uploads and their checks. */
  private static final class Bench {

    private final HubEmulator hub;
    private final Azurite azurite;
    private final Map<String, UploaderProcess> stacks;
    private final Map<String, List<double[]>> results = new LinkedHashMap<>();

    Bench(HubEmulator hub, Azurite azurite, Map<String, UploaderProcess> stacks) {
      this.hub = hub;
      this.azurite = azurite;
      this.stacks = stacks;
    }

    void upload(String round, String stack, String storage, long size) throws Exception {
      boolean builtIn = storage.equals("built-in");
      if (builtIn) {
        hub.files().useBuiltInStorage();
      } else {
        hub.files().useStorage(StorageAccount.azurite(azurite.port(), CONTAINER));
      }
      String deviceId = "bench-" + stack;
      // The same blob name every time: storage replaces it, so neither store grows by 200 MB per round.
      String blob = stack + ".bin";
      int notified = hub.files().notifications(deviceId).size();
      String[] answer = stacks.get(stack).upload(blob, size);
      double seconds = Double.parseDouble(answer[1]);
      long before = Long.parseLong(answer[2]);
      long after = Long.parseLong(answer[3]);
      long peak = Long.parseLong(answer[4]);
      check(deviceId, deviceId + "/" + blob, builtIn, size, notified);
      double mbps = size / 1e6 / seconds;
      System.out.printf(Locale.ROOT, "%-8s %-16s %-9s %8.1f %8.2f %12.1f %12.1f%n", round, stack, storage, mbps,
          seconds, (after - before) / 1e6, peak / 1e6);
      if (!round.equals("warm-up")) {
        results.computeIfAbsent(stack + " " + storage, k -> new ArrayList<>())
            .add(new double[] {mbps, (after - before) / 1e6, peak / 1e6});
      }
    }

    /** The stored blob is the generated content byte for byte, and the hub was told of its success. */
    private void check(String deviceId, String blobName, boolean builtIn, long size, int notified) throws Exception {
      byte[] stored = builtIn ? hub.files().blob(blobName).orElseThrow() : azurite.read(CONTAINER, blobName);
      if (stored.length != size) {
        throw new IllegalStateException(blobName + ": stored " + stored.length + " bytes, sent " + size);
      }
      for (int i = 0; i < stored.length; i++) {
        if (stored[i] != GeneratedContent.at(i)) {
          throw new IllegalStateException(blobName + ": byte " + i + " differs");
        }
      }
      List<FileUploadNotification> all = hub.files().notifications(deviceId);
      if (all.size() != notified + 1 || !all.get(all.size() - 1).success()) {
        throw new IllegalStateException(deviceId + ": expected one more successful notification, got " + all);
      }
    }

    void summary() {
      System.out.println();
      System.out.println("median of the rounds: MB/s, heap growth after GC (MB), sum of heap pool peaks (MB)");
      for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
        System.out.printf(Locale.ROOT, "%-26s %8.1f %8.1f %8.1f   (MB/s per round: %s)%n", e.getKey(),
            median(e.getValue(), 0), median(e.getValue(), 1), median(e.getValue(), 2), perRound(e.getValue()));
      }
      for (String storage : List.of("built-in", "Azurite")) {
        List<double[]> ours = results.get("rxiothub " + storage);
        for (String official : List.of("official", "official-blocks")) {
          List<double[]> theirs = results.get(official + " " + storage);
          if (ours != null && theirs != null) {
            System.out.printf(Locale.ROOT, "%s: rxiothub / %s = %.2fx (medians)%n", storage, official,
                median(ours, 0) / median(theirs, 0));
          }
        }
      }
    }

    private static String perRound(List<double[]> rows) {
      StringBuilder s = new StringBuilder();
      for (double[] r : rows) {
        s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", r[0]));
      }
      return s.toString();
    }

    private static double median(List<double[]> rows, int column) {
      double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
      return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
  }
}
