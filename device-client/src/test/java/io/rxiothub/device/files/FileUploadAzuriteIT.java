// Our client -> the hub emulator -> Azurite (the Azure Storage emulator, a real storage peer from npm) over TLS: the
// emulator signs SAS URIs for Azurite's development account; small and multi-block uploads arrive byte for byte;
// a file several times larger than a child JVM's heap streams through.
package io.rxiothub.device.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.UploadProgress;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.files.FileUploadNotification;
import io.rxiothub.emulator.files.StorageAccount;
import io.rxiothub.emulator.internal.TlsMaterial;
import io.rxiothub.testing.ChildJvm;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(180)
class FileUploadAzuriteIT {

  private static final String CONTAINER = "device-uploads";
  private static final int BLOCK = 256 * 1024;

  @TempDir
  static Path dir;
  private static HubEmulator hub;
  private static Azurite azurite;

  @BeforeAll
  static void start() throws Exception {
    // One CA signs both the hub's and Azurite's server certificates, so the client trusts both as in production
    // (where both chain to public roots); Azurite serves HTTPS because the device SDKs always build https:// URIs.
    TlsMaterial tls = TlsMaterial.generate(Set.of("localhost"), Set.of("127.0.0.1"), Instant.now());
    Path material = dir.resolve("tls.pem");
    tls.write(material);
    hub = HubEmulator.builder().mqttPort(0).webSocketPort(0).tlsMaterial(material).build().start();
    azurite = Azurite.start(tls.serverCertificate(), tls.serverKey(), hub.sslContext(), dir);
    azurite.createContainer(CONTAINER);
    hub.files().useStorage(StorageAccount.azurite(azurite.port(), CONTAINER));
  }

  @AfterAll
  static void stop() {
    if (azurite != null) {
      azurite.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  private static DeviceClient client(DeviceIdentity id) {
    return DeviceClient.builder().connectionString(id.connectionString()).trustStore(hub.trustStore())
        .httpsPort(hub.webSocketPort()).fileUploadBlockSize(BLOCK).build();
  }

  private static FileUploadNotification notification(String deviceId) {
    await().atMost(Duration.ofSeconds(10)).until(() -> !hub.files().notifications(deviceId).isEmpty());
    return hub.files().notifications(deviceId).get(0);
  }

  @Test
  void aSmallUploadIsStoredByAzuriteAndNotified() throws Exception {
    DeviceIdentity id = hub.registry().createDevice("azurite-small");
    byte[] bytes = "hello, Azurite".getBytes(StandardCharsets.UTF_8);
    try (DeviceClient c = client(id)) {
      c.files().upload("greeting.txt", () -> new ByteArrayInputStream(bytes)).blockingSubscribe();
    }

    assertThat(azurite.read(CONTAINER, "azurite-small/greeting.txt")).isEqualTo(bytes);
    FileUploadNotification n = notification("azurite-small");
    assertThat(n.success()).isTrue();
    assertThat(n.blobUri()).startsWith("https://127.0.0.1:" + azurite.port() + "/devstoreaccount1/" + CONTAINER
        + "/azurite-small%2Fgreeting.txt");
  }

  @Test
  void aMultiBlockUploadIsCommittedByAzuriteByteForByte() throws Exception {
    DeviceIdentity id = hub.registry().createDevice("azurite-blocks");
    byte[] bytes = new byte[4 * BLOCK + 777];
    new Random(7).nextBytes(bytes);
    List<UploadProgress> progress;
    try (DeviceClient c = client(id)) {
      progress = c.files().upload("dir/data.bin", () -> new ByteArrayInputStream(bytes)).toList().blockingGet();
    }

    assertThat(progress).hasSize(5);
    assertThat(azurite.read(CONTAINER, "azurite-blocks/dir/data.bin")).isEqualTo(bytes);
    assertThat(notification("azurite-blocks").success()).isTrue();
  }

  @Test
  void aFileFourTimesTheHeapStreamsThroughAChildJvm() throws Exception {
    DeviceIdentity id = hub.registry().createDevice("azurite-stream");
    long length = 160L * 1024 * 1024;
    Path ca = dir.resolve("ca.pem");
    Files.write(ca, hub.caCertificatePem().getBytes(StandardCharsets.US_ASCII));
    try (ChildJvm child = DeviceConnectionEnvironment.pass(ChildJvm.builder(StreamingUploadChild.class)
        .jvmOptions("-Xmx40m").args(String.valueOf(hub.webSocketPort()), ca.toString(), "big.bin",
            String.valueOf(length), String.valueOf(4 * 1024 * 1024)), id.connectionString()).start()) {
      assertThat(child.process().info().arguments().orElse(new String[0]))
          .as("the child's command line, which every user of the machine can read")
          .noneMatch(argument -> argument.contains(id.primaryKey()));
      assertThat(child.awaitExit(Duration.ofSeconds(120))).as("exit value; output: %s", child.output()).isZero();
    }
    byte[] stored = azurite.read(CONTAINER, "azurite-stream/big.bin");
    assertThat(stored).hasSize((int) length);
    for (int i = 0; i < stored.length; i++) {
      if (stored[i] != GeneratedContent.at(i)) {
        throw new AssertionError("byte " + i + " differs");
      }
    }
    assertThat(notification("azurite-stream").success()).isTrue();
  }
}
