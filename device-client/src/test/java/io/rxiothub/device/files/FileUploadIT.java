// DeviceClient.files() against the hub emulator's file endpoints and built-in Blob storage over real TLS: Put Blob and
// multi-block uploads from a file, a stream and a publisher, byte for byte; progress; a failed block retried; a
// dispose mid-upload notifies the hub of the failure; a connection cut mid-block; a SAS expiring mid-upload; the hub's
// limits and the low-level steps; X.509 devices authenticating the HTTPS calls with their certificate.
package io.rxiothub.device.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.subjects.CompletableSubject;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.device.BlobSasUri;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.IotHubFileUploadException;
import io.rxiothub.device.TestCertificates;
import io.rxiothub.device.UploadProgress;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.files.FileUploadNotification;
import io.rxiothub.emulator.files.FileUploads;
import io.rxiothub.testing.NoLeaksExtension;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NoLeaksExtension.class)
@Timeout(60)
class FileUploadIT {

  private static final int BLOCK = 64 * 1024;

  /** The hub's clock: a test moves it forward to expire a SAS the hub handed out (the client keeps real time). */
  private static final OffsetClock CLOCK = new OffsetClock();

  @RegisterExtension
  static final HubEmulatorExtension HUB = HubEmulatorExtension.withClock(CLOCK);

