// POST /devices/query over HTTPS: twin queries, GROUP BY, module twins, paging with x-ms-max-item-count and
// x-ms-continuation, and bad queries answered 400 with the parser's message.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ServiceQueryIT {

  private static HubEmulator hub;
  private static ServiceRest rest;

  @BeforeAll
  static void start() {
    hub = HubEmulator.builder().mqttPort(0).webSocketPort(0).build().start();
    rest = new ServiceRest(hub);
    for (int i = 0; i < 25; i++) {
      hub.registry().createDevice("q" + i);
      hub.updateTags("q" + i, "{\"floor\":" + (i % 3) + "}").blockingGet();
    }
    hub.registry().createModule("q0", "camera");
    hub.updateDesired("q0", "camera", "{\"fps\":30}").blockingGet();
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  private static String query(String text) {
    return "{\"query\":\"" + text.replace("\"", "\\\"") + "\"}";
  }

  @Test
  void filtersTwinsAndAnswersThemWhole() {
    ServiceRest.Response response = rest.post("/devices/query", query("SELECT * FROM devices WHERE tags.floor = 1"
        + " AND STARTS_WITH(deviceId, 'q1')"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("x-ms-continuation")).isNull();
    List<String> ids = new ArrayList<>();
    response.json().forEach(twin -> ids.add(twin.path("deviceId").asText()));
    assertThat(ids).containsExactly("q1", "q10", "q13", "q16", "q19");
    assertThat(response.json().get(0).path("properties").path("desired").has("$version")).isTrue();
  }

  @Test
  void groupByCountsAndModuleTwinsAreQueryable() {
    JsonNode groups = rest.post("/devices/query", query("SELECT tags.floor AS floor, COUNT() AS n FROM devices"
        + " GROUP BY tags.floor")).json();
    assertThat(groups.toString()).isEqualTo("[{\"floor\":0,\"n\":9},{\"floor\":1,\"n\":8},{\"floor\":2,\"n\":8}]");

    JsonNode modules = rest.post("/devices/query", query("SELECT deviceId, moduleId FROM devices.modules WHERE"
        + " properties.desired.fps >= 30")).json();
    assertThat(modules.toString()).isEqualTo("[{\"deviceId\":\"q0\",\"moduleId\":\"camera\"}]");
  }

  @Test
  void pagesFollowTheContinuationToken() {
    List<String> ids = new ArrayList<>();
    String continuation = null;
    int pages = 0;
    do {
      ServiceRest call = rest.header("x-ms-max-item-count", "10");
      if (continuation != null) {
        call.header("x-ms-continuation", continuation);
      }
      ServiceRest.Response page = call.post("/devices/query", query("SELECT deviceId FROM devices"));
      assertThat(page.json().size()).isLessThanOrEqualTo(10);
      page.json().forEach(row -> ids.add(row.path("deviceId").asText()));
      continuation = page.header("x-ms-continuation");
      pages++;
    } while (continuation != null);

    assertThat(pages).isEqualTo(3);
    assertThat(ids).hasSize(25).doesNotHaveDuplicates();
  }

  @Test
  void badQueriesAndHeadersAreBadRequests() {
    ServiceRest.Response bad = rest.post("/devices/query", query("SELECT * FROM devices WHERE tags.floor ="));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().path("Message").asText()).contains("query: expected a value");
    assertThat(rest.header("x-ms-max-item-count", "0").post("/devices/query", query("SELECT * FROM devices"))
        .status()).isEqualTo(400);
    assertThat(rest.header("x-ms-continuation", "forged").post("/devices/query", query("SELECT * FROM devices"))
        .status()).isEqualTo(400);
    assertThat(rest.post("/devices/query", "{\"q\":1}").status()).isEqualTo(400);
    ServiceRest.Response noJobs = rest.post("/devices/query", query("SELECT * FROM devices.jobs"));
    assertThat(noJobs.status()).isEqualTo(200);
    assertThat(noJobs.body()).isEqualTo("[]");
    assertThat(noJobs.header("x-ms-item-type")).isEqualTo("deviceJob");
  }

  @Test
  void registryReadMayQueryButNotPatch() {
    ServiceRest reader = new ServiceRest(hub).as("registryRead");
    assertThat(reader.post("/devices/query", query("SELECT COUNT() AS n FROM devices")).json().toString())
        .isEqualTo("[{\"n\":25}]");
    assertThat(new ServiceRest(hub).as("device").post("/devices/query", query("SELECT * FROM devices")).status())
        .isEqualTo(401);
  }
}
