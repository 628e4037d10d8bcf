// Conformance with the official Azure IoT device SDK for Java 2.5.0 (device and module, MQTT and MQTT_WS):
// telemetry with properties, C2D, twin get/patch, desired updates and direct methods against the emulator.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import io.rxiothub.testing.FixedPortsLock;
import io.rxiothub.testing.OfficialSdkTwin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The official SDK insists on a dotted host name and dials port 443 for MQTT_WS whatever is configured, so this
 * class alone runs one emulator as {@code hub.localhost} on the fixed ports 8883 and 443 (failsafe resolves the
 * name through {@code -Djdk.net.hosts.file}, see the module pom), holding the machine's fixed-port lock while it runs.
 */
@Timeout(120)
class AzureSdkConformanceIT {

  private static final Logger LOG = LoggerFactory.getLogger(AzureSdkConformanceIT.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static HubEmulator hub;
  private static boolean webSocketOn443;
  private static FixedPortsLock ports;

  /**
   * Port 443 needs privileges on Linux: without them (a developer's machine, not CI, which runs as root) only
   * the MQTT_WS cases are skipped, loudly; any other bind failure, e.g. 8883 in use, still fails the class.
   */
  @BeforeAll
  static void startHub() throws IOException {
    ports = FixedPortsLock.acquire();
    HubEmulator candidate = HubEmulator.builder().hostName("hub.localhost").mqttPort(8883).webSocketPort(443).build();
    try {
      hub = candidate.start();
      webSocketOn443 = true;
    } catch (IllegalStateException e) {
      candidate.close();
      if (!permissionDenied(e)) {
        throw e;
      }
      LOG.warn("Cannot bind port 443 without privileges ({}): the Azure SDK's MQTT_WS conformance cases are "
          + "SKIPPED. Run as root, or lower net.ipv4.ip_unprivileged_port_start to 443, to run them.", e.getMessage());
      hub = HubEmulator.builder().hostName("hub.localhost").mqttPort(8883).webSocketPort(-1).build().start();
    }
  }

  private static boolean permissionDenied(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (message.contains("permission denied") || message.contains("access denied")) {
        return true;
      }
    }
    return false;
  }

  /** The SDK dials port 443 for MQTT_WS whatever is configured (protocol.md §13). */
  private static void assumeTransportAvailable(IotHubClientProtocol protocol) {
    Assumptions.assumeTrue(protocol != IotHubClientProtocol.MQTT_WS || webSocketOn443,
        "port 443 could not be bound without privileges; MQTT_WS conformance skipped");
  }

  @AfterAll
  static void stopHub() throws Exception {
    FixedPortsLock.closeThenRelease(ports, hub);
  }

  private static ClientOptions options() {
    return ClientOptions.builder().sslContext(hub.sslContext()).build();
  }

  /** The identity a case runs as: a device, or a module of its parent device; the hub calls for it. */
  private static final class Identity {
    final String deviceId;
    final @Nullable String moduleId;
    final String connectionString;

    Identity(String deviceId, @Nullable String moduleId, String connectionString) {
      this.deviceId = deviceId;
      this.moduleId = moduleId;
      this.connectionString = connectionString;
    }

    InternalClient sdkClient(IotHubClientProtocol protocol) {
      return moduleId == null ? new DeviceClient(connectionString, protocol, options())
          : new ModuleClient(connectionString, protocol, options());
    }

    boolean isConnected() {
      return moduleId == null ? hub.isConnected(deviceId) : hub.isConnected(deviceId, moduleId);
    }

    List<TelemetryMessage> telemetry() {
      return moduleId == null ? hub.telemetry(deviceId) : hub.telemetry(deviceId, moduleId);
    }

    String twin() {
      return (moduleId == null ? hub.twin(deviceId) : hub.twin(deviceId, moduleId)).blockingGet();
    }

    long updateDesired(String patch) {
      return (moduleId == null ? hub.updateDesired(deviceId, patch)
          : hub.updateDesired(deviceId, moduleId, patch)).blockingGet();
    }

    MethodResult invokeMethod(String name, String payload) {
      return (moduleId == null ? hub.invokeMethod(deviceId, name, payload, Duration.ofSeconds(10))
          : hub.invokeMethod(deviceId, moduleId, name, payload, Duration.ofSeconds(10))).blockingGet();
    }
  }

  static Stream<Arguments> identitiesAndTransports() {
    return Stream.of(false, true).flatMap(module -> Stream.of(IotHubClientProtocol.MQTT, IotHubClientProtocol.MQTT_WS)
        .map(protocol -> Arguments.of(module ? "module" : "device", protocol)));
  }

