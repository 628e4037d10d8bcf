// Conformance with IBM's Watson IoT SDK for Java (com.ibm.wiotp.sdk 0.2.3) as gateway, device and application:
// events, commands both ways, notifications, against the emulator's Watson organisation mode.
package io.rxiothub.emulator.watson;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.ibm.wiotp.sdk.app.ApplicationClient;
import com.ibm.wiotp.sdk.app.callbacks.EventCallback;
import com.ibm.wiotp.sdk.app.config.ApplicationConfig;
import com.ibm.wiotp.sdk.app.config.ApplicationConfigAuth;
import com.ibm.wiotp.sdk.app.config.ApplicationConfigIdentity;
import com.ibm.wiotp.sdk.app.config.ApplicationConfigOptions;
import com.ibm.wiotp.sdk.app.config.ApplicationConfigOptionsMqtt;
import com.ibm.wiotp.sdk.app.messages.Event;
import com.ibm.wiotp.sdk.codecs.JsonCodec;
import com.ibm.wiotp.sdk.device.Command;
import com.ibm.wiotp.sdk.device.CommandCallback;
import com.ibm.wiotp.sdk.device.DeviceClient;
import com.ibm.wiotp.sdk.device.config.DeviceConfig;
import com.ibm.wiotp.sdk.device.config.DeviceConfigAuth;
import com.ibm.wiotp.sdk.device.config.DeviceConfigIdentity;
import com.ibm.wiotp.sdk.device.config.DeviceConfigOptions;
import com.ibm.wiotp.sdk.device.config.DeviceConfigOptionsMqtt;
import com.ibm.wiotp.sdk.gateway.GatewayClient;
import com.ibm.wiotp.sdk.gateway.config.GatewayConfig;
import io.rxiothub.testing.SecretScanner;
import io.rxiothub.watson.Notification;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * IBM's SDK dials {@code {org}.messaging.{domain}} on the configured port over TLS with the JVM's default trust store
 * (protocol.md §14.1): failsafe resolves {@code abc123.messaging.watson.localhost} through
 * {@code -Djdk.net.hosts.file} (module pom, execution {@code watson-sdk-conformance}), and this class points
 * {@code javax.net.ssl.trustStore} at the emulator's CA while it runs. The port is ephemeral.
 */
@Timeout(120)
@EnabledIfSystemProperty(named = "jdk.net.hosts.file", matches = ".*watson-hosts",
    disabledReason = "runs in failsafe execution watson-sdk-conformance, which resolves the organisation's host")
class WatsonSdkConformanceIT {

  private static final String DOMAIN = "watson.localhost";
  private static WatsonEmulator org;
  private static Path trustStore;
  private static final String[] TRUST_PROPERTIES =
      {"javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType"};
  private static final String[] saved = new String[TRUST_PROPERTIES.length];

  @BeforeAll
  static void start() throws Exception {
    org = WatsonEmulator.builder().orgId("abc123").domain(DOMAIN).webSocketPort(0).build();
    org.start();
    trustStore = Files.createTempFile("watson-ca", ".p12");
    try (OutputStream out = Files.newOutputStream(trustStore)) {
      org.trustStore().store(out, "rxiothub".toCharArray());
    }
    for (int i = 0; i < TRUST_PROPERTIES.length; i++) {
      saved[i] = System.getProperty(TRUST_PROPERTIES[i]);
    }
    System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
    System.setProperty("javax.net.ssl.trustStorePassword", "rxiothub");
    System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
  }

  @AfterAll
  static void stop() throws Exception {
    for (int i = 0; i < TRUST_PROPERTIES.length; i++) {
      if (saved[i] == null) {
        System.clearProperty(TRUST_PROPERTIES[i]);
      } else {
        System.setProperty(TRUST_PROPERTIES[i], saved[i]);
      }
    }
    if (org != null) {
      org.close();
    }
    Files.deleteIfExists(trustStore);
  }

