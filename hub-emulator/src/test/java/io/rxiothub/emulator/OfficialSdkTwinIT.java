// OfficialSdkTwin against the official Java device SDK 2.5.0 with its response race forced: the SDK's own twin call
// is lost, ours gets the hub's answer.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import io.rxiothub.testing.FixedPortsLock;
import io.rxiothub.testing.OfficialSdkTwin;
import java.io.IOException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SDK dials 8883 whatever is configured, so this class runs one emulator as {@code hub.localhost} on the fixed
 * port (the module's azure-sdk-conformance execution resolves the name), holding the machine's fixed-port lock.
 */
@Timeout(120)
class OfficialSdkTwinIT {

  private static HubEmulator hub;
  private static FixedPortsLock ports;

  @BeforeAll
  static void startHub() throws IOException {
    ports = FixedPortsLock.acquire();
    hub = HubEmulator.builder().hostName("hub.localhost").mqttPort(8883).webSocketPort(-1).build().start();
  }

  @AfterAll
  static void stopHub() throws Exception {
    FixedPortsLock.closeThenRelease(ports, hub);
  }

  /**
   * The race made certain (Azure/azure-iot-sdk-java#1803): each response's callback lookup on the SDK's receiving
   * thread is held until the acknowledging thread has forgotten the callback, the order a loaded machine gives now and
   * then. If an SDK upgrade makes its own call survive this, the race is fixed and OfficialSdkTwin can go.
   */
  @Test
  void twinCallsGetTheHubsAnswerWhereTheSdksOwnCallLosesIt() throws Exception {
    DeviceIdentity identity = hub.registry().createDevice("sdk-race");
    DeviceClient client = new DeviceClient(identity.connectionString(), IotHubClientProtocol.MQTT,
        ClientOptions.builder().sslContext(hub.sslContext()).build());
    client.open(false);
    try {
      client.subscribeToDesiredProperties((update, context) -> { }, null, 10_000);
      LookupAfterRemoval.install(client);
      TwinCollection first = new TwinCollection();
      first.put("firmware", "1.0.0");
      assertThatThrownBy(() -> client.updateReportedProperties(first, 3_000))
          .isInstanceOf(IotHubClientException.class)
          .hasMessageContaining("Timed out waiting for service to acknowledge reported properties update");

      // The lost call's patch was applied all the same (reported $version 2).
      TwinCollection second = new TwinCollection();
      second.put("firmware", "2.0.0");
      assertThat(OfficialSdkTwin.updateReported(client, second, Duration.ofSeconds(10))).isEqualTo(3);
      TwinCollection reported = OfficialSdkTwin.get(client, Duration.ofSeconds(10)).getReportedProperties();
      assertThat(reported.get("firmware")).isEqualTo("2.0.0");
      assertThat(reported.getVersion()).isEqualTo(3);
    } finally {
      client.close();
    }
  }

  /**
   * Replaces the SDK transport's map of request callbacks (a private field of 2.5.0's IotHubTransport): a lookup made
   * from its onMessageReceived waits (at most 10 s) until the acknowledging thread has removed that request's entry.
   */
  private static final class LookupAfterRemoval extends ConcurrentHashMap<Object, Object> {
    private final Set<Object> removed = ConcurrentHashMap.newKeySet();

    @SuppressWarnings("unchecked")
    static void install(InternalClient client) throws ReflectiveOperationException {
      Object deviceIo = field(InternalClient.class, "deviceIO").get(client);
      Object transport = field(deviceIo.getClass(), "transport").get(deviceIo);
      Field callbacks = field(transport.getClass(), "correlationCallbacks");
      LookupAfterRemoval replacement = new LookupAfterRemoval();
      replacement.putAll((Map<Object, Object>) callbacks.get(transport));
      callbacks.set(transport, replacement);
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
      Field field = type.getDeclaredField(name);
      field.setAccessible(true);
      return field;
    }

    @Override
    public Object get(Object key) {
      if (StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> f.getMethodName().equals("onMessageReceived")
          && f.getClassName().endsWith(".IotHubTransport")))) {
        await().atMost(Duration.ofSeconds(10)).until(() -> removed.contains(key));
      }
      return super.get(key);
    }

    @Override
    public Object remove(Object key) {
      Object previous = super.remove(key);
      removed.add(key);
      return previous;
    }
  }
}
