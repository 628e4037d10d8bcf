// WatsonDeviceClient (d:) against the emulator's Watson organisation over TLS on loopback: its own events and
// commands, device management and firmware on the device's own topics, and what a device may not do.
package io.rxiothub.watson.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.emulator.watson.WatsonEmulator;
import io.rxiothub.testing.SecretScanner;
import io.rxiothub.watson.DmOperation;
import io.rxiothub.watson.Firmware;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WatsonDeviceClientIT {

  private WatsonEmulator org;
  private WatsonDeviceClient device;

  @BeforeEach
  void start() throws Exception {
    org = WatsonEmulator.builder().orgId("abc123").build();
    org.start();
    String token = org.registerDevice("sensor", "s1");
    SecretScanner.register(token);
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(org.trustStore());
    device = WatsonDeviceClient.builder().orgId("abc123").typeId("sensor").deviceId("s1").token(token)
        .host("localhost").port(org.mqttPort()).trustManagerFactory(trust).reconnectDelays(100, 500).build();
  }

  @AfterEach
  void stop() {
    device.close();
    org.close();
  }

  @Test
  void publishesItsOwnEventsAndOnlyThose() throws Exception {
    device.connect().blockingAwait(20, TimeUnit.SECONDS);
    device.publishEvent(device.event("status", "{\"t\":21}".getBytes(UTF_8))).blockingAwait(20, TimeUnit.SECONDS);
    assertThat(device.sendAll(Flowable.just(device.event("status", "{\"t\":22}".getBytes(UTF_8)).toBuilder().qos(0)
        .build())).blockingFirst().isSuccess()).isTrue();

    await().atMost(Duration.ofSeconds(20)).until(() -> org.events().size() == 2);
    assertThat(org.events()).extracting(e -> e.typeId() + "/" + e.deviceId() + " " + e.payloadAsString() + " from "
        + e.publisher()).containsExactly("sensor/s1 {\"t\":21} from d:abc123:sensor:s1",
            "sensor/s1 {\"t\":22} from d:abc123:sensor:s1");
    GatewayEvent other = GatewayEvent.builder().device("sensor", "s2").eventId("status").payload(new byte[0]).build();
    assertThatThrownBy(() -> device.publishEvent(other)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only its own events").hasMessageContaining("sensor/s2");
  }

  @Test
  void receivesItsOwnCommandsThroughAFilter() throws Exception {
    TestSubscriber<Command> commands = device.commands("open", "+").test();
    device.connect().blockingAwait(20, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      org.sendCommand("sensor", "s1", "open", "json", "{\"pct\":40}".getBytes(UTF_8), 1);
      assertThat(commands.values()).isNotEmpty();
    });
    org.sendCommand("sensor", "s1", "close", "json", "{}".getBytes(UTF_8), 1);
    org.sendCommand("sensor", "s1", "open", "text", "again".getBytes(UTF_8), 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> commands.values().stream()
        .anyMatch(c -> c.format().equals("text")));
    assertThat(commands.values()).allSatisfy(c -> {
      assertThat(c.typeId() + "/" + c.deviceId()).isEqualTo("sensor/s1");
      assertThat(c.commandId()).isEqualTo("open");
    });
  }

  @Test
  void managesItselfAndAnswersARebootAndAFirmwareDownloadOnItsOwnTopics() throws Exception {
    TestSubscriber<PlatformRequest> requests = device.management().platformRequests()
        .filter(r -> r.operation() == DmOperation.REBOOT).test();
    Disposable firmware = device.management().handleFirmware("sensor", "s1", f -> Completable.complete(), null)
        .subscribe();
    device.connect().blockingAwait(20, TimeUnit.SECONDS);
    assertThat(device.management().manage("sensor", "s1", 3600, true, true).blockingGet()).isEqualTo(200);
    assertThat(device.management().updateLocation("sensor", "s1", 52.5, 13.4).blockingGet()).isEqualTo(200);
    assertThat(org.deviceManagement().isManaged("sensor", "s1")).isTrue();
    assertThat(org.deviceManagement().location("sensor", "s1")).contains("\"latitude\":52.5");
    assertThatThrownBy(() -> device.management().manage("sensor", "s2", 0, true, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("manages only itself");

    var reboot = org.deviceManagement().initiate("sensor", "s1", DmOperation.REBOOT, null, Duration.ofSeconds(20))
        .toFuture();
    await().atMost(Duration.ofSeconds(20)).until(() -> !requests.values().isEmpty());
    device.management().respond(requests.values().get(0), 202, null).blockingAwait(20, TimeUnit.SECONDS);
    assertThat(reboot.get(20, TimeUnit.SECONDS).rc()).isEqualTo(202);

    Firmware done = org.deviceManagement().firmwareDownload("sensor", "s1", Firmware.builder().version("3")
        .uri("https://firmware.example/3.bin").build(), Duration.ofSeconds(20)).blockingGet();
    assertThat(done.state()).isEqualTo(Firmware.STATE_DOWNLOADED);
    firmware.dispose();
  }

  @Test
  void aWrongTokenIsRefusedAndNotRetried() throws Exception {
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(org.trustStore());
    try (WatsonDeviceClient wrong = WatsonDeviceClient.builder().orgId("abc123").typeId("sensor").deviceId("s1")
        .token("not-the-token").host("localhost").port(org.mqttPort()).trustManagerFactory(trust).build()) {
      assertThatThrownBy(() -> wrong.connect().blockingAwait(20, TimeUnit.SECONDS))
          .isInstanceOf(WatsonException.class).satisfies(e -> {
            assertThat(((WatsonException) e).kind()).isEqualTo(WatsonException.Kind.REFUSED);
            assertThat(((WatsonException) e).returnCode()).isEqualTo(4);
          });
    }
  }
}