  private static DeviceConfigOptions options() {
    return new DeviceConfigOptions(DOMAIN, "INFO",
        new DeviceConfigOptionsMqtt(org.mqttPort(), "tcp", null, true, 60, 60));
  }

  private static TappedGateway gateway(String type, String id) throws Exception {
    String token = org.registerGateway(type, id);
    SecretScanner.register(token);
    return new TappedGateway(new GatewayConfig(new DeviceConfigIdentity("abc123", type, id),
        new DeviceConfigAuth(token), options()));
  }

  private static ApplicationClient application(String appId) throws Exception {
    ApiKey key = org.createApiKey();
    SecretScanner.register(key.token());
    ApplicationClient app = new ApplicationClient(new ApplicationConfig(new ApplicationConfigIdentity(appId),
        new ApplicationConfigAuth(key.key(), key.token()), new ApplicationConfigOptions(DOMAIN, Level.INFO,
            new ApplicationConfigOptionsMqtt(org.mqttPort(), "tcp", null, true, 60, 60, false))));
    app.registerCodec(new JsonCodec());
    return app;
  }

  private static JsonObject json(String name, int value) {
    JsonObject o = new JsonObject();
    o.addProperty(name, value);
    return o;
  }

  @Test
  void gatewayPublishesForItselfAndForAnAutoRegisteredDeviceAndTheApplicationReceivesBoth() throws Exception {
    TappedGateway gw = gateway("sdkgw", "gw-events");
    ApplicationClient app = application("events-app");
    List<Event<JsonObject>> received = new CopyOnWriteArrayList<>();
    app.registerEventCallback(new EventCallback<JsonObject>() {
      @Override
      public void processEvent(Event<JsonObject> evt) {
        received.add(evt);
      }

      @Override
      public Class<JsonObject> getMessageClass() {
        return JsonObject.class;
      }
    });
    try {
      app.connect();
      app.subscribeToDeviceEvents("+", "+", "status", "json", 1);
      gw.connect();
      assertThat(org.deviceExists("sensor", "behind-1")).isFalse();

      assertThat(gw.publishDeviceEvent("sdkgw", "gw-events", "status", json("up", 1), 1)).isTrue();
      assertThat(gw.publishDeviceEvent("sensor", "behind-1", "status", json("t", 21), 1)).isTrue();

      await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= 2);
      assertThat(received).extracting(e -> e.getTypeId() + "/" + e.getDeviceId() + " " + e.getData())
          .containsExactlyInAnyOrder("sdkgw/gw-events {\"up\":1}", "sensor/behind-1 {\"t\":21}");
      assertThat(org.deviceExists("sensor", "behind-1")).isTrue();
      assertThat(org.registeredBy("sensor", "behind-1")).isEqualTo("sdkgw/gw-events");
      assertThat(org.events()).filteredOn(e -> e.deviceId().equals("behind-1"))
          .singleElement().satisfies(e -> assertThat(e.publisher()).isEqualTo("g:abc123:sdkgw:gw-events"));
    } finally {
      disconnect(gw);
      app.disconnect();
      app.close();
    }
  }

  @Test
  void applicationCommandsReachAGatewayForADeviceBehindItAndADirectlyConnectedDevice() throws Exception {
    TappedGateway gw = gateway("sdkgw", "gw-commands");
    String deviceToken = org.registerDevice("meter", "direct-1");
    SecretScanner.register(deviceToken);
    DeviceClient device = new DeviceClient(new DeviceConfig(new DeviceConfigIdentity("abc123", "meter", "direct-1"),
        new DeviceConfigAuth(deviceToken), options()));
    device.registerCodec(new JsonCodec());
    BlockingQueue<Command<JsonObject>> deviceCommands = new LinkedBlockingQueue<>();
    device.registerCommandCallback(new CommandCallback<JsonObject>() {
      @Override
      public void processCommand(Command<JsonObject> cmd) {
        deviceCommands.add(cmd);
      }

      @Override
      public Class<JsonObject> getMessageClass() {
        return JsonObject.class;
      }
    });
    ApplicationClient app = application("commands-app");
    try {
      gw.connect();
      gw.subscribeToDeviceCommands("valve", "behind-2", "+", "+", 1);
      device.connect();
      app.connect();
      // Subscribing for an unknown device registers it (S001, auto-registration).
      assertThat(org.registeredBy("valve", "behind-2")).isEqualTo("sdkgw/gw-commands");

      assertThat(app.publishCommand("valve", "behind-2", "open", json("pct", 40), 1)).isTrue();
      assertThat(app.publishCommand("meter", "direct-1", "reset", json("now", 1), 1)).isTrue();

      String[] gatewayCommand = gw.messages.poll(20, TimeUnit.SECONDS);
      assertThat(gatewayCommand).containsExactly("iot-2/type/valve/id/behind-2/cmd/open/fmt/json", "{\"pct\":40}");
      Command<JsonObject> direct = deviceCommands.poll(20, TimeUnit.SECONDS);
      assertThat(direct).isNotNull();
      assertThat(direct.getCommandId()).isEqualTo("reset");
      assertThat(direct.getFormat()).isEqualTo("json");
      assertThat(direct.getData().get("now").getAsInt()).isEqualTo(1);
    } finally {
      disconnect(gw);
      device.disconnect();
      device.close();
      app.disconnect();
      app.close();
    }
  }

  @Test
  void aDeviceEventReachesTheApplicationAndCommandsFromTheEmulatorReachTheGatewayItself() throws Exception {
    TappedGateway gw = gateway("sdkgw", "gw-self");
    String deviceToken = org.registerDevice("meter", "direct-2");
    SecretScanner.register(deviceToken);
    DeviceClient device = new DeviceClient(new DeviceConfig(new DeviceConfigIdentity("abc123", "meter", "direct-2"),
        new DeviceConfigAuth(deviceToken), options()));
    device.registerCodec(new JsonCodec());
    try {
      device.connect();
      gw.connect();
      assertThat(device.publishEvent("reading", json("kwh", 7), 1)).isTrue();
      await().atMost(Duration.ofSeconds(20)).until(() -> org.events().stream()
          .anyMatch(e -> e.deviceId().equals("direct-2") && e.eventId().equals("reading")));

      // IBM's GatewayClient subscribed to the device form iot-2/cmd/+/fmt/+ on connect (protocol.md §14.2).
      org.sendCommand("sdkgw", "gw-self", "restart", "json", "{}".getBytes(UTF_8), 1);
      String[] own = gw.messages.poll(20, TimeUnit.SECONDS);
      assertThat(own).containsExactly("iot-2/cmd/restart/fmt/json", "{}");
    } finally {
      disconnect(gw);
      device.disconnect();
      device.close();
    }
  }

  @Test
  void aGatewayGetsANotificationForAnInvalidDeviceTypeAndForAnotherGatewaysEvents() throws Exception {
    TappedGateway gw = gateway("sdkgw", "gw-notify");
    org.registerGateway("sdkgw", "gw-other");
    try {
      gw.connect();
      gw.subscribeRaw("iot-2/type/sdkgw/id/gw-notify/notify");
      gw.publishDeviceEvent("bad type", "d1", "status", json("x", 1), 1);
      gw.publishDeviceEvent("sdkgw", "gw-other", "status", json("x", 2), 1);

      Notification invalid = Notification.parse(gw.messages.poll(20, TimeUnit.SECONDS)[1].getBytes(UTF_8));
      Notification other = Notification.parse(gw.messages.poll(20, TimeUnit.SECONDS)[1].getBytes(UTF_8));
      assertThat(invalid.rc()).isEqualTo(Notification.RC_INVALID_ID);
      assertThat(invalid.typeId()).isEqualTo("bad type");
      assertThat(invalid.message()).contains("invalid device type");
      assertThat(invalid.clientId()).isEqualTo("g:abc123:sdkgw:gw-notify");
      assertThat(other.rc()).isEqualTo(Notification.RC_TOPIC_NOT_ALLOWED);
      assertThat(other.topic()).isEqualTo("iot-2/type/sdkgw/id/gw-other/evt/status/fmt/json");
      assertThat(gw.isConnected()).isTrue();
    } finally {
      disconnect(gw);
    }
  }

  @Test
  void ibmsOlderManagedGatewayManagesItselfAndAnswersAPlatformRebootWith202() throws Exception {
    com.ibm.iotf.devicemgmt.gateway.ManagedGateway gateway = oldManagedGateway("managed-1",
        new com.ibm.iotf.devicemgmt.DeviceData.Builder().build());
    BlockingQueue<String> reboots = new LinkedBlockingQueue<>();
    try {
      gateway.connect();
      gateway.addDeviceActionHandler(new com.ibm.iotf.devicemgmt.DeviceActionHandler() {
        @Override
        public void handleReboot(com.ibm.iotf.devicemgmt.DeviceAction action) {
          reboots.add(action.getTypeId() + "/" + action.getDeviceId());
          action.setStatus(com.ibm.iotf.devicemgmt.DeviceAction.Status.ACCEPTED);
        }

        @Override
        public void handleFactoryReset(com.ibm.iotf.devicemgmt.DeviceAction action) {
          action.setStatus(com.ibm.iotf.devicemgmt.DeviceAction.Status.UNSUPPORTED);
        }
      });
      assertThat(gateway.sendGatewayManageRequest(0, false, true)).isTrue();
      assertThat(org.deviceManagement().isManaged("oldgw", "managed-1")).isTrue();

      // The old SDK subscribes to the platform's DM request topics after the manage response, on a thread of its
      // own and without waiting for the SUBACK: a request sent in between reaches no subscriber and expires (seen
      // once in a CI run under load). A platform application retries an expired request; so does this test, with
      // a short expiry, and asserts the answer of the request that arrived.
      io.rxiothub.watson.DmMessage answer = null;
      for (int attempt = 1; answer == null; attempt++) {
        try {
          answer = org.deviceManagement().initiate("oldgw", "managed-1", io.rxiothub.watson.DmOperation.REBOOT, null,
              Duration.ofSeconds(5)).blockingGet();
        } catch (RuntimeException e) {
          if (!(e.getCause() instanceof java.util.concurrent.TimeoutException) || attempt == 4) {
            throw e;
          }
        }
      }
      assertThat(answer.rc()).isEqualTo(202);
      assertThat(reboots.poll(1, TimeUnit.SECONDS)).isEqualTo("oldgw/managed-1");
    } finally {
      gateway.disconnect();
    }
  }

  /** IBM-J-old's managed gateway {@code oldgw/{id}}, registered with a fresh token, not connected. */
  private com.ibm.iotf.devicemgmt.gateway.ManagedGateway oldManagedGateway(String id,
      com.ibm.iotf.devicemgmt.DeviceData data) throws Exception {
    String token = org.registerGateway("oldgw", id);
    SecretScanner.register(token);
    java.util.Properties options = new java.util.Properties();
    options.setProperty("org", "abc123");
    options.setProperty("type", "oldgw");
    options.setProperty("id", id);
    options.setProperty("auth-method", "token");
    options.setProperty("auth-token", token);
    options.setProperty("domain", DOMAIN);
    options.setProperty("port", Integer.toString(org.mqttPort()));
    return new com.ibm.iotf.devicemgmt.gateway.ManagedGateway(options, data);
  }

  /**
   * IBM-J-old's firmware handling (tag 0.2.6: DeviceUpdate, Observe, FirmwareDownload/Update and Cancel request
   * handlers, notify from a property change) against the emulator's platform side of protocol.md §14.10.
   */
  @Test
  void ibmsOlderManagedGatewayDownloadsAndUpdatesFirmwareThroughTheEmulatorsSteps() throws Exception {
    com.ibm.iotf.devicemgmt.DeviceFirmware firmware = new com.ibm.iotf.devicemgmt.DeviceFirmware.Builder()
        .version("1.0").build();
    com.ibm.iotf.devicemgmt.gateway.ManagedGateway gateway = oldManagedGateway("firmware-1",
        new com.ibm.iotf.devicemgmt.DeviceData.Builder().deviceFirmware(firmware).build());
    BlockingQueue<String> calls = new LinkedBlockingQueue<>();
    try {
      gateway.connect();
      gateway.addFirmwareHandler(new com.ibm.iotf.devicemgmt.DeviceFirmwareHandler() {
        @Override
        public void downloadFirmware(com.ibm.iotf.devicemgmt.DeviceFirmware f) {
          calls.add("download " + f.getUrl());
          new Thread(() -> {
            f.setState(com.ibm.iotf.devicemgmt.DeviceFirmware.FirmwareState.DOWNLOADING);
            f.setState(com.ibm.iotf.devicemgmt.DeviceFirmware.FirmwareState.DOWNLOADED);
          }).start();
        }

        @Override
        public void updateFirmware(com.ibm.iotf.devicemgmt.DeviceFirmware f) {
          calls.add("update " + f.getVersion());
          new Thread(() -> {
            f.setUpdateStatus(com.ibm.iotf.devicemgmt.DeviceFirmware.FirmwareUpdateStatus.IN_PROGRESS);
            f.setState(com.ibm.iotf.devicemgmt.DeviceFirmware.FirmwareState.IDLE);
            f.setUpdateStatus(com.ibm.iotf.devicemgmt.DeviceFirmware.FirmwareUpdateStatus.SUCCESS);
          }).start();
        }
      });
      assertThat(gateway.sendGatewayManageRequest(0, true, false)).isTrue();
      assertThat(org.deviceManagement().manageRequest("oldgw", "firmware-1").firmwareActions()).isTrue();

      io.rxiothub.watson.Firmware image = io.rxiothub.watson.Firmware.builder().version("2.0").name("main")
          .uri("https://firmware.example/main-2.0.bin").verifier("sha256:00").build();
      // retried on expiry for the old SDK's subscription race, as the reboot test above explains
      io.rxiothub.watson.Firmware downloaded = retryOnExpiry(() -> org.deviceManagement()
          .firmwareDownload("oldgw", "firmware-1", image, Duration.ofSeconds(5)).blockingGet());
      assertThat(downloaded.state()).isEqualTo(io.rxiothub.watson.Firmware.STATE_DOWNLOADED);
      assertThat(calls.poll(1, TimeUnit.SECONDS)).isEqualTo("download https://firmware.example/main-2.0.bin");
      assertThat(firmware.getVersion()).as("the SDK took the version from device/update").isEqualTo("2.0");

      io.rxiothub.watson.Firmware updated = org.deviceManagement().firmwareUpdate("oldgw", "firmware-1",
          Duration.ofSeconds(10)).blockingGet();
      assertThat(updated.updateStatus()).isEqualTo(io.rxiothub.watson.Firmware.UPDATE_SUCCESS);
      assertThat(calls.poll(1, TimeUnit.SECONDS)).isEqualTo("update 2.0");
      assertThat(org.deviceManagement().manageRequest("oldgw", "firmware-1").deviceInfoJson())
          .contains("\"fwVersion\":\"2.0\"");
    } finally {
      gateway.disconnect();
    }
  }

  private static <T> T retryOnExpiry(java.util.concurrent.Callable<T> call) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.call();
      } catch (RuntimeException e) {
        if (!(e.getCause() instanceof java.util.concurrent.TimeoutException) || attempt == 4) {
          throw e;
        }
      }
    }
  }

  private static void disconnect(GatewayClient gw) throws MqttException {
    gw.disconnect();
    gw.close();
  }

  /**
   * IBM's GatewayClient, read below its command callback: 0.2.3's {@code messageArrived} takes the type and device
   * id of a command topic as its command and format and then fails (protocol.md §14.2), so this subclass records
   * what Paho delivered and can subscribe to the notification topic, which the SDK never does.
   */
  @Test
  void anIbmApplicationReceivesTheConnectAndDisconnectStatusOfAGateway() throws Exception {
    ApplicationClient app = application("status-app");
    BlockingQueue<com.ibm.wiotp.sdk.app.messages.DeviceStatus> statuses = new LinkedBlockingQueue<>();
    app.setStatusCallback(new com.ibm.wiotp.sdk.app.callbacks.StatusCallback() {
      @Override
      public void processApplicationStatus(com.ibm.wiotp.sdk.app.messages.ApplicationStatus status) {
        // not asked for
      }

      @Override
      public void processDeviceStatus(com.ibm.wiotp.sdk.app.messages.DeviceStatus status) {
        statuses.add(status);
      }
    });
    TappedGateway gw = gateway("sdkgw", "gw-status");
    try {
      app.connect();
      app.subscribeToDeviceStatus("sdkgw", "gw-status");
      gw.connect();
      var up = statuses.poll(20, TimeUnit.SECONDS);
      assertThat(up).isNotNull();
      assertThat(up.getAction()).isEqualTo("Connect");
      assertThat(up.getDeviceType() + "/" + up.getDeviceId()).isEqualTo("sdkgw/gw-status");
      assertThat(up.getClientId()).isEqualTo("g:abc123:sdkgw:gw-status");
      disconnect(gw);
      var down = statuses.poll(20, TimeUnit.SECONDS);
      assertThat(down).isNotNull();
      assertThat(down.getAction()).isEqualTo("Disconnect");
      assertThat(down.getReason()).isEqualTo("The connection was closed by the client");
    } finally {
      app.disconnect();
      app.close();
    }
  }

  @Test
  void anIbmDeviceConnectsOverSecureWebSocketAndItsEventsArrive() throws Exception {
    String token = org.registerDevice("wsdev", "ws-1");
    SecretScanner.register(token);
    // IBM-J builds wss://{org}.messaging.{domain}:{port} for transport "websockets"; Paho adds the path /mqtt
    DeviceClient device = new DeviceClient(new DeviceConfig(new DeviceConfigIdentity("abc123", "wsdev", "ws-1"),
        new DeviceConfigAuth(token), new DeviceConfigOptions(DOMAIN, "INFO",
            new DeviceConfigOptionsMqtt(org.webSocketPort(), "websockets", null, true, 60, 60))));
    device.registerCodec(new JsonCodec());
    try {
      device.connect();
      assertThat(device.publishEvent("reading", json("t", 19), 1)).isTrue();
      await().atMost(Duration.ofSeconds(20)).until(() -> org.events().stream()
          .anyMatch(e -> e.deviceId().equals("ws-1")));
      assertThat(org.events()).filteredOn(e -> e.deviceId().equals("ws-1")).singleElement()
          .satisfies(e -> assertThat(e.payloadAsString()).isEqualTo("{\"t\":19}"));
    } finally {
      device.disconnect();
      device.close();
    }
  }

  static final class TappedGateway extends GatewayClient {
    final BlockingQueue<String[]> messages = new LinkedBlockingQueue<>();

    TappedGateway(GatewayConfig config) throws Exception {
      super(config);
    }

    @Override
    public void messageArrived(String topic, MqttMessage msg) {
      messages.add(new String[] {topic, new String(msg.getPayload(), UTF_8)});
    }

    void subscribeRaw(String filter) throws MqttException {
      mqttAsyncClient.subscribe(filter, 1).waitForCompletion(10_000);
    }
  }
}
