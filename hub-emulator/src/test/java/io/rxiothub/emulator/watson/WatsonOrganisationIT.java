// The Watson organisation seen by raw MQTT 3.1.1 clients over TLS: event retention and counting, the limit of 128
// pending auto-registrations, device-management JSON, and the connection status messages applications receive.
package io.rxiothub.emulator.watson;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.rxiothub.testing.SecretScanner;
import java.time.Duration;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WatsonOrganisationIT {

  private WatsonEmulator org;

  private WatsonEmulator start(WatsonEmulator.Builder builder) {
    org = builder.build();
    org.start();
    return org;
  }

  @AfterEach
  void stop() {
    if (org != null) {
      org.close();
    }
  }

  private Mqtt3BlockingClient connected(String clientId, String user, String password) {
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(org.trustStore());
      Mqtt3BlockingClient c = Mqtt3Client.builder().identifier(clientId).serverHost("localhost")
          .serverPort(org.mqttPort()).sslConfig(MqttClientSslConfig.builder().trustManagerFactory(trust).build())
          .buildBlocking();
      c.connectWith().simpleAuth().username(user).password(password.getBytes(UTF_8)).applySimpleAuth().send();
      return c;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Mqtt3BlockingClient gateway(String id) {
    String token = org.registerGateway("gw", id);
    SecretScanner.register(token);
    return connected("g:abc123:gw:" + id, "use-token-auth", token);
  }

  private static void publish(Mqtt3BlockingClient c, String topic, String payload) {
    c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload.getBytes(UTF_8)).send();
  }

  @Test
  void eventsKeepsTheLatestRetainedEventsAndEventCountCountsEveryAcceptedOne() {
    start(WatsonEmulator.builder().eventRetention(2));
    Mqtt3BlockingClient gw = gateway("keep");
    for (int i = 0; i < 5; i++) {
      publish(gw, "iot-2/type/sensor/id/r" + i + "/evt/e/fmt/json", "{\"i\":" + i + "}");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> org.eventCount() == 5);
    assertThat(org.events()).extracting(WatsonEvent::deviceId).containsExactly("r3", "r4");
    gw.disconnect();
  }
}
