// The service REST API's registry routes against a running emulator over HTTPS: devices and modules, etags,
// statistics, and a device created through REST connecting over MQTT.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ServiceRegistryIT {

  private static HubEmulator hub;
  private static ServiceRest rest;

  @BeforeAll
  static void start() {
    hub = HubEmulator.builder().mqttPort(0).webSocketPort(0).build().start();
    rest = new ServiceRest(hub);
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  @Test
  void createdDeviceHasKeysAndEtagAndConnectsOverMqtt() {
    ServiceRest.Response created = rest.put("/devices/rest-dev1", "{\"deviceId\":\"rest-dev1\"}");

    assertThat(created.status()).isEqualTo(200);
    JsonNode device = created.json();
    assertThat(device.path("deviceId").asText()).isEqualTo("rest-dev1");
    assertThat(device.path("status").asText()).isEqualTo("enabled");
    assertThat(device.path("etag").asText()).startsWith("\"").endsWith("\"");
    assertThat(device.path("authentication").path("type").asText()).isEqualTo("sas");
    String primary = device.path("authentication").path("symmetricKey").path("primaryKey").asText();
    assertThat(primary).isEqualTo(hub.registry().get("rest-dev1").orElseThrow().primaryKey());

    DeviceIdentity identity = hub.registry().get("rest-dev1").orElseThrow();
    Mqtt3BlockingClient client = RawDevice.client(hub, identity);
    try {
      assertThat(RawDevice.connect(client, hub, identity).getReturnCode())
          .isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
      assertThat(rest.get("/devices/rest-dev1").json().path("connectionState").asText()).isEqualTo("Connected");
    } finally {
      client.disconnect();
    }
  }

  @Test
  void givenKeysAreKeptAndGetAnswersThem() {
    String key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    rest.put("/devices/rest-keys", "{\"authentication\":{\"symmetricKey\":{\"primaryKey\":\"" + key
        + "\",\"secondaryKey\":null},\"type\":\"sas\"}}");

    JsonNode got = rest.get("/devices/rest-keys").json();
    assertThat(got.path("authentication").path("symmetricKey").path("primaryKey").asText()).isEqualTo(key);
    assertThat(got.path("authentication").path("symmetricKey").path("secondaryKey").asText()).isNotEmpty();
  }

  @Test
  void createTwiceIsConflictAndUpdateFollowsEtags() {
    String etag = rest.put("/devices/rest-etag", "{}").json().path("etag").asText();

    ServiceRest.Response again = rest.put("/devices/rest-etag", "{}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("DeviceAlreadyExists");
    assertThat(again.errorNumber()).isEqualTo(409001);

    ServiceRest.Response stale = rest.header("If-Match", "\"not-the-etag\"").put("/devices/rest-etag",
        "{\"status\":\"disabled\"}");
    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.errorCode()).isEqualTo("PreconditionFailed");
    assertThat(hub.registry().get("rest-etag").orElseThrow().enabled()).isTrue();

    ServiceRest.Response disabled = rest.header("If-Match", etag).put("/devices/rest-etag",
        "{\"status\":\"disabled\",\"statusReason\":\"maintenance\"}");
    assertThat(disabled.status()).isEqualTo(200);
    assertThat(disabled.json().path("status").asText()).isEqualTo("disabled");
    assertThat(disabled.json().path("statusReason").asText()).isEqualTo("maintenance");
    assertThat(disabled.json().path("etag").asText()).isNotEqualTo(etag);
    assertThat(hub.registry().get("rest-etag").orElseThrow().enabled()).isFalse();
  }

  @Test
  void updateOfAnAbsentDeviceIsNotFound() {
    ServiceRest.Response absent = rest.header("If-Match", "*").put("/devices/rest-absent", "{}");
    assertThat(absent.status()).isEqualTo(404);
    assertThat(absent.errorCode()).isEqualTo("DeviceNotFound");
  }

  @Test
  void deleteHonoursIfMatchAndTakesModulesAlong() {
    rest.put("/devices/rest-del", "{}");
    rest.put("/devices/rest-del/modules/m1", "{}");

    assertThat(rest.header("If-Match", "\"other\"").delete("/devices/rest-del").status()).isEqualTo(412);
    assertThat(rest.header("If-Match", "*").delete("/devices/rest-del").status()).isEqualTo(204);

    ServiceRest.Response gone = rest.get("/devices/rest-del");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.errorNumber()).isEqualTo(404001);
    assertThat(hub.registry().get("rest-del", "m1")).isEmpty();
  }

  @Test
  void modulesAreFirstClass() {
    assertThat(rest.put("/devices/rest-nodev/modules/m1", "{}").status()).isEqualTo(404);

    rest.put("/devices/rest-mod", "{}");
    ServiceRest.Response module = rest.put("/devices/rest-mod/modules/m1", "{\"moduleId\":\"m1\"}");
    assertThat(module.status()).isEqualTo(200);
    assertThat(module.json().path("moduleId").asText()).isEqualTo("m1");
    assertThat(rest.put("/devices/rest-mod/modules/m1", "{}").errorCode()).isEqualTo("ModuleAlreadyExistsOnDevice");
    rest.put("/devices/rest-mod/modules/m2", "{}");

    JsonNode modules = rest.get("/devices/rest-mod/modules").json();
    assertThat(modules).extracting(m -> m.path("moduleId").asText()).containsExactly("m1", "m2");
    ServiceRest.Response missing = rest.get("/devices/rest-mod/modules/m3");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.errorCode()).isEqualTo("ModuleNotFound");

    assertThat(rest.header("If-Match", "*").delete("/devices/rest-mod/modules/m2").status()).isEqualTo(204);
    assertThat(hub.registry().get("rest-mod", "m2")).isEmpty();
    assertThat(hub.registry().get("rest-mod", "m1")).isPresent();
  }

  @Test
  void statisticsAndListCountDevicesNotModules() {
    HubEmulator own = HubEmulator.builder().mqttPort(0).webSocketPort(0).build().start();
    try {
      ServiceRest client = new ServiceRest(own);
      client.put("/devices/a", "{}");
      client.put("/devices/b", "{\"status\":\"disabled\"}");
      client.put("/devices/a/modules/m", "{}");

      JsonNode stats = client.get("/statistics/devices").json();
      assertThat(stats.path("totalDeviceCount").asLong()).isEqualTo(2);
      assertThat(stats.path("enabledDeviceCount").asLong()).isEqualTo(1);
      assertThat(stats.path("disabledDeviceCount").asLong()).isEqualTo(1);
      assertThat(client.get("/devices").json()).extracting(d -> d.path("deviceId").asText())
          .containsExactly("a", "b");
      assertThat(client.get("/devices?top=1&api-version=2021-04-12").json()).hasSize(1);
    } finally {
      own.close();
    }
  }

  @Test
  void badIdsAndFieldsAreBadRequestsNamingTheRule() {
    ServiceRest.Response badStatus = rest.put("/devices/rest-bad", "{\"status\":\"paused\"}");
    assertThat(badStatus.status()).isEqualTo(400);
    assertThat(badStatus.json().path("Message").asText()).contains("status must be 'enabled' or 'disabled'");

    ServiceRest.Response x509 = rest.put("/devices/rest-bad", "{\"authentication\":{\"type\":\"selfSigned\"}}");
    assertThat(x509.status()).isEqualTo(400);
    assertThat(x509.json().path("Message").asText()).contains("selfSigned");

    ServiceRest.Response mismatch = rest.put("/devices/rest-bad", "{\"deviceId\":\"other\"}");
    assertThat(mismatch.status()).isEqualTo(400);

    ServiceRest.Response badId = rest.put("/devices/bad%20id%3F", "{}");
    assertThat(badId.status()).isEqualTo(400);
    assertThat(badId.errorNumber()).isEqualTo(400004);
    assertThat(hub.registry().get("rest-bad")).isEmpty();
  }
}
