// The IoT Hub query language on the reference's examples: parsing, evaluation over twins, and clear errors.
package io.rxiothub.emulator.internal.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryParserTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode twin(String deviceId, String tags, String reported) throws Exception {
    return JSON.readTree("{\"deviceId\":\"" + deviceId + "\",\"status\":\"enabled\",\"version\":3,\"tags\":" + tags
        + ",\"properties\":{\"desired\":{\"$version\":1},\"reported\":" + reported + "}}");
  }

  private static List<JsonNode> twins() throws Exception {
    return List.of(
        twin("sensor-1", "{\"location\":{\"region\":\"US\",\"plant\":\"Redmond43\"}}",
            "{\"connectivity\":{\"type\":\"cellular\"},\"temperature\":21.5,\"$version\":4}"),
        twin("sensor-2", "{\"location\":{\"region\":\"EU\",\"plant\":\"Lyon\"}}",
            "{\"connectivity\":{\"type\":\"wired\"},\"temperature\":25,\"$version\":2}"),
        twin("gateway-1", "{\"location\":{\"region\":\"US\",\"plant\":\"Austin\"}}", "{\"$version\":1}"));
  }

  private static List<String> ids(String query) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode row : QueryEvaluator.run(QueryParser.parse(query), twins())) {
      out.add(row.path("deviceId").asText());
    }
    return out;
  }

  @Test
  void whereFiltersWithComparisonsAndLogic() throws Exception {
    assertThat(ids("SELECT * FROM devices")).containsExactly("sensor-1", "sensor-2", "gateway-1");
    assertThat(ids("SELECT * FROM devices WHERE tags.location.region = 'US'")).containsExactly("sensor-1",
        "gateway-1");
    assertThat(ids("select * from devices where tags.location.region = 'US' AND properties.reported.connectivity"
        + ".type = 'cellular'")).containsExactly("sensor-1");
    assertThat(ids("SELECT * FROM devices WHERE properties.reported.temperature > 22 OR deviceId = 'gateway-1'"))
        .containsExactly("sensor-2", "gateway-1");
    assertThat(ids("SELECT * FROM devices WHERE NOT (tags.location.region = 'US')")).containsExactly("sensor-2");
    assertThat(ids("SELECT * FROM devices WHERE tags.location.plant IN ['x'] OR tags.location.plant IN ('Lyon',"
        + " 'Austin')")).containsExactly("sensor-2", "gateway-1");
    assertThat(ids("SELECT * FROM devices WHERE tags.location.plant NIN ('Lyon', 'Austin')"))
        .containsExactly("sensor-1");
    assertThat(ids("SELECT * FROM devices WHERE properties.reported.temperature * 2 >= 50")).containsExactly(
        "sensor-2");
    assertThat(ids("SELECT * FROM devices WHERE devices.tags.location.region <> 'US'")).containsExactly("sensor-2");
  }

  @Test
  void undefinedAttributesNeverMatchAComparison() throws Exception {
    assertThat(ids("SELECT * FROM devices WHERE properties.reported.temperature != 21.5")).containsExactly(
        "sensor-2");
    assertThat(ids("SELECT * FROM devices WHERE NOT IS_DEFINED(properties.reported.temperature)")).containsExactly(
        "gateway-1");
    assertThat(ids("SELECT * FROM devices WHERE tags.location.region = 5")).isEmpty();
  }

  @Test
  void functionsOfTheReference() throws Exception {
    assertThat(ids("SELECT * FROM devices WHERE STARTS_WITH(deviceId, 'sensor')")).containsExactly("sensor-1",
        "sensor-2");
    assertThat(ids("SELECT * FROM devices WHERE ENDSWITH(deviceId, '-1')")).containsExactly("sensor-1",
        "gateway-1");
    assertThat(ids("SELECT * FROM devices WHERE IS_NUMBER(properties.reported.temperature) AND "
        + "LOWER(tags.location.plant) = 'lyon'")).containsExactly("sensor-2");
    assertThat(ids("SELECT * FROM devices WHERE LENGTH(deviceId) = 9 AND CONTAINS(deviceId, 'way')"))
        .containsExactly("gateway-1");
    assertThat(ids("SELECT * FROM devices WHERE properties.reported.$version >= 2")).containsExactly("sensor-1",
        "sensor-2");
  }

  @Test
  void projectionsAliasesTopAndCaseInsensitiveTopLevelNames() throws Exception {
    List<JsonNode> rows = QueryEvaluator.run(QueryParser.parse(
        "SELECT TOP 2 DeviceID, tags.location.region AS region, properties.reported.temperature FROM devices"),
        twins());
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).toString()).isEqualTo("{\"DeviceID\":\"sensor-1\",\"region\":\"US\","
        + "\"temperature\":21.5}");
  }

  @Test
  void groupByCounts() throws Exception {
    List<JsonNode> rows = QueryEvaluator.run(QueryParser.parse("SELECT tags.location.region AS region, COUNT() AS"
        + " n FROM devices GROUP BY tags.location.region"), twins());
    assertThat(rows).extracting(JsonNode::toString).containsExactly("{\"region\":\"US\",\"n\":2}",
        "{\"region\":\"EU\",\"n\":1}");
    assertThat(QueryEvaluator.run(QueryParser.parse("SELECT COUNT() AS total FROM devices WHERE STARTS_WITH("
        + "deviceId, 'sensor')"), twins()).get(0).toString()).isEqualTo("{\"total\":2}");
  }

  @Test
  void modulesCollection() {
    assertThat(QueryParser.parse("SELECT * FROM devices.modules WHERE moduleId = 'm'").from())
        .isEqualTo(Query.Collection.MODULES);
  }

  @Test
  void badQueriesNameThePositionAndWhatWasExpected() throws Exception {
    assertThatThrownBy(() -> QueryParser.parse("SELECT * FROM things")).hasMessage(
        "query: expected devices, devices.modules or devices.jobs after FROM at position 15 but found 'things'");
    assertThatThrownBy(() -> QueryParser.parse("SELECT * devices")).hasMessageContaining("expected FROM at"
        + " position 10");
    assertThatThrownBy(() -> QueryParser.parse("SELECT * FROM devices WHERE tags.a = 'x")).hasMessageContaining(
        "not closed");
    assertThatThrownBy(() -> QueryParser.parse("SELECT * FROM devices WHERE FOO(tags.a)")).hasMessageContaining(
        "unknown function FOO");
    assertThatThrownBy(() -> QueryParser.parse("SELECT * FROM devices WHERE IS_DEFINED(a, b)"))
        .hasMessageContaining("takes 1 argument(s), got 2");
    assertThatThrownBy(() -> QueryParser.parse("SELECT * FROM devices WHERE")).hasMessageContaining(
        "but found the end of the query");
    assertThatThrownBy(() -> QueryParser.parse("SELECT * FROM devices extra")).hasMessageContaining(
        "expected the end of the query");
    assertThatThrownBy(() -> QueryParser.parse("  ")).hasMessageContaining("query is empty");
    assertThatThrownBy(() -> QueryEvaluator.run(QueryParser.parse("SELECT deviceId, COUNT() FROM devices"),
        twins())).hasMessageContaining("add GROUP BY");
    assertThatThrownBy(() -> QueryParser.parse("SELECT * FROM devices WHERE " + "(".repeat(100) + "1=1"
        + ")".repeat(100))).hasMessageContaining("nested at most");
  }
}
