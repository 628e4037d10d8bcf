// IoT Edge modules (protocol.md §17.4-17.5) against the emulator's edgeHub and workload API, over MQTT/TLS on
// loopback: outputs routed to inputs and upstream, held inputs, clients built from the IOTEDGE_* environment.
package io.rxiothub.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.TelemetryMessage;
import io.rxiothub.testing.NoLeaksExtension;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(NoLeaksExtension.class)
@Timeout(60)
class EdgeModulesIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private static ModuleClient module(DeviceIdentity id) {
    return ModuleClient.builder().connectionString(id.connectionString()).port(HUB.hub().mqttPort())
        .trustStore(HUB.hub().trustStore()).reconnectBackoff(50, 500).build();
  }

  private static Message reading(int temperature) {
    return Message.builder().payload(("{\"t\":" + temperature + "}").getBytes(StandardCharsets.UTF_8))
        .contentType("application/json").property("temperature", String.valueOf(temperature)).build();
  }

  @Test
  void anOutputReachesTheRoutedInputWithItsPropertiesAndGoesUpstreamByItsOwnRoute() {
    HUB.createDevice("edge-1");
    ModuleClient filter = module(HUB.createModule("edge-1", "filter"));
    ModuleClient sink = module(HUB.createModule("edge-1", "sink"));
    HUB.hub().edge().setRoute("edge-1", "hot", "FROM /messages/modules/filter/outputs/alerts WHERE temperature > 30 "
        + "INTO BrokeredEndpoint(\"/modules/sink/inputs/in1\")");
    HUB.hub().edge().setRoute("edge-1", "up", "FROM /messages/modules/filter/outputs/* INTO $upstream");
    try {
      TestSubscriber<InputMessage> in1 = sink.inputs("in1").test();
      sink.connect().blockingAwait(20, TimeUnit.SECONDS);
      filter.connect().blockingAwait(20, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> HUB.hub().isConnected("edge-1", "sink"));

      filter.sendToOutput("alerts", reading(35)).blockingAwait(20, TimeUnit.SECONDS);
      filter.sendToOutput("alerts", reading(20)).blockingAwait(20, TimeUnit.SECONDS);

      in1.awaitCount(1);
      InputMessage got = in1.values().get(0);
      assertThat(got.inputName()).isEqualTo("in1");
      assertThat(new String(got.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"t\":35}");
      assertThat(got.applicationProperties()).containsEntry("temperature", "35");
      assertThat(got.contentType()).isEqualTo("application/json");
      assertThat(got.connectionDeviceId()).isEqualTo("edge-1");
      assertThat(got.connectionModuleId()).isEqualTo("filter");
      // Both went upstream (the second matched only the $upstream route), with their output name.
      await().atMost(Duration.ofSeconds(10)).until(() -> HUB.hub().telemetry("edge-1", "filter").size() == 2);
      assertThat(HUB.hub().telemetry("edge-1", "filter")).extracting(t -> t.systemProperties().get("$.on"))
          .containsExactly("alerts", "alerts");
      assertThat(in1.values()).hasSize(1);
    } finally {
      filter.close();
      sink.close();
    }
  }

  @Test
  void aMessageForAnInputNotYetSubscribedIsHeldAndDeliveredOnceTheModuleSubscribes() {
    HUB.createDevice("edge-2");
    ModuleClient a = module(HUB.createModule("edge-2", "a"));
    ModuleClient b = module(HUB.createModule("edge-2", "b"));
    HUB.hub().edge().setRoute("edge-2", "ab", "FROM /messages/modules/a/outputs/out INTO "
        + "BrokeredEndpoint(\"/modules/b/inputs/in\")");
    try {
      a.connect().blockingAwait(20, TimeUnit.SECONDS);
      a.sendToOutput("out", reading(1)).blockingAwait(20, TimeUnit.SECONDS);
      a.sendToOutput("out", reading(2)).blockingAwait(20, TimeUnit.SECONDS);
      // No route to $upstream matched: the hub's telemetry does not have them.
      assertThat(HUB.hub().telemetry("edge-2", "a")).isEmpty();

      TestSubscriber<InputMessage> all = b.inputs().test();
      b.connect().blockingAwait(20, TimeUnit.SECONDS);
      all.awaitCount(2);
      assertThat(all.values()).extracting(m -> m.applicationProperties().get("temperature"))
          .containsExactly("1", "2");
      assertThat(all.values()).extracting(InputMessage::inputName).containsOnly("in");
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void aModuleMessageWithoutAMatchingRouteIsTheHubsTelemetryAsBefore() {
    HUB.createDevice("edge-3");
    ModuleClient a = module(HUB.createModule("edge-3", "a"));
    HUB.hub().edge().setRoute("edge-3", "other", "FROM /messages/modules/x/* INTO $upstream");
    try {
      a.connect().blockingAwait(20, TimeUnit.SECONDS);
      a.sendToOutput("out", reading(5)).blockingAwait(20, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> HUB.hub().telemetry("edge-3", "a").size() == 1);
      TelemetryMessage t = HUB.hub().telemetry("edge-3", "a").get(0);
      assertThat(t.systemProperties()).containsEntry("$.on", "out");
    } finally {
      a.close();
    }
  }

  @Test
  void aModuleBuiltFromTheEdgeEnvironmentTrustsTheWorkloadBundleAndConnectsWithWorkloadSignedTokens() {
    HUB.createDevice("edge-4");
    HUB.createModule("edge-4", "env");
    Map<String, String> env = HUB.hub().edge().environment("edge-4", "env");
    ModuleClient client = ModuleClient.builder().edgeEnvironment(env).port(HUB.hub().mqttPort())
        .reconnectBackoff(50, 500).build(); // no trustStore: the workload's bundle is the only trust
    try {
      assertThat(client.deviceId()).isEqualTo("edge-4");
      assertThat(client.moduleId()).isEqualTo("env");
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      client.send(reading(7)).blockingAwait(20, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> HUB.hub().telemetry("edge-4", "env").size() == 1);
      assertThat(client.toString()).doesNotContain("sig=");
    } finally {
      client.close();
    }
  }

  @Test
  void aWorkloadThatRefusesToSignFailsTheConnectionWithItsStatusAndNoToken() {
    HUB.createDevice("edge-5");
    HUB.createModule("edge-5", "env");
    Map<String, String> env = new HashMap<>(HUB.hub().edge().environment("edge-5", "env"));
    env.put("IOTEDGE_MODULEGENERATIONID", "not-this-one");
    ModuleClient client = ModuleClient.builder().edgeEnvironment(env).port(HUB.hub().mqttPort()).build();
    try {
      assertThatThrownBy(() -> client.connect().blockingAwait(20, TimeUnit.SECONDS))
          .isInstanceOf(IotHubConnectionException.class).hasMessageContaining("workload API")
          .hasMessageContaining("404").hasMessageNotContaining("sig=");
      assertThat(HUB.hub().isConnected("edge-5", "env")).isFalse();
    } finally {
      client.close();
    }
  }

  @Test
  void aWorkloadFailingOrSlowWhileReconnectingIsRetriedPastTheTokenSourceLimitAndNothingQueuedIsLost() {
    HUB.createDevice("edge-8");
    HUB.createModule("edge-8", "env");
    Map<String, String> env = HUB.hub().edge().environment("edge-8", "env");
    ModuleClient client = ModuleClient.builder().edgeEnvironment(env).port(HUB.hub().mqttPort())
        .reconnectBackoff(20, 100).build();
    List<ConnectionState> states = new java.util.concurrent.CopyOnWriteArrayList<>();
    try {
      client.connectionStates().subscribe(states::add);
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      long signed = HUB.hub().edge().workloadSignRequests();
      // More failures in a row than a user's token source is retried (5), then one slow answer that succeeds.
      int failures = io.rxiothub.device.internal.Credentials.SOURCE_REFUSALS_RETRIED + 3;
      HUB.hub().edge().workloadFaults(failures, 503, 0);
      HUB.hub().dropConnection("edge-8", "env");
      await().atMost(Duration.ofSeconds(10)).until(() -> client.connectionState().status()
          != ConnectionState.Status.CONNECTED);
      List<io.reactivex.rxjava3.observers.TestObserver<Void>> sends = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        sends.add(client.send(reading(40 + i)).test()); // queued while the workload API fails
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> HUB.hub().edge().workloadSignRequests() >= signed + failures);
      HUB.hub().edge().workloadFaults(1, 0, 1_500);

      for (io.reactivex.rxjava3.observers.TestObserver<Void> send : sends) {
        send.awaitDone(30, TimeUnit.SECONDS).assertComplete();
      }
      assertThat(client.connectionState().status()).isEqualTo(ConnectionState.Status.CONNECTED);
      assertThat(HUB.hub().edge().workloadSignRequests()).isGreaterThanOrEqualTo(signed + failures + 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> HUB.hub().telemetry("edge-8", "env").size() == 3);
      // Each failed signing was reported as a refused attempt naming the workload API and its status, no token.
      assertThat(states).filteredOn(st -> st.reason() == ConnectionState.Reason.REFUSED)
          .isNotEmpty()
          .allSatisfy(st -> assertThat(String.valueOf(st.error())).contains("workload API").contains("503")
              .doesNotContain("sig="));
    } finally {
      HUB.hub().edge().workloadFaults(0, 0, 0);
      client.close();
    }
  }

  @Test
  void anUnreachableWorkloadFailsTheBuilderNamingIt() throws Exception {
    HUB.createDevice("edge-6");
    HUB.createModule("edge-6", "env");
    Map<String, String> env = new HashMap<>(HUB.hub().edge().environment("edge-6", "env"));
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    env.put("IOTEDGE_WORKLOADURI", "http://127.0.0.1:" + closed + "/");
    assertThatIllegalStateException().isThrownBy(() -> ModuleClient.builder().edgeEnvironment(env))
        .withMessageContaining("http://127.0.0.1:" + closed).withMessageContaining("could not be reached");
  }

  static Stream<Arguments> badEnvironments() {
    return Stream.of(
        Arguments.of("no IOTEDGE_MODULEID", "IOTEDGE_MODULEID", null, "IOTEDGE_MODULEID is not set"),
        Arguments.of("empty IOTEDGE_DEVICEID", "IOTEDGE_DEVICEID", " ", "IOTEDGE_DEVICEID is not set"),
        Arguments.of("x509 auth scheme", "IOTEDGE_AUTHSCHEME", "x509", "only 'sasToken'"),
        Arguments.of("unix socket workload", "IOTEDGE_WORKLOADURI", "unix:///var/run/iotedge/workload.sock",
            "Unix domain socket"),
        Arguments.of("ftp workload", "IOTEDGE_WORKLOADURI", "ftp://127.0.0.1/", "http:// or https://"),
        Arguments.of("module id with #", "IOTEDGE_MODULEID", "a#b", "IOTEDGE_MODULEID"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badEnvironments")
  void aMissingOrMalformedVariableIsRefusedNamingIt(String name, String variable, String value, String message) {
    Map<String, String> env = new HashMap<>();
    env.put("IOTEDGE_WORKLOADURI", "http://127.0.0.1:1/");
    env.put("IOTEDGE_IOTHUBHOSTNAME", "hub.example");
    env.put("IOTEDGE_GATEWAYHOSTNAME", "edge.example");
    env.put("IOTEDGE_DEVICEID", "d");
    env.put("IOTEDGE_MODULEID", "m");
    env.put("IOTEDGE_MODULEGENERATIONID", "1");
    env.put("IOTEDGE_AUTHSCHEME", "sasToken");
    if (value == null) {
      env.remove(variable);
    } else {
      env.put(variable, value);
    }
    assertThatIllegalArgumentException().isThrownBy(() -> ModuleClient.builder().edgeEnvironment(env))
        .withMessageContaining(message);
  }

  @Test
  void inputAndOutputNamesAreChecked() {
    DeviceIdentity id = HUB.createModule(HUB.createDevice("edge-7").deviceId(), "m");
    ModuleClient client = module(id);
    try {
      for (String bad : List.of("", "a/b", "a+", "#")) {
        assertThatIllegalArgumentException().isThrownBy(() -> client.inputs(bad)).withMessageContaining("inputName");
      }
      assertThatIllegalArgumentException().isThrownBy(() -> client.sendToOutput("", reading(1)))
          .withMessageContaining("outputName");
    } finally {
      client.close();
    }
  }
}
