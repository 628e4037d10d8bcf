// The official Azure IoT device SDK for Java 2.5.0 as an IoT Edge module (ModuleClient.createFromEnvironment in a
// child JVM with the emulator's IOTEDGE_* variables) and our ModuleClient, routed both ways by the emulator's edgeHub.
package io.rxiothub.device.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.device.InputMessage;
import io.rxiothub.device.Message;
import io.rxiothub.device.ModuleClient;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.testing.ChildJvm;
import io.rxiothub.testing.FixedPortsLock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official SDK dials the edgeHub on port 8883 whatever is configured and wants a dotted host name, so this class
 * runs an emulator as {@code hub.localhost} on the fixed port 8883 (failsafe's hosts file resolves it, in this JVM and
 * the child's) under the machine-wide lock {@code /tmp/rxiothub-fixed-ports.lock}.
 */
@Timeout(180)
class AzureSdkEdgeModuleIT {

  @Test
  void theSdkModuleReceivesOnItsInputWhatOursSentToAnOutputAndOursReceivesItsOutput() throws Exception {
    try (FixedPortsLock lock = FixedPortsLock.acquire();
        HubEmulator hub = HubEmulator.builder().hostName("hub.localhost").mqttPort(8883).webSocketPort(-1).build()
            .start()) {
      hub.registry().createDevice("edge-sdk");
      DeviceIdentity ours = hub.registry().createModule("edge-sdk", "ours");
      hub.registry().createModule("edge-sdk", "sdk");
      hub.edge().setRoute("edge-sdk", "toSdk",
          "FROM /messages/modules/ours/outputs/toSdk INTO BrokeredEndpoint(\"/modules/sdk/inputs/in\")");
      hub.edge().setRoute("edge-sdk", "back",
          "FROM /messages/modules/sdk/outputs/out INTO BrokeredEndpoint(\"/modules/ours/inputs/back\")");

      ChildJvm.Builder sdk = ChildJvm.builder(SdkEdgeModule.class).jvmOptions("-Xmx128m")
          .env(hub.edge().environment("edge-sdk", "sdk"));
      String hosts = System.getProperty("jdk.net.hosts.file");
      if (hosts != null) {
        sdk.jvmOptions("-Djdk.net.hosts.file=" + hosts);
      }
      ModuleClient client = ModuleClient.builder().connectionString(ours.connectionString()).port(hub.mqttPort())
          .trustStore(hub.trustStore()).build();
      try (ChildJvm child = sdk.start()) {
        child.awaitLine("OPEN"::equals, Duration.ofSeconds(90));
        TestSubscriber<InputMessage> back = client.inputs("back").test();
        client.connect().blockingAwait(30, TimeUnit.SECONDS);
        client.sendToOutput("toSdk", Message.builder().payload("ping".getBytes(StandardCharsets.UTF_8))
            .property("k", "v").build()).blockingAwait(30, TimeUnit.SECONDS);

        child.awaitLine("IN ping k=v on=in"::equals, Duration.ofSeconds(60));
        back.awaitCount(1);
        InputMessage echo = back.values().get(0);
        assertThat(new String(echo.payload(), StandardCharsets.UTF_8)).isEqualTo("echo:ping");
        assertThat(echo.applicationProperties()).containsEntry("k", "v");
        assertThat(echo.connectionModuleId()).isEqualTo("sdk");
        // the SDK's output was acknowledged
        child.awaitLine("SENT ok"::equals, Duration.ofSeconds(60));
      } finally {
        client.close();
      }
    }
  }
}
