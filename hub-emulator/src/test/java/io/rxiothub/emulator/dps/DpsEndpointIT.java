// The emulator's DPS endpoint spoken to by hand (raw HiveMQ client over TLS): register, poll, assignment creating the
// device with its initial twin, group-derived keys, refusals, disabled enrollments, throttling (protocol.md §15.4).
package io.rxiothub.emulator.dps;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.provisioning.DpsConnect;
import io.rxiothub.provisioning.DpsError;
import io.rxiothub.provisioning.DpsResponseTopic;
import io.rxiothub.provisioning.DpsTopics;
import io.rxiothub.provisioning.OperationStatus;
import io.rxiothub.provisioning.Registration;
import io.rxiothub.provisioning.RegistrationStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DpsEndpointIT {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final String GROUP_KEY = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";
  private static HubEmulator hub;
  private static DpsEndpoint dps;

  @BeforeAll
  static void start() {
    hub = HubEmulator.builder().mqttPort(0).webSocketPort(-1).build().start();
    dps = hub.dps().retryAfterSeconds(0)
        .addEnrollment(Enrollment.individual("solo").primaryKey(KEY).initialTags("{\"site\":\"lab\"}")
            .initialDesired("{\"rate\":5}").build())
        .addEnrollment(Enrollment.individual("off").primaryKey(KEY).enabled(false).build())
        .addEnrollment(Enrollment.group("fleet").primaryKey(GROUP_KEY).build())
        .start();
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  @Test
  void individualEnrollmentIsAssignedAndTheDeviceCreatedWithItsTwin() throws Exception {
    Registration registration = register("solo", KEY, "{\"registrationId\":\"solo\",\"payload\":{\"ask\":1}}");
    assertThat(registration.status()).isEqualTo(RegistrationStatus.ASSIGNED);
    assertThat(registration.assignedHub()).isEqualTo(hub.hostName());
    assertThat(registration.deviceId()).isEqualTo("solo");
    assertThat(registration.payload()).isEqualTo("{\"ask\":1}");
    assertThat(hub.registry().get("solo")).hasValueSatisfying(d -> assertThat(d.primaryKey()).isEqualTo(KEY));
    assertThat(hub.twin("solo").blockingGet()).contains("\"site\":\"lab\"").contains("\"rate\":5");
    Registration again = register("solo", KEY, "{\"registrationId\":\"solo\"}");
    assertThat(again.substatus()).isEqualTo("reprovisionedToInitialAssignment");
  }

  @Test
  void groupEnrollmentAcceptsTheDerivedKeyAndCreatesTheDeviceWithIt() throws Exception {
    String derived = DpsConnect.derivedKey(GROUP_KEY, "member-7");
    assertThat(register("member-7", derived, "{\"registrationId\":\"member-7\"}").deviceId()).isEqualTo("member-7");
    assertThat(hub.registry().get("member-7")).hasValueSatisfying(d -> assertThat(d.primaryKey()).isEqualTo(derived));
  }

  @Test
  void wrongKeyIsUnauthorized() throws Exception {
    Mqtt3Publish response = exchange("solo", GROUP_KEY, DpsTopics.register(1), "{\"registrationId\":\"solo\"}");
    assertThat(DpsResponseTopic.parse(response.getTopic().toString()).status()).isEqualTo(401);
    assertThat(DpsError.parse(response.getPayloadAsBytes()).errorCode()).isEqualTo(401002);
  }

  @Test
  void disabledEnrollmentEndsDisabled() throws Exception {
    Registration registration = register("off", KEY, "{\"registrationId\":\"off\"}");
    assertThat(registration.status()).isEqualTo(RegistrationStatus.DISABLED);
    assertThat(registration.errorCode()).isEqualTo(401003);
    assertThat(hub.registry().get("off")).isEmpty();
  }

  @Test
  void throttlingAnswers429WithRetryAfter() throws Exception {
    dps.throttle(1, 3);
    Mqtt3Publish response = exchange("solo", KEY, DpsTopics.register(1), "{\"registrationId\":\"solo\"}");
    DpsResponseTopic topic = DpsResponseTopic.parse(response.getTopic().toString());
    assertThat(topic.status()).isEqualTo(429);
    assertThat(topic.retryAfterSeconds()).isEqualTo(3);
  }

  @Test
  void userNameNotNamingTheClientIdIsRefusedWithConnack5() {
    Mqtt3BlockingClient client = builder("abc");
    try {
      client.connectWith().simpleAuth().username("0ne00000001/registrations/other/api-version=2021-06-01")
          .password(new byte[] {1}).applySimpleAuth().send();
      throw new AssertionError("CONNECT was accepted");
    } catch (Mqtt3ConnAckException e) {
      assertThat(e.getMqttMessage().getReturnCode().getCode()).isEqualTo(5);
    }
  }

  private static Registration register(String registrationId, String key, String body) throws Exception {
    Mqtt3Publish accepted = exchange(registrationId, key, DpsTopics.register(1), body);
    assertThat(DpsResponseTopic.parse(accepted.getTopic().toString()).status()).isEqualTo(202);
    OperationStatus assigning = OperationStatus.parse(accepted.getPayloadAsBytes());
    Mqtt3Publish done = exchange(registrationId, key, DpsTopics.operationStatus(2, assigning.operationId()), "");
    assertThat(DpsResponseTopic.parse(done.getTopic().toString()).status()).isEqualTo(200);
    Registration state = OperationStatus.parse(done.getPayloadAsBytes()).registrationState();
    assertThat(state).isNotNull();
    return state;
  }

  private static Mqtt3Publish exchange(String registrationId, String key, String topic, String body)
      throws Exception {
    Mqtt3BlockingClient client = builder(registrationId);
    client.connectWith().cleanSession(true).simpleAuth()
        .username(DpsConnect.userName(dps.idScope(), registrationId, "test/1"))
        .password(DpsConnect.sasToken(dps.idScope(), registrationId, key, Instant.now().getEpochSecond() + 600)
            .format().getBytes(StandardCharsets.UTF_8))
        .applySimpleAuth().send();
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
      client.subscribeWith().topicFilter(DpsTopics.RESPONSE_FILTER).qos(MqttQos.AT_LEAST_ONCE).send();
      client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(body.getBytes(StandardCharsets.UTF_8))
          .send();
      return publishes.receive(10, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("no response"));
    } finally {
      client.disconnect();
    }
  }

  private static Mqtt3BlockingClient builder(String clientId) {
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(hub.trustStore());
      return Mqtt3Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(dps.mqttPort())
          .sslConfig(MqttClientSslConfig.builder().trustManagerFactory(trust).build()).buildBlocking();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