  @ParameterizedTest(name = "the SDK as {0} over {1} conforms")
  @MethodSource("identitiesAndTransports")
  void sdkConforms(String kind, IotHubClientProtocol protocol) throws Exception {
    assumeTransportAvailable(protocol);
    String transport = protocol.name().toLowerCase().replace('_', '-');
    Identity identity;
    if (kind.equals("device")) {
      String deviceId = "sdk-device-" + transport;
      identity = new Identity(deviceId, null, hub.registry().createDevice(deviceId).connectionString());
    } else {
      String deviceId = "sdk-parent-" + transport;
      hub.registry().createDevice(deviceId);
      identity = new Identity(deviceId, "sdk-module",
          hub.registry().createModule(deviceId, "sdk-module").connectionString());
    }
    conforms(identity, identity.sdkClient(protocol));
  }

  private static void conforms(Identity identity, InternalClient client) throws Exception {
    String deviceId = identity.deviceId;
    String moduleId = identity.moduleId;
    List<Message> c2d = new CopyOnWriteArrayList<>();
    List<TwinCollection> desired = new CopyOnWriteArrayList<>();
    if (client instanceof DeviceClient) {
      // IoT Hub sends C2D to devices only.
      ((DeviceClient) client).setMessageCallback((message, context) -> {
        c2d.add(message);
        return IotHubMessageResult.COMPLETE;
      }, null);
    }
    client.open(false);
    try {
      assertThat(identity.isConnected()).isTrue();

      // Telemetry with system and application properties, captured exactly.
      Message message = new Message("{\"temperature\":21.5}");
      message.setMessageId("msg-1");
      message.setCorrelationId("corr-1");
      message.setContentType("application/json");
      message.setContentEncoding("utf-8");
      message.setProperty("prop with space", "value with space");
      message.setProperty("weird", "a&b=c/d%e é");
      client.sendEvent(message, 10_000);
      List<TelemetryMessage> captured = identity.telemetry();
      assertThat(captured).hasSize(1);
      TelemetryMessage telemetry = captured.get(0);
      assertThat(telemetry.payloadAsString()).isEqualTo("{\"temperature\":21.5}");
      assertThat(telemetry.moduleId()).isEqualTo(moduleId);
      assertThat(telemetry.systemProperties()).containsEntry("$.mid", "msg-1").containsEntry("$.cid", "corr-1")
          .containsEntry("$.ct", "application/json").containsEntry("$.ce", "utf-8")
          .containsEntry("$.cdid", deviceId);
      assertThat(telemetry.applicationProperties()).containsEntry("prop with space", "value with space")
          .containsEntry("weird", "a&b=c/d%e é").hasSize(2);

      // Cloud-to-device (devices only).
      if (moduleId == null) {
        CloudToDeviceMessage sent = hub.sendCloudToDevice(deviceId, "hello device".getBytes(StandardCharsets.UTF_8),
            Map.of("$.cid", "c2d-corr", "color", "blue")).blockingGet();
        await().atMost(Duration.ofSeconds(10)).until(() -> !c2d.isEmpty());
        Message received = c2d.get(0);
        assertThat(new String(received.getBytes(), StandardCharsets.UTF_8)).isEqualTo("hello device");
        assertThat(received.getProperty("color")).isEqualTo("blue");
        assertThat(received.getMessageId()).isEqualTo(sent.messageId());
        sent.states().test().awaitDone(10, TimeUnit.SECONDS)
            .assertValue(CloudToDeviceMessage.State.COMPLETED);
      }

      // Twin: subscribe to desired, get, patch reported, receive a desired update.
      client.subscribeToDesiredProperties((update, context) -> desired.add(update.getDesiredProperties()), null,
          10_000);
      Twin twin = OfficialSdkTwin.get(client, Duration.ofSeconds(10));
      assertThat(twin.getDesiredProperties().getVersion()).isEqualTo(1);
      TwinCollection reported = new TwinCollection();
      reported.put("firmware", "1.2.3");
      int reportedVersion = OfficialSdkTwin.updateReported(client, reported, Duration.ofSeconds(10));
      JsonNode serviceTwin = JSON.readTree(identity.twin());
      JsonNode serviceReported = serviceTwin.path("properties").path("reported");
      assertThat(serviceReported.path("firmware").asText()).isEqualTo("1.2.3");
      assertThat(serviceReported.path("$version").asInt()).isEqualTo(reportedVersion).isEqualTo(2);
      long version = identity.updateDesired("{\"interval\":30}");
      await().atMost(Duration.ofSeconds(10)).until(() -> desired.stream()
          .anyMatch(d -> d.containsKey("interval") && d.getVersion() != null && d.getVersion() == version));

      // Direct method answered by the SDK.
      client.subscribeToMethods((name, payload, context) ->
          new DirectMethodResponse(200, "echo:" + name + ":" + payload.getPayloadAsJsonString()), null, 10_000);
      MethodResult result = identity.invokeMethod("reboot", "{\"delay\":5}");
      assertThat(result.status()).isEqualTo(200);
      assertThat(result.payload()).isEqualTo("\"echo:reboot:{\\\"delay\\\":5}\"");
    } finally {
      client.close();
    }
  }
}
