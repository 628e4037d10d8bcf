// The official Azure IoT device SDK for Java 2.5.0 as an IoT Edge module (ModuleClient.createFromEnvironment in a
// child JVM with the emulator's IOTEDGE_* variables) and our ModuleClient, routed both ways by the emulator's edgeHub.
package io.rxiothub.device.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.subscribers.TestSubscriber;
import io.rxiothub.device.InputMessage;
import io.rxiothub.device.Message;
import io.rxiothub.device.ModuleClient;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
    Path lockFile = Paths.get(System.getProperty("java.io.tmpdir"), "rxiothub-fixed-ports.lock");
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock();
        HubEmulator hub = HubEmulator.builder().hostName("hub.localhost").mqttPort(8883).webSocketPort(-1).build()
            .start()) {
      hub.registry().createDevice("edge-sdk");
      DeviceIdentity ours = hub.registry().createModule("edge-sdk", "ours");
      hub.registry().createModule("edge-sdk", "sdk");
      hub.edge().setRoute("edge-sdk", "toSdk",
          "FROM /messages/modules/ours/outputs/toSdk INTO BrokeredEndpoint(\"/modules/sdk/inputs/in\")");
      hub.edge().setRoute("edge-sdk", "back",
          "FROM /messages/modules/sdk/outputs/out INTO BrokeredEndpoint(\"/modules/ours/inputs/back\")");

      List<String> lines = new CopyOnWriteArrayList<>();
      List<String> command = new ArrayList<>(List.of(
          Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
          "-cp", System.getProperty("java.class.path")));
      String hosts = System.getProperty("jdk.net.hosts.file");
      if (hosts != null) {
        command.add("-Djdk.net.hosts.file=" + hosts);
      }
      command.add(SdkEdgeModule.class.getName());
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(hub.edge().environment("edge-sdk", "sdk"));
      Process child = builder.start();
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            lines.add(line);
          }
        } catch (java.io.IOException ignored) {
          // the child ended
        }
      }, "sdk-module-output");
      reader.setDaemon(true);
      reader.start();
      ModuleClient client = ModuleClient.builder().connectionString(ours.connectionString()).port(hub.mqttPort())
          .trustStore(hub.trustStore()).build();
      try {
        await().atMost(Duration.ofSeconds(90)).until(() -> lines.contains("OPEN") || !child.isAlive());
        assertThat(child.isAlive()).as("the SDK module runs: %s", lines).isTrue();
        TestSubscriber<InputMessage> back = client.inputs("back").test();
        client.connect().blockingAwait(30, TimeUnit.SECONDS);
        client.sendToOutput("toSdk", Message.builder().payload("ping".getBytes(StandardCharsets.UTF_8))
            .property("k", "v").build()).blockingAwait(30, TimeUnit.SECONDS);

        try {
          await().atMost(Duration.ofSeconds(60)).until(() -> lines.contains("IN ping k=v on=in"));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError("the SDK module did not receive the message; its output: " + lines, e);
        }
        back.awaitCount(1);
        InputMessage echo = back.values().get(0);
        assertThat(new String(echo.payload(), StandardCharsets.UTF_8)).isEqualTo("echo:ping");
        assertThat(echo.applicationProperties()).containsEntry("k", "v");
        assertThat(echo.connectionModuleId()).isEqualTo("sdk");
        assertThat(lines).as("the SDK's output was acknowledged").contains("SENT ok");
      } finally {
        client.close();
        child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
