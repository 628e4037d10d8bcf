// ProvisioningClient against the hub emulator's DPS endpoint over MQTT/TLS and MQTT/WSS on loopback: individual and
// group keys, payload and model id, then a DeviceClient on the assignment; refusals, disabled, throttling, time-outs.
package io.rxiothub.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.observers.TestObserver;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.dps.DpsEndpoint;
import io.rxiothub.emulator.dps.Enrollment;
import io.rxiothub.provisioning.DpsConnect;
import io.rxiothub.provisioning.ProvisioningFailure.Reason;
import io.rxiothub.provisioning.Registration;
import io.rxiothub.testing.NoLeaksExtension;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(NoLeaksExtension.class)
@Timeout(60)
class ProvisioningClientIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final String GROUP_KEY = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";
  private static DpsEndpoint dps;

  @BeforeAll
  static void startDps() {
    dps = HUB.hub().dps().retryAfterSeconds(0)
        .addEnrollment(Enrollment.individual("solo-mqtt").primaryKey(KEY).build())
        .addEnrollment(Enrollment.individual("solo-mqtt_ws").primaryKey(KEY).build())
        .addEnrollment(Enrollment.individual("off").primaryKey(KEY).enabled(false).build())
        .addEnrollment(Enrollment.individual("slow").primaryKey(KEY).build())
        .addEnrollment(Enrollment.group("fleet").primaryKey(GROUP_KEY).initialDesired("{\"rate\":5}").build())
        .start("127.0.0.1", 0, 0);
  }

  private static ProvisioningClient.Builder client(String registrationId, Transport transport) {
    return ProvisioningClient.builder().globalEndpoint("localhost").idScope(dps.idScope())
        .registrationId(registrationId).transport(transport)
        .port(transport == Transport.MQTT ? dps.mqttPort() : dps.webSocketPort())
        .trustStore(HUB.hub().trustStore()).timeoutMillis(20_000);
  }

  private static ProvisioningException failure(ProvisioningClient client) {
    try {
      Registration unexpected = client.register().blockingGet();
      throw new AssertionError("registered although it should fail: " + unexpected);
    } catch (ProvisioningException e) {
      return e;
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void individualEnrollmentRegistersThenTheDeviceClientConnectsToTheAssignedHub(Transport transport) {
    String id = "solo-" + transport.name().toLowerCase(java.util.Locale.ROOT);
    ProvisioningClient dpsClient = client(id, transport).symmetricKey(KEY).build();
    Registration registration = dpsClient.register().blockingGet();
    HubEmulator hub = HUB.hub();
    assertThat(registration.assignedHub()).isEqualTo(hub.hostName());
    assertThat(registration.deviceId()).isEqualTo(id);
    assertThat(registration.substatus()).isEqualTo("initialAssignment");
    DeviceClient device = dpsClient.deviceClientBuilder(registration)
        .port(transport == Transport.MQTT ? hub.mqttPort() : hub.webSocketPort()).build();
    try {
      device.connect().blockingAwait(20, TimeUnit.SECONDS);
      device.send(Message.builder().payload("{\"t\":1}".getBytes(StandardCharsets.UTF_8)).build())
          .blockingAwait(20, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> hub.telemetry(id).size() == 1);
    } finally {
      device.close();
    }
  }

  @Test
  void groupKeyRegistersWithPayloadAndModelIdAndTheDeviceGetsTheInitialTwin() {
    ProvisioningClient dpsClient = client("member-1", Transport.MQTT).groupKey(GROUP_KEY)
        .payload("{\"site\":\"lab\"}").modelId("dtmi:com:example:Thermostat;1").build();
    Registration registration = dpsClient.register().blockingGet();
    assertThat(registration.payload()).isEqualTo("{\"site\":\"lab\",\"modelId\":\"dtmi:com:example:Thermostat;1\"}");
    assertThat(HUB.hub().registry().get("member-1")).hasValueSatisfying(d ->
        assertThat(d.primaryKey()).isEqualTo(DpsConnect.derivedKey(GROUP_KEY, "member-1")));
    assertThat(HUB.hub().twin("member-1").blockingGet()).contains("\"rate\":5");
    assertThat(dpsClient.register().blockingGet().substatus()).isEqualTo("reprovisionedToInitialAssignment");
  }

  @Test
  void registersOverWebSocketThroughAnHttpProxy() throws Exception {
    try (ConnectTunnelProxy proxy = new ConnectTunnelProxy()) {
      Registration registration = client("member-proxy", Transport.MQTT_WS).groupKey(GROUP_KEY)
          .httpProxy("127.0.0.1", proxy.port()).build().register().blockingGet();
      assertThat(registration.deviceId()).isEqualTo("member-proxy");
      assertThat(proxy.connects).as("the registration went through the proxy's CONNECT tunnel")
          .containsExactly("localhost:" + dps.webSocketPort());
    }
  }

  @Test
  void wrongKeyIsUnauthorized() {
    ProvisioningException e = failure(client("solo-mqtt", Transport.MQTT).symmetricKey(GROUP_KEY).build());
    assertThat(e.failure().reason()).isEqualTo(Reason.UNAUTHORIZED);
    assertThat(e.failure().errorCode()).isEqualTo(401002);
    assertThat(e.getMessage()).contains("'solo-mqtt'", "ID scope").doesNotContain(KEY).doesNotContain(GROUP_KEY);
    assertThat(e.isRetryable()).isFalse();
  }

  @Test
  void wrongIdScopeIsUnauthorized() {
    ProvisioningException e = failure(client("solo-mqtt", Transport.MQTT).idScope("0ne99999999").symmetricKey(KEY)
        .build());
    assertThat(e.failure().reason()).isEqualTo(Reason.UNAUTHORIZED);
  }

  @Test
  void unknownRegistrationIsUnauthorized() {
    assertThat(failure(client("nobody", Transport.MQTT).symmetricKey(KEY).build()).failure().reason())
        .isEqualTo(Reason.UNAUTHORIZED);
  }

  @Test
  void disabledEnrollmentFailsAsDisabled() {
    ProvisioningException e = failure(client("off", Transport.MQTT).symmetricKey(KEY).build());
    assertThat(e.failure().reason()).isEqualTo(Reason.DISABLED);
    assertThat(e.failure().errorCode()).isEqualTo(401003);
    assertThat(HUB.hub().registry().get("off")).isEmpty();
  }

  @Test
  void throttledThenSucceeding() {
    dps.throttle(2, 1);
    Registration registration = client("slow", Transport.MQTT).symmetricKey(KEY).build().register().blockingGet();
    assertThat(registration.deviceId()).isEqualTo("slow");
  }

  @Test
  void throttledBeyondTheTimeOutFailsAsThrottled() {
    dps.throttle(100, 30);
    try {
      ProvisioningException e = failure(client("slow", Transport.MQTT).symmetricKey(KEY).timeoutMillis(10_000)
          .build());
      assertThat(e.failure().reason()).isEqualTo(Reason.THROTTLED);
      assertThat(e.isRetryable()).isTrue();
    } finally {
      dps.throttle(0, 0);
    }
  }

  @Test
  void connectionLostMidPollReconnectsAndPollsAgain() {
    dps.retryAfterSeconds(2);
    try {
      TestObserver<Registration> observer = client("lost-poll", Transport.MQTT).groupKey(GROUP_KEY).build()
          .register().test();
      await().atMost(Duration.ofSeconds(10)).until(() -> dps.registrations().stream()
          .anyMatch(r -> r.registrationId().equals("lost-poll")));
      assertThat(dps.dropConnections()).isEqualTo(1);
      observer.awaitDone(20, TimeUnit.SECONDS).assertNoErrors().assertValue(r -> "lost-poll".equals(r.deviceId()));
    } finally {
      dps.retryAfterSeconds(0);
    }
  }

  @Test
  void unreachableEndpointFailsAsATimeOutCarryingTheLastConnectionError() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    TestObserver<Registration> observer = client("solo-mqtt", Transport.MQTT).symmetricKey(KEY).port(closedPort)
        .timeoutMillis(2_000).build().register().test();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    observer.awaitDone(20, TimeUnit.SECONDS).assertError(e -> failure.compareAndSet(null, e));
    assertThat(failure.get()).isInstanceOf(ProvisioningException.class);
    ProvisioningException error = (ProvisioningException) failure.get();
    assertThat(error.failure().reason()).isEqualTo(Reason.TIMEOUT);
    assertThat(error.getCause()).as("the last connection attempt's error").isNotNull();
    assertThat(error.getMessage()).contains("the last connection attempt failed: Connection refused")
        .doesNotContain(KEY);
  }

  @Test
  void disposeClosesTheConnectionAndEmitsNothing() {
    dps.retryAfterSeconds(10);
    try {
      TestObserver<Registration> observer = client("solo-mqtt", Transport.MQTT).symmetricKey(KEY).build()
          .register().test();
      await().atMost(Duration.ofSeconds(10)).until(() -> dps.registrations().stream()
          .anyMatch(r -> r.registrationId().equals("solo-mqtt")));
      observer.dispose();
      observer.assertNoValues().assertNoErrors();
    } finally {
      dps.retryAfterSeconds(0);
    }
  }

  @Test
  void builderRefusesAmbiguousCredentials() {
    org.assertj.core.api.Assertions.assertThatIllegalStateException()
        .isThrownBy(() -> client("x", Transport.MQTT).symmetricKey(KEY).groupKey(KEY).build())
        .withMessageContaining("exactly one of symmetricKey");
  }
}
