// Overlapping command and notification subscriptions of GatewayClient and WatsonDeviceClient against the emulator's
// Watson organisation over TLS on loopback: each matching subscriber gets the message, cancelling one keeps the
// others, and the shared subscription is made again after a reconnect (issue 16: the later subscriber got nothing).
package io.rxiothub.watson.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.emulator.watson.WatsonEmulator;
import io.rxiothub.testing.SecretScanner;
import io.rxiothub.watson.Notification;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class OverlappingSubscriptionsIT {

  private WatsonEmulator org;
  private TrustManagerFactory trust;
  private AutoCloseable client;

  @BeforeEach
  void start() throws Exception {
    org = WatsonEmulator.builder().orgId("abc123").build();
    org.start();
    trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(org.trustStore());
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    org.close();
  }

  private static List<String> payloads(TestSubscriber<Command> s) {
    return s.values().stream().map(c -> c.typeId() + "/" + c.deviceId() + " " + c.commandId() + " "
        + c.payloadAsString()).collect(Collectors.toList());
  }

  /** Sends until {@code s} got it: the first SUBSCRIBE's acknowledgement is not observable from here. */
  private void sendUntilReceived(TestSubscriber<Command> s, String type, String device, String command,
      String payload) {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      org.sendCommand(type, device, command, "json", payload.getBytes(UTF_8), 1);
      assertThat(payloads(s)).contains(type + "/" + device + " " + command + " " + payload);
    });
  }

  @Test
  void gatewayCommandsAndNotificationsReachEveryMatchingSubscriberAlsoAfterOneLeavesAndAReconnect()
      throws Exception {
    String token = org.registerGateway("gw", "gw1");
    SecretScanner.register(token);
    org.registerDevice("valve", "v1");
    org.registerDevice("valve", "v2");
    org.registerDevice("sensor", "v1");
    org.registerGateway("gw", "other");
    GatewayClient gw = GatewayClient.builder().orgId("abc123").typeId("gw").deviceId("gw1").token(token)
        .host("localhost").port(org.mqttPort()).trustManagerFactory(trust).reconnectDelays(100, 500).build();
    client = gw;
    TestSubscriber<Command> valves = gw.commands("valve", "+").test();
    TestSubscriber<Command> opens = gw.commands("+", "v1", "open", "+").test();
    TestSubscriber<Notification> notes1 = gw.notifications().test();
    TestSubscriber<Notification> notes2 = gw.notifications().test();
    gw.connect().blockingAwait(20, TimeUnit.SECONDS);

    sendUntilReceived(valves, "valve", "v1", "open", "{\"n\":1}");
    await().atMost(Duration.ofSeconds(20)).until(() -> payloads(opens).contains("valve/v1 open {\"n\":1}"));
    org.sendCommand("valve", "v2", "close", "json", "{\"n\":2}".getBytes(UTF_8), 1);
    org.sendCommand("sensor", "v1", "open", "json", "{\"n\":3}".getBytes(UTF_8), 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> payloads(valves).contains("valve/v2 close {\"n\":2}")
        && payloads(opens).contains("sensor/v1 open {\"n\":3}"));
    assertThat(payloads(valves)).as("only valve commands").allMatch(p -> p.startsWith("valve/"))
        .doesNotContain("sensor/v1 open {\"n\":3}");
    assertThat(payloads(opens)).as("only open commands to v1").allMatch(p -> p.contains("/v1 open "))
        .doesNotContain("valve/v2 close {\"n\":2}");

    gw.publishEvent(GatewayEvent.builder().device("gw", "other").eventId("status").payload(new byte[0]).build())
        .blockingAwait(20, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(20)).until(() -> !notes1.values().isEmpty() && !notes2.values().isEmpty());
    assertThat(notes2.values().get(0)).isEqualTo(notes1.values().get(0));
    assertThat(notes1.values().get(0).rc()).isEqualTo(Notification.RC_TOPIC_NOT_ALLOWED);

    opens.cancel();
    org.sendCommand("valve", "v1", "open", "json", "{\"n\":4}".getBytes(UTF_8), 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> payloads(valves).contains("valve/v1 open {\"n\":4}"));
    assertThat(payloads(opens)).doesNotContain("valve/v1 open {\"n\":4}");

    TestSubscriber<Command> later = gw.commands("valve", "v1").test();
    assertThat(org.killTcp(gw.clientId())).isTrue();
    sendUntilReceived(valves, "valve", "v1", "open", "{\"n\":5}");
    await().atMost(Duration.ofSeconds(20)).until(() -> payloads(later).contains("valve/v1 open {\"n\":5}"));
    valves.assertNoErrors().assertNotComplete();
    later.assertNoErrors().assertNotComplete();
  }

  @Test
  void deviceCommandsReachEveryMatchingSubscriber() throws Exception {
    String token = org.registerDevice("sensor", "s1");
    SecretScanner.register(token);
    WatsonDeviceClient device = WatsonDeviceClient.builder().orgId("abc123").typeId("sensor").deviceId("s1")
        .token(token).host("localhost").port(org.mqttPort()).trustManagerFactory(trust).reconnectDelays(100, 500)
        .build();
    client = device;
    TestSubscriber<Command> opens = device.commands("open", "+").test();
    TestSubscriber<Command> all = device.commands().test();
    device.connect().blockingAwait(20, TimeUnit.SECONDS);

    sendUntilReceived(opens, "sensor", "s1", "open", "{\"n\":1}");
    org.sendCommand("sensor", "s1", "close", "json", "{\"n\":2}".getBytes(UTF_8), 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> payloads(all).containsAll(List.of(
        "sensor/s1 open {\"n\":1}", "sensor/s1 close {\"n\":2}")));
    assertThat(payloads(opens)).allMatch(p -> p.equals("sensor/s1 open {\"n\":1}"));

    all.cancel();
    org.sendCommand("sensor", "s1", "open", "json", "{\"n\":3}".getBytes(UTF_8), 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> payloads(opens).contains("sensor/s1 open {\"n\":3}"));
  }
}
