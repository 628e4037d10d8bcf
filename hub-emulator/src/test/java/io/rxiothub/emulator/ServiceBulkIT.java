// The registry's bulk route (POST /devices, docs/service-api.md §5.1) against a running emulator over HTTPS: import
// modes, per-identity errors in the hub's BulkRegistryOperationResult, whole-request refusals, permissions.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ServiceBulkIT {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
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
  void createsAHundredDevicesWithKeysTagsAndDesiredAndOneConnects() throws Exception {
    List<String> devices = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      devices.add("{\"id\":\"bulk-" + i + "\",\"importMode\":\"create\",\"status\":\"enabled\","
          + "\"authentication\":{\"type\":\"sas\",\"symmetricKey\":{\"primaryKey\":\"" + KEY
          + "\",\"secondaryKey\":\"\"}},\"tags\":{\"batch\":\"b1\"},\"properties\":{\"desired\":{\"rate\":" + i
          + "}}}");
    }
    ServiceRest.Response answer = rest.post("/devices", "[" + String.join(",", devices) + "]");

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.json().path("isSuccessful").asBoolean()).isTrue();
    assertThat(answer.json().path("errors")).isEmpty();
    assertThat(hub.registry().list()).filteredOn(d -> d.deviceId().startsWith("bulk-")).hasSize(100);
    DeviceIdentity seven = hub.registry().get("bulk-7").orElseThrow();
    assertThat(seven.primaryKey()).isEqualTo(KEY);
    assertThat(seven.secondaryKey()).as("an empty key is generated").isNotEmpty().isNotEqualTo(KEY);
    JsonNode twin = rest.get("/twins/bulk-7").json();
    assertThat(twin.path("tags").path("batch").asText()).isEqualTo("b1");
    assertThat(twin.path("properties").path("desired").path("rate").asInt()).isEqualTo(7);
    Mqtt3BlockingClient client = RawDevice.client(hub, seven);
    try {
      assertThat(RawDevice.connect(client, hub, seven).getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
    } finally {
      client.disconnect();
    }
  }

  @Test
  void eachModeAppliesAndFailuresAreListedPerIdentityWith400() {
    rest.put("/devices/mode-upd", "{}");
    rest.put("/devices/mode-del", "{}");
    rest.put("/devices/mode-etag", "{}");
    rest.put("/devices/mode-dup", "{}");
    String etag = rest.get("/devices/mode-etag").json().path("etag").asText();
    ServiceRest.Response answer = rest.post("/devices", "["
        + "{\"id\":\"mode-new\",\"importMode\":\"createOrUpdate\"},"
        + "{\"id\":\"mode-upd\",\"importMode\":\"Update\",\"status\":\"disabled\"},"
        + "{\"id\":\"mode-del\",\"importMode\":\"Delete\"},"
        + "{\"id\":\"mode-etag\",\"importMode\":\"updateIfMatchETag\",\"eTag\":" + ServiceRest.JSON.valueToTree(etag)
        + ",\"statusReason\":\"kept\"},"
        + "{\"id\":\"mode-new\",\"moduleId\":\"m1\",\"importMode\":\"create\"},"
        + "{\"id\":\"mode-dup\",\"importMode\":\"create\"},"
        + "{\"id\":\"mode-ghost\",\"importMode\":\"update\"},"
        + "{\"id\":\"mode-etag2\",\"importMode\":\"deleteIfMatchETag\",\"eTag\":\"\\\"nope\\\"\"}"
        + "]");

    assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    JsonNode result = answer.json();
    assertThat(result.path("isSuccessful").asBoolean()).isFalse();
    assertThat(result.path("errors")).extracting(e -> e.path("deviceId").asText() + ":" + e.path("errorCode")
        .asText() + ":" + e.path("operation").asText())
        .containsExactly("mode-dup:DeviceAlreadyExists:create", "mode-ghost:DeviceNotFound:update",
            "mode-etag2:DeviceNotFound:deleteIfMatchETag");
    assertThat(result.path("errors").get(0).path("errorStatus").asText()).contains("mode-dup");
    assertThat(hub.registry().get("mode-new")).isPresent();
    assertThat(hub.registry().get("mode-new", "m1")).as("a module created in the same call").isPresent();
    assertThat(hub.registry().get("mode-upd").orElseThrow().enabled()).isFalse();
    assertThat(hub.registry().get("mode-del")).isEmpty();
    assertThat(rest.get("/devices/mode-etag").json().path("statusReason").asText()).isEqualTo("kept");
  }

  @Test
  void aStaleEtagFailsOnlyItsIdentity() {
    rest.put("/devices/stale", "{}");
    ServiceRest.Response answer = rest.post("/devices", "[{\"id\":\"stale\",\"importMode\":\"deleteIfMatchETag\","
        + "\"eTag\":\"\\\"stale\\\"\"},{\"id\":\"fresh\",\"importMode\":\"create\"}]");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().path("errors")).extracting(e -> e.path("errorCode").asText())
        .containsExactly("PreconditionFailed");
    assertThat(hub.registry().get("stale")).isPresent();
    assertThat(hub.registry().get("fresh")).isPresent();
  }

  @Test
  void badRequestsAreRefusedWholeNamingTheRule() {
    StringBuilder tooMany = new StringBuilder("[");
    for (int i = 0; i <= 100; i++) {
      tooMany.append(i == 0 ? "" : ",").append("{\"id\":\"many-").append(i).append("\"}");
    }
    assertRefused(rest.post("/devices", tooMany + "]"), "ArgumentInvalid", "101 identities; send 1..100");
    assertRefused(rest.post("/devices", "[]"), "ArgumentInvalid", "send 1..100");
    assertRefused(rest.post("/devices", "{\"id\":\"x\"}"), "ArgumentInvalid", "JSON array");
    assertRefused(rest.post("/devices", "[{\"id\":"), "ArgumentInvalid", "not valid JSON");
    assertRefused(rest.post("/devices", "[{\"deviceId\":\"x\"}]"), "ArgumentInvalid", "devices[0]");
    assertRefused(rest.post("/devices", "[{\"id\":\"x\",\"importMode\":\"upsert\"}]"), "ArgumentInvalid",
        "importMode 'upsert'");
    assertRefused(rest.post("/devices", "[{\"id\":\"twice\"},{\"id\":\"twice\",\"importMode\":\"delete\"}]"),
        "DeviceDefinedMultipleTimes", "devices[1]");
    assertThat(hub.registry().get("many-1")).isEmpty();
    assertThat(hub.registry().get("twice")).as("nothing applied when the request is refused").isEmpty();
  }

  @Test
  void needsRegistryWrite() {
    ServiceRest.Response answer = rest.as("registryRead").post("/devices", "[{\"id\":\"perm\"}]");
    rest.as("iothubowner");
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.body()).contains("RegistryWrite");
    assertThat(rest.as("registryReadWrite").post("/devices", "[{\"id\":\"perm\"}]").status()).isEqualTo(200);
    rest.as("iothubowner");
    assertThat(hub.registry().get("perm")).isPresent();
  }

  private static void assertRefused(ServiceRest.Response answer, String code, String message) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    assertThat(answer.errorCode()).isEqualTo(code);
    assertThat(answer.json().path("Message").asText()).contains(message);
  }
}
