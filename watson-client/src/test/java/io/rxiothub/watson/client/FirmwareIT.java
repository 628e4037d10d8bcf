// Firmware download and update (protocol.md §14.10) between GatewayClient's handleFirmware and the emulator's
// platform side over TLS on loopback: the steps in RTD-DM's order, the notified states, failures and refusals.
package io.rxiothub.watson.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.emulator.watson.WatsonEmulator;
import io.rxiothub.testing.SecretScanner;
import io.rxiothub.watson.Firmware;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(90)
class FirmwareIT {

  private static final Duration STEP = Duration.ofSeconds(20);
  private static final Firmware IMAGE = Firmware.builder().version("2.1.0").name("main")
      .uri("https://firmware.example/main-2.1.0.bin").verifier("sha256:abc").build();

  private WatsonEmulator org;
  private GatewayClient gateway;
  private Disposable handling;
  private final List<String> calls = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    org = WatsonEmulator.builder().orgId("abc123").build();
    org.start();
  }

  @AfterEach
  void stop() {
    if (handling != null) {
      handling.dispose();
    }
    if (gateway != null) {
      gateway.close();
    }
    org.close();
  }

  private void connectHandling(boolean firmwareActions, Function<Firmware, Completable> download,
      Function<Firmware, Completable> update) throws Exception {
    String token = org.registerGateway("gw", "gw1");
    SecretScanner.register(token);
    org.registerDevice("sensor", "s1");
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(org.trustStore());
    gateway = GatewayClient.builder().orgId("abc123").typeId("gw").deviceId("gw1").token(token)
        .host("localhost").port(org.mqttPort()).trustManagerFactory(trust).build();
    handling = gateway.management().handleFirmware("sensor", "s1", download, update).subscribe();
    gateway.connect().blockingAwait(20, TimeUnit.SECONDS);
    assertThat(gateway.management().manage("sensor", "s1", 0, true, firmwareActions).blockingGet()).isEqualTo(200);
  }

  private Function<Firmware, Completable> recording(String what, Completable outcome) {
    return f -> Completable.fromRunnable(() -> calls.add(what + " " + f.version() + " " + f.uri()))
        .andThen(outcome);
  }

  @Test
  void downloadsThenUpdatesThroughEveryStepAndTheOrganisationSeesTheNewVersion() throws Exception {
    connectHandling(true, recording("download", Completable.timer(50, TimeUnit.MILLISECONDS)),
        recording("update", Completable.complete()));

    Firmware downloaded = org.deviceManagement().firmwareDownload("sensor", "s1", IMAGE, STEP)
        .blockingGet();
    assertThat(downloaded.state()).isEqualTo(Firmware.STATE_DOWNLOADED);
    assertThat(downloaded.uri()).isEqualTo(IMAGE.uri());
    assertThat(calls).containsExactly("download 2.1.0 https://firmware.example/main-2.1.0.bin");

    Firmware updated = org.deviceManagement().firmwareUpdate("sensor", "s1", STEP).blockingGet();
    assertThat(updated.state()).isEqualTo(Firmware.STATE_IDLE);
    assertThat(updated.updateStatus()).isEqualTo(Firmware.UPDATE_SUCCESS);
    assertThat(calls).endsWith("update 2.1.0 https://firmware.example/main-2.1.0.bin");
    assertThat(org.deviceManagement().manageRequest("sensor", "s1").deviceInfoJson())
        .contains("\"fwVersion\":\"2.1.0\"");
  }

  @Test
  void aFailedDownloadReportsItsStatusAndAnUpdateWithoutADownloadIsRefused() throws Exception {
    connectHandling(true, f -> Completable.error(new FirmwareException(Firmware.UPDATE_VERIFICATION_FAILED,
        "checksum mismatch")), f -> Completable.complete());

    Firmware failed = org.deviceManagement().firmwareDownload("sensor", "s1", IMAGE, STEP).blockingGet();
    assertThat(failed.state()).isEqualTo(Firmware.STATE_IDLE);
    assertThat(failed.updateStatus()).isEqualTo(Firmware.UPDATE_VERIFICATION_FAILED);

    assertThatThrownBy(() -> org.deviceManagement().firmwareUpdate("sensor", "s1", STEP).blockingGet())
        .hasMessageContaining("mgmt/initiate/firmware/update").hasMessageContaining("rc 400");
    // the device stays usable: a download of a URI it cannot read is refused with 400 as well
    assertThatThrownBy(() -> org.deviceManagement().firmwareDownload("sensor", "s1",
        IMAGE.toBuilder().uri("not a uri").build(), STEP).blockingGet())
        .hasMessageContaining("mgmt/initiate/firmware/download").hasMessageContaining("rc 400");
  }

  @Test
  void disposedRightAfterItsDownloadTheHandlerStillEndsTheFlowAndDisconnectWaitsForIt() throws Exception {
    // The order cli's watson manage --firmware follows: the download is done, the handler is disposed and the
    // client disconnects at once; the platform still gets the device's last notify and the answer to its cancel.
    AtomicReference<Completable> disconnected = new AtomicReference<>();
    connectHandling(true, f -> Completable.fromRunnable(() -> calls.add("download " + f.version()))
        .doAfterTerminate(() -> {
          handling.dispose();
          disconnected.set(gateway.disconnect().cache());
          disconnected.get().subscribe(() -> { }, e -> { });
        }), null);

    Firmware downloaded = org.deviceManagement().firmwareDownload("sensor", "s1", IMAGE, STEP).blockingGet();
    assertThat(downloaded.state()).isEqualTo(Firmware.STATE_DOWNLOADED);
    assertThat(calls).containsExactly("download 2.1.0");
    assertThat(disconnected.get().blockingAwait(20, TimeUnit.SECONDS)).isTrue();
    assertThat(org.deviceManagement().lateResponses()).isEmpty();
  }

  @Test
  void disposedDuringADownloadTheHandlerStopsItReportsItFailedAndAnswersTheCancel() throws Exception {
    CountDownLatch downloading = new CountDownLatch(1);
    AtomicBoolean stopped = new AtomicBoolean();
    connectHandling(true, f -> Completable.never().doOnSubscribe(d -> downloading.countDown())
        .doOnDispose(() -> stopped.set(true)), null);

    Single<Firmware> download = org.deviceManagement().firmwareDownload("sensor", "s1", IMAGE, STEP).cache();
    download.subscribe((f, e) -> { });
    assertThat(downloading.await(20, TimeUnit.SECONDS)).isTrue();
    handling.dispose();

    Firmware failed = download.blockingGet();
    assertThat(stopped).isTrue();
    assertThat(failed.state()).isEqualTo(Firmware.STATE_IDLE);
    assertThat(failed.updateStatus()).isEqualTo(Firmware.UPDATE_CONNECTION_LOST);
    // disposed: the next request is the user's business, no longer answered by the handler
    assertThatThrownBy(() -> org.deviceManagement().firmwareDownload("sensor", "s1", IMAGE, Duration.ofSeconds(1))
        .blockingGet()).hasRootCauseInstanceOf(TimeoutException.class);
  }

  @Test
  void withoutADownloadFunctionTheDeviceAnswers501() throws Exception {
    connectHandling(true, null, null);
    assertThatThrownBy(() -> org.deviceManagement().firmwareDownload("sensor", "s1", IMAGE, STEP).blockingGet())
        .hasMessageContaining("rc 501");
  }

  @Test
  void aDeviceManagedWithoutFirmwareActionsGetsNoFirmwareRequest() throws Exception {
    connectHandling(false, recording("download", Completable.complete()), null);
    assertThatThrownBy(() -> org.deviceManagement().firmwareDownload("sensor", "s1", IMAGE, STEP).blockingGet())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("supports.firmwareActions");
    assertThat(calls).isEmpty();
    assertThat(org.deviceManagement().firmware("sensor", "s1").uri()).isNull();
  }
}
