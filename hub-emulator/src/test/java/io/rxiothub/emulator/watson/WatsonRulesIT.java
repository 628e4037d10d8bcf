// The Watson organisation's rules seen by a raw MQTT 3.1.1 client over TLS: CONNACK codes, topic rules per kind of
// client, the retained override, the payload limit, SUBACK refusals, auto-registration limits, DM round trips.
package io.rxiothub.emulator.watson;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import io.rxiothub.testing.SecretScanner;
import io.rxiothub.watson.DmFields;
import io.rxiothub.watson.DmMessage;
import io.rxiothub.watson.DmOperation;
import io.rxiothub.watson.Firmware;
import io.rxiothub.watson.Notification;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class WatsonRulesIT {

  private WatsonEmulator org;

  @BeforeEach
  void start() {
    org = WatsonEmulator.builder().orgId("abc123").maxDevicesPerGateway(3).maxDevicesPerOrganization(50).build();
    org.start();
  }

  @AfterEach
  void stop() {
    org.close();
  }

  private Mqtt3BlockingClient client(String clientId) {
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(org.trustStore());
      return Mqtt3Client.builder().identifier(clientId).serverHost("localhost").serverPort(org.mqttPort())
          .sslConfig(MqttClientSslConfig.builder().trustManagerFactory(trust).build()).buildBlocking();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Mqtt3BlockingClient connected(String clientId, String user, String password) {
    Mqtt3BlockingClient c = client(clientId);
    c.connectWith().simpleAuth().username(user).password(password.getBytes(UTF_8)).applySimpleAuth().send();
    return c;
  }

  private Mqtt3BlockingClient gateway(String id) {
    String token = org.registerGateway("gw", id);
    SecretScanner.register(token);
    return connected("g:abc123:gw:" + id, "use-token-auth", token);
  }

  static Stream<Arguments> refusedConnects() {
    return Stream.of(
        Arguments.of("not a Watson client id", "x:abc123:gw:g1", "use-token-auth", "token-of-g1-0123456789",
            Mqtt3ConnAckReturnCode.IDENTIFIER_REJECTED),
        Arguments.of("another organisation", "g:zzz999:gw:g1", "use-token-auth", "token-of-g1-0123456789",
            Mqtt3ConnAckReturnCode.IDENTIFIER_REJECTED),
        Arguments.of("wrong token", "g:abc123:gw:g1", "use-token-auth", "wrong-wrong-wrong-wrong",
            Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD),
        Arguments.of("user name not use-token-auth", "g:abc123:gw:g1", "someone", "token-of-g1-0123456789",
            Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD),
        Arguments.of("a plain device as g:", "g:abc123:dt:d1", "use-token-auth", "token-of-d1-0123456789",
            Mqtt3ConnAckReturnCode.NOT_AUTHORIZED),
        Arguments.of("unknown API key", "a:abc123:app", "a-abc123-nothere", "token-of-g1-0123456789",
            Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD));
  }

  @ParameterizedTest(name = "{0}: CONNACK {4}")
  @MethodSource("refusedConnects")
  void connectsBreakingTheRulesAreRefusedWithTheirCode(String name, String clientId, String user, String password,
      Mqtt3ConnAckReturnCode expected) {
    org.register("gw", "g1", "token-of-g1-0123456789", true);
    org.register("dt", "d1", "token-of-d1-0123456789", false);
    assertThatThrownBy(() -> connected(clientId, user, password))
        .isInstanceOfSatisfying(Mqtt3ConnAckException.class,
            e -> assertThat(e.getMqttMessage().getReturnCode()).isEqualTo(expected));
  }

  @Test
  void aDeviceActsOnlyForItselfAndItsCommandsArriveOnTheDeviceForm() throws Exception {
    String token = org.registerDevice("dt", "d2");
    SecretScanner.register(token);
    org.registerDevice("dt", "d3");
    Mqtt3BlockingClient device = connected("d:abc123:dt:d2", "use-token-auth", token);
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes = device.publishes(MqttGlobalPublishFilter.ALL)) {
      assertThat(device.subscribeWith().topicFilter("iot-2/cmd/+/fmt/+").qos(MqttQos.EXACTLY_ONCE).send()
          .getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1);
      assertRefused(() -> device.subscribeWith().topicFilter("iot-2/type/dt/id/d3/cmd/+/fmt/+").send());
      device.publishWith().topic("iot-2/evt/temp/fmt/json").qos(MqttQos.AT_LEAST_ONCE).payload("{}".getBytes(UTF_8))
          .send();
      device.publishWith().topic("iot-2/type/dt/id/d3/evt/temp/fmt/json").qos(MqttQos.AT_LEAST_ONCE)
          .payload("{}".getBytes(UTF_8)).send();
      org.sendCommand("dt", "d2", "reboot", "json", "{}".getBytes(UTF_8), 1);
      Optional<Mqtt3Publish> command = publishes.receive(10, TimeUnit.SECONDS);
      assertThat(command).isPresent();
      assertThat(command.get().getTopic().toString()).isEqualTo("iot-2/cmd/reboot/fmt/json");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> org.droppedPublishes() == 1);
    assertThat(org.events()).extracting(WatsonEvent::deviceId).containsExactly("d2");
    assertThat(device.getState().isConnected()).isTrue();
    device.disconnect();
  }

  @Test
  void retainedEventsAreNotRetainedAndOversizedPayloadsAreDroppedWithANotification() throws Exception {
    Mqtt3BlockingClient gw = gateway("g2");
    ApiKey key = org.createApiKey();
    SecretScanner.register(key.token());
    try (Mqtt3BlockingClient.Mqtt3Publishes notes = gw.publishes(MqttGlobalPublishFilter.ALL)) {
      gw.subscribeWith().topicFilter("iot-2/type/gw/id/g2/notify").send();
      gw.publishWith().topic("iot-2/type/gw/id/g2/evt/state/fmt/json").qos(MqttQos.AT_LEAST_ONCE).retain(true)
          .payload("{\"on\":1}".getBytes(UTF_8)).send();
      gw.publishWith().topic("iot-2/type/gw/id/g2/evt/big/fmt/bin").qos(MqttQos.AT_LEAST_ONCE)
          .payload(new byte[131_073]).send();
      Notification tooBig = Notification.parse(notes.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
      assertThat(tooBig.rc()).isEqualTo(Notification.RC_PAYLOAD_TOO_LARGE);
      assertThat(tooBig.request()).isEqualTo("publish");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> org.events().size() == 1);
    Mqtt3BlockingClient app = connected("a:abc123:late-app", key.key(), key.token());
    try (Mqtt3BlockingClient.Mqtt3Publishes events = app.publishes(MqttGlobalPublishFilter.ALL)) {
      app.subscribeWith().topicFilter("iot-2/type/+/id/+/evt/+/fmt/+").send();
      assertThat(events.receive(500, TimeUnit.MILLISECONDS)).as("no retained event for a late subscriber").isEmpty();
    }
    app.disconnect();
    gw.disconnect();
  }

  private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable subscribe) {
    assertThatThrownBy(subscribe).isInstanceOfSatisfying(Mqtt3SubAckException.class,
        e -> assertThat(e.getMqttMessage().getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.FAILURE));
  }

  @Test
  void aGatewayMayNotSubscribeToAnotherGatewaysNotificationsNorUseHash() {
    Mqtt3BlockingClient gw = gateway("g3");
    gw.subscribeWith().topicFilter("iot-2/type/gw/id/g3/notify").send();
    assertRefused(() -> gw.subscribeWith().topicFilter("iot-2/type/gw/id/other/notify").send());
    assertRefused(() -> gw.subscribeWith().topicFilter("iot-2/type/gw/id/g3/cmd/#").send());
    await().atMost(Duration.ofSeconds(10)).until(() -> org.notifications().size() == 2);
    assertThat(org.notifications()).extracting(Notification::request).containsOnly("subscribe");
    gw.disconnect();
  }

  @Test
  void autoRegistrationStopsAtTheGatewaysMaximumAndPendingRequestsWaitForTheirRegistration() {
    Mqtt3BlockingClient gw = gateway("g4");
    for (int i = 0; i < 4; i++) {
      gw.publishWith().topic("iot-2/type/sensor/id/s" + i + "/evt/e/fmt/json").qos(MqttQos.AT_LEAST_ONCE)
          .payload("{}".getBytes(UTF_8)).send();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> org.notifications().size() == 1);
    assertThat(org.notifications().get(0).rc()).isEqualTo(Notification.RC_MAX_DEVICES_PER_GATEWAY);
    assertThat(org.deviceExists("sensor", "s3")).isFalse();

    org.registrationDelay(Duration.ofMillis(300));
    Mqtt3BlockingClient gw2 = gateway("g5");
    gw2.publishWith().topic("iot-2/type/sensor/id/slow/evt/e/fmt/json").qos(MqttQos.AT_LEAST_ONCE)
        .payload("{\"late\":1}".getBytes(UTF_8)).send();
    assertThat(org.pendingRegistrations()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> org.events().stream().anyMatch(e -> e.deviceId().equals("slow")));
    assertThat(org.pendingRegistrations()).isZero();
    gw.disconnect();
    gw2.disconnect();
  }

  @Test
  void dmManageAndAPlatformRebootRoundTripAndARequestToAnOfflineGatewayExpires() throws Exception {
    Mqtt3BlockingClient gw = gateway("g6");
    org.registerDevice("sensor", "m1");
    try (Mqtt3BlockingClient.Mqtt3Publishes in = gw.publishes(MqttGlobalPublishFilter.ALL)) {
      gw.subscribeWith().topicFilter("iotdm-1/type/+/id/+/response").send();
      gw.subscribeWith().topicFilter("iotdm-1/type/sensor/id/m1/mgmt/initiate/device/reboot").send();
      gw.publishWith().topic("iotdevice-1/type/sensor/id/m1/mgmt/manage").qos(MqttQos.AT_LEAST_ONCE)
          .payload("{\"d\":{\"lifetime\":3600,\"supports\":{\"deviceActions\":true}},\"reqId\":\"m-1\"}"
              .getBytes(UTF_8)).send();
      Mqtt3Publish manageResponse = in.receive(10, TimeUnit.SECONDS).orElseThrow();
      assertThat(manageResponse.getTopic().toString()).isEqualTo("iotdm-1/type/sensor/id/m1/response");
      DmMessage ok = DmMessage.parseResponse(manageResponse.getPayloadAsBytes());
      assertThat(ok.rc()).isEqualTo(200);
      assertThat(ok.reqId()).isEqualTo("m-1");
      assertThat(org.deviceManagement().isManaged("sensor", "m1")).isTrue();

      var reboot = org.deviceManagement().initiate("sensor", "m1", DmOperation.REBOOT, null, Duration.ofSeconds(10))
          .toFuture();
      Mqtt3Publish request = in.receive(10, TimeUnit.SECONDS).orElseThrow();
      assertThat(request.getTopic().toString()).isEqualTo("iotdm-1/type/sensor/id/m1/mgmt/initiate/device/reboot");
      String reqId = DmMessage.parseRequest(request.getPayloadAsBytes()).reqId();
      gw.publishWith().topic("iotdevice-1/type/sensor/id/m1/response").qos(MqttQos.AT_LEAST_ONCE)
          .payload(DmMessage.response(202, null, null, reqId).toBytes()).send();
      assertThat(reboot.get(10, TimeUnit.SECONDS).rc()).isEqualTo(202);
    }
    gw.disconnect();
    Throwable expired = org.deviceManagement()
        .initiate("sensor", "m1", DmOperation.FACTORY_RESET, null, Duration.ofMillis(300))
        .map(m -> (Throwable) new AssertionError("answered: " + m)).onErrorReturn(e -> e).blockingGet();
    assertThat(expired).isInstanceOf(TimeoutException.class).hasMessageContaining("sensor/m1");
  }

  @Test
  void aNotifyThatEndsAFirmwareDownloadIsAnsweredBeforeTheCancelThatFollowsIt() throws Exception {
    Mqtt3BlockingClient gw = gateway("g7");
    org.registerDevice("sensor", "f1");
    String dm = "iotdm-1/type/sensor/id/f1/";
    try (Mqtt3BlockingClient.Mqtt3Publishes in = gw.publishes(MqttGlobalPublishFilter.ALL)) {
      for (String op : new String[] {"response", "device/update", "observe", "mgmt/initiate/firmware/download",
          "cancel"}) {
        gw.subscribeWith().topicFilter(dm + op).send();
      }
      gw.publishWith().topic("iotdevice-1/type/sensor/id/f1/mgmt/manage").qos(MqttQos.AT_LEAST_ONCE)
          .payload("{\"d\":{\"lifetime\":0,\"supports\":{\"firmwareActions\":true}},\"reqId\":\"m-1\"}"
              .getBytes(UTF_8)).send();
      assertThat(DmMessage.parseResponse(receive(in, dm + "response").getPayloadAsBytes()).rc()).isEqualTo(200);

      var download = org.deviceManagement().firmwareDownload("sensor", "f1", Firmware.builder().version("2")
          .uri("https://firmware.example/2.bin").build(), Duration.ofSeconds(10)).toFuture();
      answer(gw, receive(in, dm + "device/update"), 204);
      answer(gw, receive(in, dm + "observe"), 200);
      answer(gw, receive(in, dm + "mgmt/initiate/firmware/download"), 202);
      gw.publishWith().topic("iotdevice-1/type/sensor/id/f1/notify").qos(MqttQos.AT_LEAST_ONCE)
          .payload(DmMessage.request(DmFields.notify(Firmware.FIELD, "{\"state\":2}"), "n-1").toBytes()).send();
      // the order the platform keeps: the notify's response first, then the flow it ended goes on (cancel)
      DmMessage notified = DmMessage.parseResponse(receive(in, dm + "response").getPayloadAsBytes());
      assertThat(notified.reqId()).isEqualTo("n-1");
      assertThat(notified.rc()).isEqualTo(200);
      answer(gw, receive(in, dm + "cancel"), 200);
      assertThat(download.get(10, TimeUnit.SECONDS).state()).isEqualTo(Firmware.STATE_DOWNLOADED);
    }
    gw.disconnect();
  }

  private static Mqtt3Publish receive(Mqtt3BlockingClient.Mqtt3Publishes in, String topic) throws Exception {
    Mqtt3Publish next = in.receive(10, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("nothing on " + topic));
    assertThat(next.getTopic().toString()).as("the next message").isEqualTo(topic);
    return next;
  }

  private static void answer(Mqtt3BlockingClient gw, Mqtt3Publish request, int rc) {
    String reqId = DmMessage.parseRequest(request.getPayloadAsBytes()).reqId();
    gw.publishWith().topic("iotdevice-1/type/sensor/id/f1/response").qos(MqttQos.AT_LEAST_ONCE)
        .payload(DmMessage.response(rc, null, null, reqId).toBytes()).send();
  }
}
