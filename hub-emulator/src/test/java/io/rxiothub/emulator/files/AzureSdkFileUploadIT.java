// The official Azure IoT device SDK for Java 2.5.0 uploads a file through the emulator unchanged: getFileUploadSasUri
// over HTTPS, its blob URI to the built-in storage face (a plain HTTP client playing the user's storage client), and
// completeFileUpload; a failure notification too.
package io.rxiothub.emulator.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.FileUploadCompletionNotification;
import com.microsoft.azure.sdk.iot.device.FileUploadSasUriRequest;
import com.microsoft.azure.sdk.iot.device.FileUploadSasUriResponse;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.testing.FixedPortsLock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official SDK sends its file upload requests to {@code https://{HostName}} on port 443 whatever is configured and
 * wants a dotted host name, so this class runs in the module's azure-sdk-conformance execution (one class at a time,
 * {@code hub.localhost} from its hosts file) with the emulator's WebSocket/HTTPS port fixed at 443 (MQTT at 8883),
 * holding the machine's fixed-port lock while it runs.
 */
@Timeout(120)
class AzureSdkFileUploadIT {

  private static HubEmulator hub;
  private static HttpClient http;
  private static FixedPortsLock ports;

  @BeforeAll
  static void start() throws IOException {
    ports = FixedPortsLock.acquire();
    hub = HubEmulator.builder().hostName("hub.localhost").mqttPort(8883).webSocketPort(443).build().start();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(hub.sslContext())
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    FixedPortsLock.closeThenRelease(ports, hub);
  }

  private static DeviceClient sdkClient(DeviceIdentity id) {
    return new DeviceClient(id.connectionString(), IotHubClientProtocol.MQTT,
        ClientOptions.builder().sslContext(hub.sslContext()).build());
  }

  @Test
  void theOfficialSdkGetsASasUriUploadsAndCompletes() throws Exception {
    DeviceIdentity id = hub.registry().createDevice("sdk-upload");
    DeviceClient sdk = sdkClient(id);
    byte[] content = "uploaded by the official SDK".getBytes(StandardCharsets.UTF_8);
    try {
      FileUploadSasUriResponse sas = sdk.getFileUploadSasUri(new FileUploadSasUriRequest("photos/cat-1.jpg"));
      URI blobUri = sas.getBlobUri();
      HttpResponse<String> put = http.send(HttpRequest.newBuilder(blobUri)
          .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).header("x-ms-blob-type", "BlockBlob")
          .header("x-ms-version", "2020-10-02").build(), HttpResponse.BodyHandlers.ofString());
      sdk.completeFileUpload(new FileUploadCompletionNotification(sas.getCorrelationId(), put.statusCode() == 201,
          put.statusCode(), "stored"));

      assertThat(sas.getBlobName()).isEqualTo("sdk-upload/photos/cat-1.jpg");
      assertThat(blobUri.getHost()).isEqualTo("hub.localhost");
      assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    } finally {
      sdk.close();
    }
    assertThat(hub.files().blob("sdk-upload/photos/cat-1.jpg")).hasValueSatisfying(
        b -> assertThat(b).isEqualTo(content));
    await().atMost(Duration.ofSeconds(10)).until(() -> !hub.files().notifications("sdk-upload").isEmpty());
    FileUploadNotification n = hub.files().notifications("sdk-upload").get(0);
    assertThat(n.success()).isTrue();
    assertThat(n.statusCode()).isEqualTo(201);
    assertThat(n.statusDescription()).isEqualTo("stored");
    assertThat(hub.files().activeUploads("sdk-upload")).isZero();
  }

  @Test
  void theOfficialSdksFailureNotificationReleasesTheSlot() throws Exception {
    DeviceIdentity id = hub.registry().createDevice("sdk-failed");
    DeviceClient sdk = sdkClient(id);
    try {
      FileUploadSasUriResponse sas = sdk.getFileUploadSasUri(new FileUploadSasUriRequest("never.bin"));
      assertThat(hub.files().activeUploads("sdk-failed")).isEqualTo(1);
      sdk.completeFileUpload(new FileUploadCompletionNotification(sas.getCorrelationId(), false, 500, "gave up"));
    } finally {
      sdk.close();
    }

    List<FileUploadNotification> all = hub.files().notifications("sdk-failed");
    assertThat(all).hasSize(1);
    assertThat(all.get(0).success()).isFalse();
    assertThat(all.get(0).statusDescription()).isEqualTo("gave up");
    assertThat(hub.files().activeUploads("sdk-failed")).isZero();
  }
}
