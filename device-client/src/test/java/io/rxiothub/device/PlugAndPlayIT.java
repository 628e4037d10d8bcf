// IoT Plug and Play conventions end to end against the hub emulator (protocol.md §17.3): component telemetry,
// writable property updates per component and their acks, per-component commands, and the emulator's shape checks.
package io.rxiothub.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulatorExtension;
import io.rxiothub.emulator.MethodResult;
import io.rxiothub.methods.MethodResponse;
import io.rxiothub.testing.NoLeaksExtension;
import io.rxiothub.twin.PnpPatch;
import io.rxiothub.twin.TwinCollection;
import io.rxiothub.twin.TwinPatch;
import io.rxiothub.twin.WritablePropertyAck;
import io.rxiothub.twin.WritablePropertyUpdate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(NoLeaksExtension.class)
@Timeout(60)
class PlugAndPlayIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private static final String MODEL = "dtmi:com:example:TemperatureController;2";

  private static DeviceClient client(String deviceId, boolean withModel) {
    DeviceIdentity id = HUB.createDevice(deviceId);
    return DeviceClient.builder().connectionString(id.connectionString()).port(HUB.hub().mqttPort())
        .trustStore(HUB.hub().trustStore()).modelId(withModel ? MODEL : null).build();
  }

  @Test
  void aWritablePropertyOfAComponentIsUpdatedAndAcknowledgedInOneCall() {
    DeviceClient client = client("pnp-1", true);
    try {
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      TestSubscriber<WritablePropertyUpdate> updates = client.twin().writablePropertyUpdates().test();
      client.twin().get().blockingGet(); // subscribe, then GET: every later change is emitted (TwinOperations)
      long version = HUB.hub().updateDesired("pnp-1",
          "{\"thermostat1\":{\"__t\":\"c\",\"targetTemperature\":22.5}}").blockingGet();
      WritablePropertyUpdate update = updates.awaitCount(1).values().get(0);
      assertThat(update.component()).isEqualTo("thermostat1");
      assertThat(update.name()).isEqualTo("targetTemperature");
      assertThat(update.doubleValue()).isEqualTo(22.5);
      assertThat(update.version()).isEqualTo(version);

      client.twin().acknowledge(update.ack(WritablePropertyAck.COMPLETED, "applied")).blockingGet();
      TwinCollection reported = TwinCollection.parse(HUB.hub().twin("pnp-1").blockingGet())
          .getCollection("properties").getCollection("reported");
      TwinCollection section = reported.getCollection("thermostat1");
      assertThat(section.getString("__t")).isEqualTo("c");
      assertThat(section.getCollection("targetTemperature").asMap()).containsEntry("value", 22.5)
          .containsEntry("ac", 200L).containsEntry("av", version).containsEntry("ad", "applied");
      updates.cancel();
    } finally {
      client.close();
    }
  }

  @Test
  void commandsReachTheirComponentsHandlerAndTelemetryCarriesItsComponent() {
    DeviceClient client = client("pnp-2", true);
    try {
      client.connect().blockingAwait(20, TimeUnit.SECONDS);
      client.methods().handleCommand("thermostat1", "getMaxMinReport",
          request -> Single.just(MethodResponse.ofJson(200, "{\"maxTemp\":30}")));
      client.methods().handleCommand(null, "reboot", request -> Single.just(MethodResponse.of(204)));
      MethodResult[] first = new MethodResult[1];
      // The hub answers 404 until the device's method subscription is active.
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
        first[0] = HUB.hub().invokeMethod("pnp-2", "thermostat1*getMaxMinReport", "{}", Duration.ofSeconds(10))
            .blockingGet();
        return first[0].status() != 404;
      });
      MethodResult component = first[0];
      assertThat(component.status()).isEqualTo(200);
      assertThat(component.payload()).isEqualTo("{\"maxTemp\":30}");
      assertThat(HUB.hub().invokeMethod("pnp-2", "reboot", null, Duration.ofSeconds(10)).blockingGet().status())
          .isEqualTo(204);
      assertThat(HUB.hub().invokeMethod("pnp-2", "thermostat2*getMaxMinReport", null, Duration.ofSeconds(10))
          .blockingGet().status()).isEqualTo(501);

      client.send(Message.builder().payload("{\"temperature\":21}".getBytes(StandardCharsets.UTF_8))
          .componentName("thermostat1").build()).blockingAwait(20, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> HUB.hub().telemetry("pnp-2").size() == 1);
      assertThat(HUB.hub().telemetry("pnp-2").get(0).systemProperties()).containsEntry("$.sub", "thermostat1");
    } finally {
      client.close();
    }
  }

  @Test
  void theEmulatorRefusesReportedShapesThatBreakTheConventionsOfAModelsIdentityOnly() {
    TwinPatch badMarker = TwinPatch.parse("{\"thermostat1\":{\"__t\":\"x\",\"p\":1}}");
    TwinPatch ackWithoutValue = TwinPatch.parse("{\"targetHumidity\":{\"ac\":200,\"av\":3}}");
    DeviceClient pnp = client("pnp-3", true);
    DeviceClient plain = client("pnp-4", false);
    try {
      pnp.connect().blockingAwait(20, TimeUnit.SECONDS);
      assertThatThrownBy(() -> pnp.twin().updateReported(badMarker).blockingGet())
          .isInstanceOfSatisfying(IotHubRequestException.class, e -> assertThat(e.status()).isEqualTo(400));
      assertThatThrownBy(() -> pnp.twin().updateReported(ackWithoutValue).blockingGet())
          .isInstanceOfSatisfying(IotHubRequestException.class, e -> assertThat(e.status()).isEqualTo(400));
      assertThat(pnp.twin().updateReported(PnpPatch.builder().property("thermostat1", "p", 1).build())
          .blockingGet()).isPositive();

      plain.connect().blockingAwait(20, TimeUnit.SECONDS);
      assertThat(plain.twin().updateReported(badMarker).blockingGet()).isPositive();
    } finally {
      pnp.close();
      plain.close();
    }
  }
}
