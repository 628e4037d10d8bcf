// Who may call what on the service REST API: each default policy against a route of each permission, and every way
// a token can be wrong; plus the answers to bad requests (JSON, size, api-version, routes).
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.sas.SasToken;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class ServiceAuthIT {

  private static HubEmulator hub;

  @BeforeAll
  static void start() {
    hub = HubEmulator.builder().mqttPort(0).webSocketPort(0).build().start();
    hub.registry().createDevice("auth-dev");
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  /** policy, operation, whether the hub lets it through. */
  static Stream<Arguments> policyMatrix() {
    return Stream.of(
        Arguments.of("iothubowner", "read", true), Arguments.of("iothubowner", "write", true),
        Arguments.of("iothubowner", "twin", true),
        Arguments.of("registryRead", "read", true), Arguments.of("registryRead", "write", false),
        Arguments.of("registryRead", "twin", false),
        Arguments.of("registryReadWrite", "read", true), Arguments.of("registryReadWrite", "write", true),
        Arguments.of("registryReadWrite", "twin", false),
        Arguments.of("service", "read", false), Arguments.of("service", "write", false),
        Arguments.of("service", "twin", true),
        Arguments.of("device", "read", false), Arguments.of("device", "write", false),
        Arguments.of("device", "twin", false));
  }

  @ParameterizedTest(name = "{0} may {1}: {2}")
  @MethodSource("policyMatrix")
  void policiesGrantTheirPermissionsOnly(String policy, String operation, boolean allowed) {
    ServiceRest rest = new ServiceRest(hub).as(policy);
    String id = "auth-" + policy.toLowerCase() + "-" + operation;
    ServiceRest.Response response = switch (operation) {
      case "read" -> rest.get("/devices/auth-dev");
      case "write" -> rest.put("/devices/" + id, "{}");
      default -> rest.patch("/twins/auth-dev", "{\"tags\":{\"by\":\"" + policy + "\"}}");
    };

    if (allowed) {
      assertThat(response.status()).isEqualTo(200);
    } else {
      assertThat(response.status()).isEqualTo(401);
      assertThat(response.errorCode()).isEqualTo("IotHubUnauthorizedAccess");
      assertThat(response.errorNumber()).isEqualTo(401002);
      assertThat(response.json().path("Message").asText()).contains("policy '" + policy + "' lacks the");
      assertThat(hub.registry().get(id)).isEmpty();
    }
  }

  @Test
  void everyBrokenTokenIsUnauthorizedAndNoSecretIsEchoed() {
    String key = hub.registry().policyKey("iothubowner").orElseThrow();
    long later = Instant.now().getEpochSecond() + 600;
    String wrongKey = SasToken.generate(hub.hostName(), hub.registry().policyKey("service").orElseThrow(), later,
        "iothubowner").format();
    String expired = SasToken.generate(hub.hostName(), key, Instant.now().getEpochSecond() - 10, "iothubowner")
        .format();
    String otherHub = SasToken.generate("other.azure-devices.net", key, later, "iothubowner").format();
    String unknownPolicy = SasToken.generate(hub.hostName(), key, later, "nobody").format();
    String deviceKey = SasToken.generate(hub.hostName() + "/devices/auth-dev",
        hub.registry().get("auth-dev").orElseThrow().primaryKey(), later, null).format();

    for (String[] bad : new String[][] {{null, "missing"}, {"Bearer abc", "not a SAS token"},
        {wrongKey, "signature does not match"}, {expired, "expired"}, {otherHub, "does not cover"},
        {unknownPolicy, "no such policy"}, {deviceKey, "no skn"}}) {
      ServiceRest.Response response = new ServiceRest(hub).authorization(bad[0]).get("/devices/auth-dev");
      assertThat(response.status()).as(bad[1]).isEqualTo(401);
      assertThat(response.json().path("Message").asText()).as(bad[1]).contains(bad[1]);
      if (bad[0] != null && bad[0].contains("sig=")) {
        String sig = bad[0].replaceAll(".*sig=([^&]*).*", "$1");
        assertThat(response.body()).doesNotContain(sig);
      }
    }
  }

  @Test
  void policyTokensWithoutDeviceConnectCannotConnectDevices() {
    DeviceIdentity identity = hub.registry().get("auth-dev").orElseThrow();
    long later = Instant.now().getEpochSecond() + 600;
    String resource = hub.hostName() + "/devices/auth-dev";
    for (String policy : new String[] {"service", "registryReadWrite", "device"}) {
      String token = SasToken.generate(resource, hub.registry().policyKey(policy).orElseThrow(), later, policy)
          .format();
      var client = RawDevice.client(hub, identity);
      boolean accepted;
      try {
        client.connectWith().cleanSession(true).simpleAuth().username(RawDevice.userName(hub, identity))
            .password(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)).applySimpleAuth().send();
        accepted = true;
        client.disconnect();
      } catch (RuntimeException e) {
        accepted = false;
      }
      assertThat(accepted).as(policy).isEqualTo(policy.equals("device"));
    }
  }

  @Test
  void badJsonIsABadRequestWithTheParsersReason() {
    ServiceRest.Response response = new ServiceRest(hub).put("/devices/json-dev", "{\"status\":");
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.errorNumber()).isEqualTo(400004);
    assertThat(response.json().path("Message").asText()).contains("is not valid JSON");
    assertThat(new ServiceRest(hub).put("/devices/json-dev", "[1]").json().path("Message").asText())
        .contains("must be a JSON object");
    assertThat(hub.registry().get("json-dev")).isEmpty();
  }

  @Test
  void oversizedBodyIs413WithAJsonBody() {
    String big = "{\"tags\":{\"x\":\"" + "a".repeat(300 * 1024) + "\"}}";
    ServiceRest.Response response = new ServiceRest(hub).patch("/twins/auth-dev", big);
    assertThat(response.status()).isEqualTo(413);
    assertThat(response.errorCode()).isEqualTo("RequestEntityTooLarge");
  }

  @Test
  void apiVersionIsCheckedForFormOnly() {
    ServiceRest rest = new ServiceRest(hub);
    ServiceRest.Response banana = rest.get("/devices/auth-dev?api-version=banana");
    assertThat(banana.status()).isEqualTo(400);
    assertThat(banana.errorCode()).isEqualTo("InvalidProtocolVersion");
    assertThat(rest.get("/devices/auth-dev?api-version=2030-01-01-preview").status()).isEqualTo(200);
    assertThat(rest.get("/devices/auth-dev?top=1").status()).isEqualTo(200);
  }

  @Test
  void unknownRoutesAre404AndWrongMethods405() {
    ServiceRest rest = new ServiceRest(hub);
    ServiceRest.Response missing = rest.get("/nothing/here");
    assertThat(missing.status()).isEqualTo(404);
    ServiceRest.Response wrong = rest.call("POST", "/devices/auth-dev", "{}");
    assertThat(wrong.status()).isEqualTo(405);
    assertThat(wrong.header("Allow")).contains("GET", "PUT", "DELETE");
  }
}
