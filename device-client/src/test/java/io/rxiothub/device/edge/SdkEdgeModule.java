// A module program on the official Azure IoT device SDK for Java, started by AzureSdkEdgeModuleIT in a child JVM with
// the IOTEDGE_* variables set: echoes what arrives on input "in" to output "out", printing one line per event.
package io.rxiothub.device.edge;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import java.nio.charset.StandardCharsets;

final class SdkEdgeModule {

  private SdkEdgeModule() {}

  public static void main(String[] args) throws Exception {
    // No Unix domain socket channel: the emulator's workload URI is http://.
    ModuleClient client = ModuleClient.createFromEnvironment(null, IotHubClientProtocol.MQTT);
    client.setMessageCallback("in", (message, context) -> {
      String payload = new String(message.getBytes(), StandardCharsets.UTF_8);
      System.out.println("IN " + payload + " k=" + message.getProperty("k") + " on=" + message.getInputName());
      Message echo = new Message(("echo:" + payload).getBytes(StandardCharsets.UTF_8));
      echo.setProperty("k", message.getProperty("k"));
      client.sendEventAsync(echo, (sent, error, ctx) -> System.out.println("SENT " + (error == null ? "ok" : error)),
          null, "out");
      return IotHubMessageResult.COMPLETE;
    }, null);
    client.open(true);
    System.out.println("OPEN");
    Thread.sleep(Long.MAX_VALUE); // the test destroys this process
  }
}
