// A measurement, not a test: 200 MB of generated content uploaded by DeviceClient.files() through the emulator's
// built-in storage face and through Azurite, MB/s and heap (used after GC) before and after; warm-up first.
// Run as in benchmarks/RESULTS.md §11 (needs Azurite in device-client/target/azurite: ./mvnw verify -pl device-client).
package io.rxiothub.device.files;

import io.rxiothub.device.DeviceClient;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.files.StorageAccount;
import io.rxiothub.emulator.internal.TlsMaterial;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

final class FileUploadBench {

  private FileUploadBench() {}

  public static void main(String[] args) throws Exception {
    long size = args.length > 0 ? Long.parseLong(args[0]) : 200_000_000L;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Path dir = Files.createTempDirectory("upload-bench");
    TlsMaterial tls = TlsMaterial.generate(Set.of("localhost"), Set.of("127.0.0.1"), Instant.now());
    tls.write(dir.resolve("tls.pem"));
    try (HubEmulator hub = HubEmulator.builder().mqttPort(0).webSocketPort(0).tlsMaterial(dir.resolve("tls.pem"))
        .build().start();
        Azurite azurite = Azurite.start(tls.serverCertificate(), tls.serverKey(), hub.sslContext(), dir)) {
      azurite.createContainer("bench");
      DeviceIdentity id = hub.registry().createDevice("bench-dev");
      try (DeviceClient client = DeviceClient.builder().connectionString(id.connectionString())
          .trustStore(hub.trustStore()).httpsPort(hub.webSocketPort()).build()) {
        run(client, hub, "warm-up (built-in)", 20_000_000L, null);
        for (int round = 1; round <= rounds; round++) {
          hub.files().useBuiltInStorage();
          run(client, hub, "built-in storage, round " + round, size, null);
          hub.files().useStorage(StorageAccount.azurite(azurite.port(), "bench"));
          run(client, hub, "Azurite, round " + round, size, azurite);
        }
      }
    }
  }

  private static void run(DeviceClient client, HubEmulator hub, String what, long size, Azurite azurite) {
    long before = usedAfterGc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    String blob = "b" + System.nanoTime();
    long start = System.nanoTime();
    client.files().upload(blob, () -> new GeneratedContent(size)).blockingSubscribe();
    double seconds = (System.nanoTime() - start) / 1e9;
    long after = usedAfterGc();
    // The built-in face keeps the blob in this JVM's heap: drop it from the count (the client's growth is what counts).
    long kept = azurite == null ? hub.files().blob("bench-dev/" + blob).map(b -> (long) b.length).orElse(0L) : 0;
    System.out.printf(Locale.ROOT, "%-28s %6.1f MB/s  %5.1f s  heap after GC %6.1f -> %6.1f MB (minus the stored blob"
        + " %6.1f MB: growth %5.1f MB)%n", what, size / 1e6 / seconds, seconds, before / 1e6, after / 1e6, kept / 1e6,
        (after - before - kept) / 1e6);
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
