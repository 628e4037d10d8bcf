// Watson-style leaves (the HiveMQ MQTT client as a d: device) through the gateway to the emulator's Watson
// organisation mode over TLS: events in order as the leaf's, a command down, an upstream partition that loses
// nothing, refused CONNECTs, metrics (protocol.md §18.3).
package io.rxiothub.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.rxiothub.emulator.watson.WatsonEmulator;
import io.rxiothub.emulator.watson.WatsonEvent;
import io.rxiothub.testing.SecretScanner;
import java.io.ByteArrayInputStream;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatsonGatewayIT {

  private static final String ORG = "abc123";
  private static final String GATEWAY = "g:" + ORG + ":gwtype:gw1";
  private static final String LEAF_TOKEN = "leaf-token-s1-0123456789";

  private WatsonEmulator org;
  private Gateway gateway;
  private final List<Mqtt3BlockingClient> leaves = new ArrayList<>();

  @BeforeAll
  void start(@TempDir java.nio.file.Path dir) throws Exception {
    org = WatsonEmulator.builder().orgId(ORG).build();
    org.start();
    String token = org.registerGateway("gwtype", "gw1");
    SecretScanner.register(token);
    SecretScanner.register(LEAF_TOKEN);
    java.nio.file.Path ca = dir.resolve("watson-ca.pem");
    java.nio.file.Files.writeString(ca, org.caCertificatePem());
    WatsonUpstream.Builder watson = WatsonUpstream.builder().orgId(ORG).gateway("gwtype", "gw1").token(token)
        .host("localhost").port(org.mqttPort()).caFile(ca);
    for (String id : List.of("s1", "s2", "s3", "s4")) {
      watson.leaf(WatsonLeaf.of("sensor", id, LEAF_TOKEN));
    }
    watson.leaf(WatsonLeaf.of("valve", "v1", LEAF_TOKEN));
    gateway = Gateway.start(GatewayConfig.builder().tlsPort(0).shutdownDrainMillis(500).watson(watson.build())
        .build());
  }

  @AfterEach
  void disconnectLeaves() {
    leaves.forEach(leaf -> {
      if (leaf.getState().isConnected()) {
        leaf.disconnect();
      }
    });
    leaves.clear();
  }

  @AfterAll
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    org.close();
  }

  /** A Watson device as the platform's own SDKs connect it: d:{org}:{t}:{d}, use-token-auth, its token, TLS. */
  private Mqtt3BlockingClient leaf(String clientId, String token) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    trusted.setCertificateEntry("gateway-ca", CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(gateway.caCertificatePem().getBytes(UTF_8))));
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    Mqtt3BlockingClient client = MqttClient.builder().useMqttVersion3().identifier(clientId)
        .serverHost("localhost").serverPort(gateway.tlsPort())
        .sslConfig().trustManagerFactory(trust).applySslConfig()
        .simpleAuth().username("use-token-auth").password(token.getBytes(UTF_8)).applySimpleAuth()
        .buildBlocking();
    leaves.add(client);
    client.connectWith().cleanSession(true).keepAlive(30).send();
    return client;
  }

  private static void event(Mqtt3BlockingClient leaf, String eventId, String payload) {
    leaf.publishWith().topic("iot-2/evt/" + eventId + "/fmt/json").qos(MqttQos.AT_LEAST_ONCE)
        .payload(payload.getBytes(UTF_8)).send(); // returns on the gateway's PUBACK: the event is stored
  }

  private List<WatsonEvent> eventsOf(String deviceId) {
    return org.events().stream().filter(e -> e.deviceId().equals(deviceId)).toList();
  }

  @Test
  void eventsArriveUpstreamInOrderAsTheLeafsAndTheLeafIsAutoRegistered() throws Exception {
    Mqtt3BlockingClient leaf = leaf("d:" + ORG + ":sensor:s1", LEAF_TOKEN);
    for (int i = 0; i < 20; i++) {
      event(leaf, "reading", "{\"n\":" + i + "}");
    }
    // Not an event of its own: acknowledged and dropped as the platform would, the connection stays.
    leaf.publishWith().topic("iot-2/type/sensor/id/s2/evt/reading/fmt/json").qos(MqttQos.AT_LEAST_ONCE)
        .payload("{}".getBytes(UTF_8)).send();
    event(leaf, "status", "{\"last\":true}");

    await().atMost(Duration.ofSeconds(30)).until(() -> eventsOf("s1").size() == 21);
    List<WatsonEvent> got = eventsOf("s1");
    assertThat(got).extracting(WatsonEvent::payloadAsString).containsExactlyElementsOf(
        IntStream.range(0, 21).mapToObj(i -> i < 20 ? "{\"n\":" + i + "}" : "{\"last\":true}").toList());
    assertThat(got).allSatisfy(e -> {
      assertThat(e.typeId()).isEqualTo("sensor");
      assertThat(e.format()).isEqualTo("json");
      assertThat(e.publisher()).isEqualTo(GATEWAY);
      assertThat(e.qos()).isEqualTo(1);
    });
    assertThat(got.get(20).eventId()).isEqualTo("status");
    assertThat(org.registeredBy("sensor", "s1")).isEqualTo("gwtype/gw1");
    assertThat(eventsOf("s2")).isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.queuedMessages() == 0);
    assertThat(gateway.metrics()).contains("rxiothub_gateway_watson_publishes_dropped_total 1\n")
        .contains("rxiothub_gateway_watson_upstream_up 1\n").contains("rxiothub_gateway_upstream_up 1\n");
  }

  @Test
  void aCommandReachesTheLeafAndOneForAnAbsentLeafIsDroppedAndCounted() throws Exception {
    org.registerDevice("valve", "v1");
    org.registerDevice("sensor", "s4");
    Mqtt3BlockingClient leaf = leaf("d:" + ORG + ":valve:v1", LEAF_TOKEN);
    List<Mqtt3Publish> commands = new CopyOnWriteArrayList<>();
    leaf.toAsync().subscribeWith().topicFilter("iot-2/cmd/+/fmt/+").qos(MqttQos.AT_LEAST_ONCE)
        .callback(commands::add).send().get(20, TimeUnit.SECONDS);

    // Until the gateway's own command subscription is up, a command may find nobody: send again until one lands.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
      org.sendCommand("valve", "v1", "open", "json", "{\"pct\":40}".getBytes(UTF_8), 1);
      return !commands.isEmpty();
    });
    assertThat(commands.get(0).getTopic().toString()).isEqualTo("iot-2/cmd/open/fmt/json");
    assertThat(new String(commands.get(0).getPayloadAsBytes(), UTF_8)).isEqualTo("{\"pct\":40}");

    long dropped = counter("rxiothub_gateway_watson_commands_dropped_total");
    org.sendCommand("sensor", "s4", "open", "json", "{}".getBytes(UTF_8), 1);
    await().atMost(Duration.ofSeconds(20))
        .until(() -> counter("rxiothub_gateway_watson_commands_dropped_total") == dropped + 1);
    assertThat(counter("rxiothub_gateway_watson_commands_delivered_total")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void anUpstreamPartitionLosesNothingAndKeepsTheOrder() throws Exception {
    Mqtt3BlockingClient leaf = leaf("d:" + ORG + ":sensor:s2", LEAF_TOKEN);
    for (int i = 0; i < 5; i++) {
      event(leaf, "reading", "{\"n\":" + i + "}");
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> eventsOf("s2").size() == 5 && gateway.queuedMessages() == 0);

    org.refuseConnects(GATEWAY, Duration.ofSeconds(60), 0);
    assertThat(org.killTcp(GATEWAY)).isTrue();
    await().atMost(Duration.ofSeconds(20)).until(() -> gateway.metrics()
        .contains("rxiothub_gateway_watson_upstream_up 0\n"));
    for (int i = 5; i < 35; i++) {
      event(leaf, "reading", "{\"n\":" + i + "}"); // each acknowledged by the gateway: stored
    }
    assertThat(gateway.queuedMessages()).isEqualTo(30);
    assertThat(eventsOf("s2")).hasSize(5);

    org.refuseConnects(GATEWAY, Duration.ZERO, 0); // the partition heals
    await().atMost(Duration.ofSeconds(60)).until(() -> gateway.queuedMessages() == 0);
    List<String> got = eventsOf("s2").stream().map(WatsonEvent::payloadAsString).toList();
    assertThat(got.stream().distinct().toList()).containsExactlyElementsOf(
        IntStream.range(0, 35).mapToObj(i -> "{\"n\":" + i + "}").toList());
  }

  @Test
  void aWrongTokenAnUnknownLeafOrAnotherOrganisationIsRefused() {
    assertThatThrownBy(() -> leaf("d:" + ORG + ":sensor:s3", "not-the-leaf-token"))
        .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(e.getMqttMessage().getReturnCode())
            .isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD));
    assertThatThrownBy(() -> leaf("d:" + ORG + ":sensor:s9", LEAF_TOKEN))
        .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(e.getMqttMessage().getReturnCode())
            .isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD));
    assertThatThrownBy(() -> leaf("d:zzz999:sensor:s3", LEAF_TOKEN))
        .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(e.getMqttMessage().getReturnCode())
            .isEqualTo(Mqtt3ConnAckReturnCode.IDENTIFIER_REJECTED));
    assertThat(eventsOf("s3")).isEmpty();
  }

  private long counter(String name) {
    return gateway.metrics().lines().filter(l -> l.startsWith(name + " ")).mapToLong(l -> Long.parseLong(
        l.substring(name.length() + 1).trim())).findFirst().orElseThrow();
  }
}
