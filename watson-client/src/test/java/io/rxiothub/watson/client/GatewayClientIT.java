// GatewayClient against the emulator's Watson organisation mode over TLS on loopback: events for itself and devices
// behind it, commands, notifications, auto-registration of 1,000 devices, refusals, reconnects with nothing lost.
package io.rxiothub.watson.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.emulator.watson.WatsonEmulator;
import io.rxiothub.testing.SecretScanner;
import io.rxiothub.watson.Notification;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class GatewayClientIT {

  private WatsonEmulator org;
  private GatewayClient gateway;

  @BeforeEach
  void start() {
    org = WatsonEmulator.builder().orgId("abc123").maxDevicesPerGateway(1_010).webSocketPort(0).build();
    org.start();
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    org.close();
  }

  private GatewayClient gateway(String id) throws Exception {
    String token = org.registerGateway("gw", id);
    SecretScanner.register(token);
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(org.trustStore());
    gateway = GatewayClient.builder().orgId("abc123").typeId("gw").deviceId(id).token(token)
        .host("localhost").port(org.mqttPort()).trustManagerFactory(trust).reconnectDelays(100, 500).build();
    return gateway;
  }

  private static GatewayEvent event(String type, String device, String text) {
    return GatewayEvent.builder().device(type, device).eventId("status").payload(text.getBytes(UTF_8)).build();
  }

  @Test
  void publishesForItselfAndForADeviceBehindItWhichIsAutoRegistered() throws Exception {
    GatewayClient gw = gateway("gw1");
    gw.connect().blockingAwait(20, TimeUnit.SECONDS);

    gw.publishEvent(event("gw", "gw1", "{\"up\":true}")).blockingAwait(20, TimeUnit.SECONDS);
    gw.publishEvent(event("sensor", "s1", "{\"t\":21}").toBuilder().qos(0).build())
        .blockingAwait(20, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(20)).until(() -> org.events().size() == 2);
    assertThat(org.events()).extracting(e -> e.typeId() + "/" + e.deviceId() + " " + e.payloadAsString() + " q"
        + e.qos()).containsExactly("gw/gw1 {\"up\":true} q1", "sensor/s1 {\"t\":21} q0");
    assertThat(org.registeredBy("sensor", "s1")).isEqualTo("gw/gw1");
  }

  @Test
  void receivesCommandsForDevicesBehindItThroughAWildcardFilter() throws Exception {
    GatewayClient gw = gateway("gw2");
    org.registerDevice("valve", "v1");
    TestSubscriber<Command> commands = gw.commands("valve", "+").test();
    gw.connect().blockingAwait(20, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      org.sendCommand("valve", "v1", "open", "json", "{\"pct\":40}".getBytes(UTF_8), 1);
      assertThat(commands.values()).isNotEmpty();
    });
    Command first = commands.values().get(0);
    assertThat(first.typeId()).isEqualTo("valve");
    assertThat(first.deviceId()).isEqualTo("v1");
    assertThat(first.commandId()).isEqualTo("open");
    assertThat(first.payloadAsString()).isEqualTo("{\"pct\":40}");
  }

  @Test
  void getsANotificationForEachRefusalAndItsStreamsSurvive() throws Exception {
    WatsonEmulator limited = org;
    GatewayClient gw = gateway("gw3");
    org.registerGateway("gw", "other");
    TestSubscriber<Notification> notifications = gw.notifications().test();
    gw.connect().blockingAwait(20, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      gw.publishEvent(event("gw", "other", "{}")).blockingAwait(20, TimeUnit.SECONDS);
      return !notifications.values().isEmpty();
    });
    limited.failNextRegistrations(1);
    gw.publishEvent(event("sensor", "broken", "{}")).blockingAwait(20, TimeUnit.SECONDS);
    gw.publishEvent(event("sensor", "broken", "{}")).blockingAwait(20, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(20)).until(() -> notifications.values().stream()
        .filter(n -> n.deviceId().equals("broken")).count() == 2);
    List<Notification> got = notifications.values();
    assertThat(got.get(0).rc()).isEqualTo(Notification.RC_TOPIC_NOT_ALLOWED);
    assertThat(got.get(0).topic()).isEqualTo("iot-2/type/gw/id/other/evt/status/fmt/json");
    assertThat(got).filteredOn(n -> n.deviceId().equals("broken")).extracting(Notification::rc)
        .containsExactly(Notification.RC_DEVICE_CREATION_FAILED, Notification.RC_REGISTRATION_BACKED_OFF);
    assertThat(org.deviceExists("sensor", "broken")).isFalse();
    notifications.assertNotComplete().assertNoErrors();
  }

  @Test
  void autoRegistersAThousandDevicesBehindOneGatewayAndEveryEventIsAcknowledged() throws Exception {
    GatewayClient gw = gateway("gw4");
    gw.connect().blockingAwait(20, TimeUnit.SECONDS);
    int before = org.deviceCount();
    List<EventResult> results = gw.sendAll(Flowable.range(0, 1_000)
            .map(i -> event("sensor", "dev-" + i, "{\"i\":" + i + "}")))
        .toList().blockingGet();
    assertThat(results).hasSize(1_000).allMatch(EventResult::isSuccess);
    await().atMost(Duration.ofSeconds(20)).until(() -> org.events().size() == 1_000);
    assertThat(org.deviceCount() - before).isEqualTo(1_000);
    assertThat(org.registeredBy("sensor", "dev-999")).isEqualTo("gw/gw4");
  }

  @Test
  void aWrongTokenIsRefusedWithCode4AndNotRetried() throws Exception {
    org.registerGateway("gw", "gw5");
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(org.trustStore());
    gateway = GatewayClient.builder().orgId("abc123").typeId("gw").deviceId("gw5").token("wrong-token-123456789")
        .host("localhost").port(org.mqttPort()).trustManagerFactory(trust).build();
    Throwable error = gateway.connect().toSingleDefault((Throwable) new AssertionError("connected"))
        .onErrorReturn(e -> e).blockingGet();
    assertThat(error).isInstanceOf(WatsonException.class);
    assertThat(((WatsonException) error).kind()).isEqualTo(WatsonException.Kind.REFUSED);
    assertThat(((WatsonException) error).returnCode()).isEqualTo(4);
    assertThat(error.getMessage()).doesNotContain("wrong-token");
  }

  @Test
  void afterAKilledConnectionItReconnectsResubscribesAndSendsWhatWasQueued() throws Exception {
    GatewayClient gw = gateway("gw6");
    org.registerDevice("valve", "v2");
    TestSubscriber<Command> commands = gw.commands("valve", "v2").test();
    gw.connect().blockingAwait(20, TimeUnit.SECONDS);
    assertThat(org.killTcp(gw.clientId())).isTrue();
    List<Throwable> outcomes = Flowable.range(0, 50)
        .concatMapSingle(i -> gw.publishEvent(event("sensor", "q" + i, "{}"))
            .toSingleDefault((Throwable) new Exception("ok")).onErrorReturn(e -> e))
        .toList().blockingGet();
    assertThat(outcomes).allMatch(t -> "ok".equals(t.getMessage()));
    // at least once: an event in flight when the connection died may arrive twice, none may be missing
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(org.events())
        .extracting(e -> e.deviceId()).as("events the emulator accepted").hasSizeBetween(50, 51)
        .containsAll(Flowable.range(0, 50).map(i -> "q" + i).toList().blockingGet()).endsWith("q49"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      org.sendCommand("valve", "v2", "close", "json", "{}".getBytes(UTF_8), 1);
      assertThat(commands.values()).isNotEmpty();
    });
  }

  @Test
  void withDefaultOptionsItKeepsReconnectingThroughRefusedAttemptsAndSendsWhatWasQueued() throws Exception {
    // The default give-up time (-1, never) once made the client stop after its first failed reconnect.
    GatewayClient gw = gateway("gw9");
    gw.connect().blockingAwait(20, TimeUnit.SECONDS);
    org.refuseConnects(gw.clientId(), Duration.ofSeconds(2), 0); // closed without CONNACK: several attempts fail
    assertThat(org.killTcp(gw.clientId())).isTrue();
    gw.publishEvent(event("sensor", "after-outage", "{}")).blockingAwait(30, TimeUnit.SECONDS);
    // with reconnect delays of 100-500 ms, 2 s of refusals fail several attempts before one is accepted
    assertThat(org.events()).extracting(e -> e.deviceId()).contains("after-outage");
  }

  @Test
  void managesItselfAndADeviceBehindItAndAnswersAPlatformRebootWithItsRc() throws Exception {
    GatewayClient gw = gateway("gw7");
    org.registerDevice("sensor", "m1");
    TestSubscriber<PlatformRequest> requests = gw.management().platformRequests().test();
    gw.connect().blockingAwait(20, TimeUnit.SECONDS);

    assertThat(gw.management().manage("gw", "gw7", 0, true, false).blockingGet()).isEqualTo(200);
    assertThat(gw.management().manage("sensor", "m1", 3600, true, true).blockingGet()).isEqualTo(200);
    assertThat(gw.management().updateLocation("sensor", "m1", 48.85, 2.35).blockingGet()).isEqualTo(200);
    assertThat(gw.management().addLog("sensor", "m1", "battery \"low\"", 1).blockingGet()).isEqualTo(200);
    assertThat(org.deviceManagement().isManaged("gw", "gw7")).isTrue();
    assertThat(org.deviceManagement().isManaged("sensor", "m1")).isTrue();
    assertThat(org.deviceManagement().location("sensor", "m1")).contains("\"latitude\":48.85");
    assertThat(org.deviceManagement().logs("sensor", "m1")).singleElement().asString()
        .contains("battery \\\"low\\\"");

    requests.values().clear();
    var reboot = org.deviceManagement()
        .initiate("sensor", "m1", io.rxiothub.watson.DmOperation.REBOOT, null, Duration.ofSeconds(20)).toFuture();
    await().atMost(Duration.ofSeconds(20)).until(() -> !requests.values().isEmpty());
    PlatformRequest request = requests.values().get(0);
    assertThat(request.operation()).isEqualTo(io.rxiothub.watson.DmOperation.REBOOT);
    assertThat(request.deviceId()).isEqualTo("m1");
    gw.management().respond(request, 202, null).blockingAwait(20, TimeUnit.SECONDS);
    assertThat(reboot.get(20, TimeUnit.SECONDS).rc()).isEqualTo(202);

    assertThat(gw.management().unmanage("sensor", "m1").blockingGet()).isEqualTo(200);
    assertThat(gw.management().addErrorCode("sensor", "m1", 7).blockingGet()).as("an unmanaged device is refused")
        .isEqualTo(403);
  }

  @Test
  void overSecureWebSocketItPublishesReceivesCommandsAndManagesWithTheLifetimeTheEmulatorParses() throws Exception {
    String token = org.registerGateway("gw", "gw-ws");
    SecretScanner.register(token);
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(org.trustStore());
    gateway = GatewayClient.builder().orgId("abc123").typeId("gw").deviceId("gw-ws").token(token)
        .host("localhost").webSocket(true).port(org.webSocketPort()).trustManagerFactory(trust).build();
    TestSubscriber<Command> commands = gateway.commands("lamp", "l1").test();
    gateway.connect().blockingAwait(20, TimeUnit.SECONDS);

    gateway.publishEvent(event("lamp", "l1", "{\"on\":true}")).blockingAwait(20, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      org.sendCommand("lamp", "l1", "dim", "json", "{\"pct\":10}".getBytes(UTF_8), 1);
      assertThat(commands.values()).isNotEmpty();
    });
    assertThat(commands.values().get(0).commandId()).isEqualTo("dim");
    assertThat(gateway.management().manage("lamp", "l1", 7200, true, true).blockingGet()).isEqualTo(200);
    assertThat(org.deviceManagement().manageRequest("lamp", "l1")).satisfies(m -> {
      assertThat(m.lifetimeSeconds()).isEqualTo(7200);
      assertThat(m.deviceActions()).isTrue();
      assertThat(m.firmwareActions()).isTrue();
    });
    assertThat(org.events()).extracting(e -> e.deviceId() + " " + e.payloadAsString())
        .containsExactly("l1 {\"on\":true}");
  }
}
