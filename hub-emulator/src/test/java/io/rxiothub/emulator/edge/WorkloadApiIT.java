// The emulator's IoT Edge workload API (protocol.md §17.5) over loopback HTTP: signatures with the module's key,
// the trust bundle, the IOTEDGE_* environment, and the errors a module may meet.
package io.rxiothub.emulator.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulatorExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class WorkloadApiIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static HttpResponse<String> call(String method, String uri, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(20));
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theEnvironmentNamesTheModuleAndTheWorkloadSignsWithItsPrimaryKey() throws Exception {
    HUB.createDevice("wl-1");
    DeviceIdentity module = HUB.createModule("wl-1", "m");
    Map<String, String> env = HUB.hub().edge().environment("wl-1", "m");
    assertThat(env).containsEntry("IOTEDGE_DEVICEID", "wl-1").containsEntry("IOTEDGE_MODULEID", "m")
        .containsEntry("IOTEDGE_AUTHSCHEME", "sasToken").containsEntry("IOTEDGE_IOTHUBHOSTNAME", HUB.hub().hostName())
        .containsEntry("IOTEDGE_GATEWAYHOSTNAME", HUB.hub().hostName()).containsEntry("IOTEDGE_APIVERSION", "2018-06-28")
        .containsKeys("IOTEDGE_MODULEGENERATIONID", "IOTEDGE_WORKLOADURI");
    String data = Base64.getEncoder().encodeToString("hub/devices/wl-1/modules/m\n12345".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> signed = call("POST", env.get("IOTEDGE_WORKLOADURI") + "modules/m/genid/"
        + env.get("IOTEDGE_MODULEGENERATIONID") + "/sign?api-version=2018-06-28",
        "{\"keyId\":\"primary\",\"algo\":\"HMACSHA256\",\"data\":\"" + data + "\"}");
    assertThat(signed.statusCode()).isEqualTo(200);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(module.primaryKey()), "HmacSHA256"));
    String expected = Base64.getEncoder().encodeToString(mac.doFinal(Base64.getDecoder().decode(data)));
    assertThat(signed.body()).isEqualTo("{\"digest\":\"" + expected + "\"}");
  }

  @Test
  void theTrustBundleIsTheEmulatorsCa() throws Exception {
    HttpResponse<String> bundle = call("GET", HUB.hub().edge().workloadUri("wl-2") + "trust-bundle?api-version=2018-06-28",
        null);
    assertThat(bundle.statusCode()).isEqualTo(200);
    String expected = HUB.hub().caCertificatePem().replace("\n", "\\n").replace("\r", "\\r");
    assertThat(bundle.body()).contains(expected.substring(0, 60)).startsWith("{\"certificate\":\"-----BEGIN CERTIFICATE");
  }

  static Stream<Arguments> refusals() {
    String ok = "{\"keyId\":\"primary\",\"algo\":\"HMACSHA256\",\"data\":\"aGk=\"}";
    return Stream.of(
        Arguments.of("no api-version", "GEN/sign", ok, 400, "api-version"),
        Arguments.of("wrong generation id", "modules/m/genid/0/sign?api-version=1", ok, 404, "generation id 0"),
        Arguments.of("unknown module", "modules/nobody/genid/0/sign?api-version=1", ok, 404, "nobody"),
        Arguments.of("other algorithm", "GEN/sign?api-version=1", ok.replace("HMACSHA256", "SHA1"), 400, "algo"),
        Arguments.of("other key", "GEN/sign?api-version=1", ok.replace("primary", "tertiary"), 400, "keyId"),
        Arguments.of("not base64", "GEN/sign?api-version=1", ok.replace("aGk=", "***"), 400, "base64"),
        Arguments.of("not JSON", "GEN/sign?api-version=1", "{", 400, "not JSON"),
        Arguments.of("unknown operation", "modules/m/certificate?api-version=1", ok, 404, "no such"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void aBadSignRequestGetsItsStatusAndAMessage(String name, String path, String body, int status, String message)
      throws Exception {
    if (HUB.hub().registry().get("wl-3", "m").isEmpty()) {
      HUB.createDevice("wl-3");
      HUB.createModule("wl-3", "m");
    }
    Map<String, String> env = HUB.hub().edge().environment("wl-3", "m");
    String uri = env.get("IOTEDGE_WORKLOADURI") + path.replace("GEN", "modules/m/genid/"
        + env.get("IOTEDGE_MODULEGENERATIONID"));
    HttpResponse<String> answer = call("POST", uri, body);
    assertThat(answer.statusCode()).isEqualTo(status);
    assertThat(answer.body()).startsWith("{\"message\":").contains(message);
  }

  @Test
  void theEnvironmentOfAnUnknownModuleIsRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> HUB.hub().edge().environment("wl-4", "none"))
        .withMessageContaining("does not exist");
  }
}