  private DeviceClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
    HUB.hub().files().failStorage(500, 0);
    HUB.hub().files().failHubRequests(500, 0);
    HUB.hub().files().cutStorageUploads(0);
    HUB.hub().files().sasTimeToLive(Duration.ofHours(1));
    CLOCK.offset = Duration.ZERO;
  }

  /** The system clock moved by {@link #offset}. */
  private static final class OffsetClock extends Clock {
    volatile Duration offset = Duration.ZERO;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the hub's clock is UTC");
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }
  }

  private DeviceClient client(DeviceIdentity id) {
    client = DeviceClient.builder().connectionString(id.connectionString()).trustStore(HUB.hub().trustStore())
        .httpsPort(HUB.hub().webSocketPort()).fileUploadBlockSize(BLOCK).build();
    return client;
  }

  private static byte[] content(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static FileUploadNotification lastNotification(String deviceId) {
    await().atMost(Duration.ofSeconds(10)).until(() -> !HUB.hub().files().notifications(deviceId).isEmpty());
    List<FileUploadNotification> all = HUB.hub().files().notifications(deviceId);
    return all.get(all.size() - 1);
  }

  @Test
  void aSmallFileGoesInOnePutBlobAndTheHubIsNotifiedOfSuccess(@TempDir Path dir) throws Exception {
    DeviceClient c = client(HUB.createDevice("small-file"));
    byte[] bytes = content(10_000, 1);
    File file = dir.resolve("small.bin").toFile();
    Files.write(file.toPath(), bytes);

    List<UploadProgress> progress = c.files().upload("logs/small.bin", file).toList()
        .blockingGet();

    assertThat(progress).containsExactly(UploadProgress.of("small-file/logs/small.bin", 10_000, 10_000));
    assertThat(HUB.hub().files().blob("small-file/logs/small.bin")).hasValueSatisfying(
        b -> assertThat(b).isEqualTo(bytes));
    FileUploadNotification n = lastNotification("small-file");
    assertThat(n.success()).isTrue();
    assertThat(n.blobSizeInBytes()).isEqualTo(10_000);
    assertThat(HUB.hub().files().activeUploads("small-file")).isZero();
  }

  @Test
  void uploadsRunOnTheSchedulerTheBuilderWasGiven() {
    java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor(
        r -> new Thread(r, "own-upload-thread"));
    try {
      client = DeviceClient.builder().connectionString(HUB.createDevice("own-scheduler").connectionString())
          .trustStore(HUB.hub().trustStore()).httpsPort(HUB.hub().webSocketPort()).fileUploadBlockSize(BLOCK)
          .fileUploadScheduler(io.reactivex.rxjava3.schedulers.Schedulers.from(executor)).build();
      List<String> readOn = new CopyOnWriteArrayList<>();

      client.files().upload("where.bin", () -> {
        readOn.add(Thread.currentThread().getName());
        return new ByteArrayInputStream(content(3 * BLOCK + 1, 11));
      }).blockingSubscribe();
      client.files().sasUri("low-level.bin").flatMapCompletable(sas -> client.files().notify(sas, false, 400, "no"))
          .blockingAwait(20, TimeUnit.SECONDS);

      assertThat(readOn).containsExactly("own-upload-thread");
      // several blocks on one thread: the second lane never gets a thread, the first sends every block
      assertThat(HUB.hub().files().blob("own-scheduler/where.bin")).hasValueSatisfying(
          b -> assertThat(b).isEqualTo(content(3 * BLOCK + 1, 11)));
      assertThat(HUB.hub().files().notifications("own-scheduler")).hasSize(2);
    } finally {
      executor.shutdownNow();
    }
  }

  /**
   * One progress signal per block, growing by that block's size (blocks of BLOCK, then the rest); two blocks are in
   * flight at once, so the short last block may be counted before the one ahead of it.
   */
  private static void assertProgressPerBlock(List<UploadProgress> progress, long total) {
    List<Long> steps = new ArrayList<>();
    long before = 0;
    for (UploadProgress p : progress) {
      steps.add(p.bytesSent() - before);
      before = p.bytesSent();
    }
    List<Long> blocks = new ArrayList<>();
    for (long left = total; left > 0; left -= BLOCK) {
      blocks.add(Math.min(left, BLOCK));
    }
    assertThat(steps).as("bytes added by each progress signal").containsExactlyInAnyOrderElementsOf(blocks);
    assertThat(before).isEqualTo(total);
  }

  @Test
  void aLargeStreamGoesBlockByBlockWithProgressAndArrivesByteForByte() {
    DeviceClient c = client(HUB.createDevice("multi-block"));
    byte[] bytes = content(5 * BLOCK + 123, 2);

    List<UploadProgress> progress = c.files().upload("big.bin", () -> new ByteArrayInputStream(bytes)).toList()
        .blockingGet();

    assertProgressPerBlock(progress, 5L * BLOCK + 123);
    assertThat(progress).allMatch(p -> p.totalBytes() == -1);
    assertThat(HUB.hub().files().blob("multi-block/big.bin")).hasValueSatisfying(
        b -> assertThat(b).isEqualTo(bytes));
    assertThat(lastNotification("multi-block").success()).isTrue();
  }

  @Test
  void aPublisherOfBuffersIsUploadedInItsOrder() {
    DeviceClient c = client(HUB.createDevice("publisher"));
    byte[] bytes = content(3 * BLOCK + 10, 3);
    Flowable<ByteBuffer> chunks = Flowable.range(0, (bytes.length + 999) / 1000)
        .map(i -> ByteBuffer.wrap(bytes, i * 1000, Math.min(1000, bytes.length - i * 1000)));

    c.files().upload("from-publisher.bin", chunks).blockingSubscribe();

    assertThat(HUB.hub().files().blob("publisher/from-publisher.bin")).hasValueSatisfying(
        b -> assertThat(b).isEqualTo(bytes));
  }

  @Test
  void failedBlocksAreSentAgainAndTheUploadSucceeds() {
    DeviceClient c = client(HUB.createDevice("retried"));
    byte[] bytes = content(3 * BLOCK, 4);
    HUB.hub().files().failStorage(503, 2);

    c.files().upload("retried.bin", () -> new ByteArrayInputStream(bytes)).blockingSubscribe();

    assertThat(HUB.hub().files().blob("retried/retried.bin")).hasValueSatisfying(b -> assertThat(b)
        .isEqualTo(bytes));
    assertThat(lastNotification("retried").success()).isTrue();
  }

  @Test
  void aBlockFailingEveryAttemptFailsTheUploadAndTheHubHearsOfIt() {
    DeviceClient c = client(HUB.createDevice("gives-up"));
    HUB.hub().files().failStorage(500, 100);

    TestSubscriber<UploadProgress> upload = c.files().upload("never.bin",
        () -> new ByteArrayInputStream(content(2 * BLOCK, 5))).test();

    upload.awaitDone(30, TimeUnit.SECONDS);
    upload.assertError(e -> e instanceof IotHubFileUploadException
        && ((IotHubFileUploadException) e).stage() == IotHubFileUploadException.Stage.STORAGE
        && ((IotHubFileUploadException) e).status() == 500 && e.getMessage().contains("after 4 attempts")
        && !e.getMessage().contains("sig="));
    FileUploadNotification n = lastNotification("gives-up");
    assertThat(n.success()).isFalse();
    assertThat(n.statusCode()).isEqualTo(500);
    assertThat(HUB.hub().files().activeUploads("gives-up")).isZero();
  }

  @Test
  void aConnectionCutMidBlockSendsThatBlockAgainAndTheBlobIsByteIdentical() {
    DeviceClient c = client(HUB.createDevice("cut"));
    byte[] bytes = content(3 * BLOCK + 7, 8);
    int cutBefore = HUB.hub().files().storageUploadsCut();
    HUB.hub().files().cutStorageUploads(1);

    List<UploadProgress> progress = c.files().upload("cut.bin", () -> new ByteArrayInputStream(bytes)).toList()
        .blockingGet();

    assertThat(HUB.hub().files().storageUploadsCut()).isEqualTo(cutBefore + 1);
    assertProgressPerBlock(progress, 3L * BLOCK + 7);
    assertThat(HUB.hub().files().blob("cut/cut.bin")).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
    FileUploadNotification n = lastNotification("cut");
    assertThat(n.success()).isTrue();
    assertThat(n.blobSizeInBytes()).isEqualTo(bytes.length);
  }

  @Test
  void aSasExpiringMidUploadFailsNamingTheExpiryAndTheHubHearsOfTheFailure() {
    DeviceClient c = client(HUB.createDevice("sas-expires"));
    HUB.hub().files().sasTimeToLive(Duration.ofMinutes(1));
    // the first block, then the rest once the test has moved the hub's clock past the SAS's expiry
    CompletableSubject expired = CompletableSubject.create();
    Flowable<ByteBuffer> source = Flowable.just(ByteBuffer.wrap(content(BLOCK, 9)))
        .concatWith(expired.andThen(Flowable.just(ByteBuffer.wrap(content(BLOCK, 10)))));
    List<UploadProgress> seen = new CopyOnWriteArrayList<>();

    TestSubscriber<UploadProgress> upload = c.files().upload("late.bin", source).doOnNext(seen::add).test();
    await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 1);
    CLOCK.offset = Duration.ofMinutes(2);
    expired.onComplete();

    upload.awaitDone(30, TimeUnit.SECONDS);
    upload.assertError(e -> e instanceof IotHubFileUploadException
        && ((IotHubFileUploadException) e).stage() == IotHubFileUploadException.Stage.STORAGE
        && ((IotHubFileUploadException) e).status() == 403 && !((IotHubFileUploadException) e).isRetryable()
        && e.getMessage().contains("AuthenticationFailed") && e.getMessage().contains("the SAS expired at")
        && e.getMessage().contains("upload again") && !e.getMessage().contains("sig="));
    assertThat(seen).hasSize(1);
    FileUploadNotification n = lastNotification("sas-expires");
    assertThat(n.success()).isFalse();
    assertThat(n.statusCode()).isEqualTo(403);
    assertThat(n.statusDescription()).contains("the SAS expired at").doesNotContain("sig=");
    assertThat(HUB.hub().files().blob("sas-expires/late.bin")).isEmpty();
    assertThat(HUB.hub().files().activeUploads("sas-expires")).isZero();
  }

  @Test
  void disposingMidUploadAbortsAndNotifiesTheHubOfTheFailure() {
    DeviceClient c = client(HUB.createDevice("disposed"));
    // one block's worth, then a source that never ends: the upload waits for more after the first block
    Flowable<ByteBuffer> endless = Flowable.just(ByteBuffer.wrap(content(BLOCK, 6))).concatWith(Flowable.never());
    List<UploadProgress> seen = new CopyOnWriteArrayList<>();

    Disposable upload = c.files().upload("stopped.bin", endless).subscribe(seen::add, e -> { });
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
    upload.dispose();

    FileUploadNotification n = lastNotification("disposed");
    assertThat(n.success()).isFalse();
    assertThat(n.statusCode()).isEqualTo(499);
    assertThat(n.statusDescription()).contains("cancelled");
    assertThat(HUB.hub().files().blob("disposed/stopped.bin")).isEmpty();
  }

  @Test
  void anUnreadableFileFailsAtTheSourceAndStillReleasesTheHubsSlot(@TempDir Path dir) {
    DeviceClient c = client(HUB.createDevice("missing-file"));

    TestSubscriber<UploadProgress> upload = c.files().upload("x.bin", dir.resolve("absent.bin").toFile()).test();

    upload.awaitDone(20, TimeUnit.SECONDS);
    upload.assertError(e -> e instanceof IotHubFileUploadException
        && ((IotHubFileUploadException) e).stage() == IotHubFileUploadException.Stage.SOURCE
        && e.getMessage().contains("absent.bin") && !((IotHubFileUploadException) e).isRetryable());
    assertThat(lastNotification("missing-file").success()).isFalse();
    assertThat(HUB.hub().files().activeUploads("missing-file")).isZero();
  }

  @Test
  void blobNamesBreakingStorageRulesFailAtOnceNamingTheRule() {
    DeviceClient c = client(HUB.createDevice("names"));

    assertThatIllegalArgumentException().isThrownBy(() -> c.files().sasUri("dir//file"))
        .withMessageContaining("empty path segment");
    assertThatIllegalArgumentException().isThrownBy(() -> c.files().upload("ends-with.", () -> null))
        .withMessageContaining("must not end with '.'");
    assertThatIllegalArgumentException().isThrownBy(() -> c.files().sasUri("")).withMessageContaining("empty");
  }

  @Test
  void theLowLevelStepsHandOutTheSasAndTakeTheNotificationAndTheHubCapsThem() {
    DeviceClient c = client(HUB.createDevice("low-level"));
    List<BlobSasUri> uris = new java.util.ArrayList<>();
    for (int i = 0; i < FileUploads.MAX_CONCURRENT_UPLOADS; i++) {
      uris.add(c.files().sasUri("f" + i).blockingGet());
    }

    TestSubscriber<BlobSasUri> eleventh = c.files().sasUri("f10").toFlowable().test();
    eleventh.awaitDone(20, TimeUnit.SECONDS);
    c.files().notify(uris.get(0), true, 200, "uploaded elsewhere").blockingAwait(20, TimeUnit.SECONDS);

    eleventh.assertError(e -> e instanceof IotHubFileUploadException
        && ((IotHubFileUploadException) e).status() == 403 && e.getMessage().contains("DeviceMaximumActiveFileUploadLimitExceeded"));
    assertThat(uris.get(0).blobName()).isEqualTo("low-level/f0");
    assertThat(uris.get(0).toString()).doesNotContain("sig=").contains("sasToken=***");
    assertThat(uris.get(0).blobUriWithSas()).contains("sig=");
    FileUploadNotification n = lastNotification("low-level");
    assertThat(n.statusDescription()).isEqualTo("uploaded elsewhere");
    assertThat(HUB.hub().files().activeUploads("low-level")).isEqualTo(FileUploads.MAX_CONCURRENT_UPLOADS - 1);
    for (BlobSasUri uri : uris.subList(1, uris.size())) {
      c.files().notify(uri, false, 400, "not needed").blockingAwait(20, TimeUnit.SECONDS);
    }
  }

  private static String sha256(X509Certificate certificate) throws Exception {
    StringBuilder hex = new StringBuilder();
    for (byte b : MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }

  @Test
  void aSelfSignedX509DeviceUploadsWithItsCertificateOnTheHttpsCalls() throws Exception {
    KeyPair keys = TestCertificates.keys();
    X509Certificate cert = TestCertificates.certificate("CN=x509-files", keys, "CN=x509-files", keys, false);
    DeviceIdentity id = HUB.hub().registry().createSelfSignedDevice("x509-files", sha256(cert), null);
    client = DeviceClient.builder().connectionString(id.connectionString()).clientCertificate(keys.getPrivate(), cert)
        .trustStore(HUB.hub().trustStore()).httpsPort(HUB.hub().webSocketPort()).fileUploadBlockSize(BLOCK).build();
    byte[] bytes = content(2 * BLOCK + 5, 12);

    client.files().upload("cert.bin", () -> new ByteArrayInputStream(bytes)).blockingSubscribe();

    assertThat(HUB.hub().files().blob("x509-files/cert.bin")).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
    assertThat(lastNotification("x509-files").success()).isTrue();
    assertThat(HUB.hub().files().activeUploads("x509-files")).isZero();
  }

  @Test
  void aCaSignedX509DeviceUploadsWithItsChain() throws Exception {
    KeyPair rootKeys = TestCertificates.keys();
    X509Certificate root = TestCertificates.certificate("CN=Files Root", rootKeys, "CN=Files Root", rootKeys, true);
    HUB.hub().registry().addCertificateAuthority(root);
    DeviceIdentity id = HUB.hub().registry().createCaSignedDevice("x509-ca-files");
    KeyPair keys = TestCertificates.keys();
    X509Certificate leaf = TestCertificates.certificate("CN=x509-ca-files", keys, "CN=Files Root", rootKeys, false);
    client = DeviceClient.builder().connectionString(id.connectionString()).clientCertificate(keys.getPrivate(), leaf)
        .trustStore(HUB.hub().trustStore()).httpsPort(HUB.hub().webSocketPort()).build();

    client.files().upload("chain.bin", () -> new ByteArrayInputStream(content(100, 13))).blockingSubscribe();

    assertThat(HUB.hub().files().blob("x509-ca-files/chain.bin")).hasValueSatisfying(b -> assertThat(b).hasSize(100));
    assertThat(lastNotification("x509-ca-files").success()).isTrue();
  }

  @Test
  void anX509DeviceWithAnotherCertificateIsRefusedAtTheSasRequestNamingTheThumbprint() throws Exception {
    KeyPair keys = TestCertificates.keys();
    X509Certificate enrolled = TestCertificates.certificate("CN=x509-other", keys, "CN=x509-other", keys, false);
    DeviceIdentity id = HUB.hub().registry().createSelfSignedDevice("x509-other", sha256(enrolled), null);
    KeyPair otherKeys = TestCertificates.keys();
    X509Certificate other = TestCertificates.certificate("CN=x509-other", otherKeys, "CN=x509-other", otherKeys,
        false);
    client = DeviceClient.builder().connectionString(id.connectionString())
        .clientCertificate(otherKeys.getPrivate(), other).trustStore(HUB.hub().trustStore())
        .httpsPort(HUB.hub().webSocketPort()).build();

    TestSubscriber<UploadProgress> upload = client.files().upload("t.bin", () -> new ByteArrayInputStream(new byte[1]))
        .test();

    upload.awaitDone(20, TimeUnit.SECONDS);
    upload.assertError(e -> e instanceof IotHubFileUploadException
        && ((IotHubFileUploadException) e).stage() == IotHubFileUploadException.Stage.SAS_URI
        && ((IotHubFileUploadException) e).status() == 401 && !((IotHubFileUploadException) e).isRetryable()
        && e.getMessage().contains("thumbprint"));
    assertThat(HUB.hub().files().activeUploads("x509-other")).isZero();
    assertThat(HUB.hub().files().notifications("x509-other")).isEmpty();
  }

  @Test
  void aHubWhoseCertificateIsNotTrustedFailsAtTheSasRequestNotRetryable() throws Exception {
    DeviceIdentity id = HUB.createDevice("wrong-ca");
    java.security.KeyStore otherCa = io.rxiothub.emulator.internal.TlsMaterial.generate(java.util.Set.of("localhost"),
        java.util.Set.of("127.0.0.1"), java.time.Instant.now()).trustStore();
    client = DeviceClient.builder().connectionString(id.connectionString()).trustStore(otherCa)
        .httpsPort(HUB.hub().webSocketPort()).build();

    TestSubscriber<UploadProgress> upload = client.files().upload("t.bin", () -> new ByteArrayInputStream(new byte[1]))
        .test();

    upload.awaitDone(20, TimeUnit.SECONDS);
    upload.assertError(e -> e instanceof IotHubFileUploadException
        && ((IotHubFileUploadException) e).stage() == IotHubFileUploadException.Stage.SAS_URI
        && e.getCause() instanceof javax.net.ssl.SSLException && !((IotHubFileUploadException) e).isRetryable());
    assertThat(HUB.hub().files().activeUploads("wrong-ca")).isZero();
  }

  @Test
  void aThrottledHubFailsTheSasRequestAsRetryable() {
    DeviceClient c = client(HUB.createDevice("throttled"));
    HUB.hub().files().failHubRequests(429, 1);

    TestSubscriber<UploadProgress> upload = c.files().upload("t.bin", () -> new ByteArrayInputStream(new byte[1]))
        .test();

    upload.awaitDone(20, TimeUnit.SECONDS);
    upload.assertError(e -> e instanceof IotHubFileUploadException
        && ((IotHubFileUploadException) e).stage() == IotHubFileUploadException.Stage.SAS_URI
        && ((IotHubFileUploadException) e).isRetryable());
    assertThat(HUB.hub().files().notifications("throttled")).isEmpty();
  }
}
