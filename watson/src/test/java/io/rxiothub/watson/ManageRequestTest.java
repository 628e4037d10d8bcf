// ManageRequest: the manage request's d parsed strictly (protocol.md §14.8), built, and written back.
package io.rxiothub.watson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import nl.jqno.equalsverifier.EqualsVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManageRequestTest {

  @Test
  void parsesEveryDocumentedMember() {
    ManageRequest m = ManageRequest.parse("{\"metadata\":{\"room\":\"b12\"},\"lifetime\":7200,"
        + "\"supports\":{\"deviceActions\":true,\"firmwareActions\":false},"
        + "\"deviceInfo\":{\"serialNumber\":\"sn-1\",\"fwVersion\":\"1.0.2\",\"extra\":5}}");
    assertThat(m.lifetimeSeconds()).isEqualTo(7200);
    assertThat(m.deviceActions()).isTrue();
    assertThat(m.firmwareActions()).isFalse();
    assertThat(m.deviceInfoJson()).isEqualTo("{\"serialNumber\":\"sn-1\",\"fwVersion\":\"1.0.2\",\"extra\":5}");
    assertThat(m.metadataJson()).isEqualTo("{\"room\":\"b12\"}");
  }

  @Test
  void anAbsentDOrEmptyObjectMeansNeverDormantWithoutActions() {
    assertThat(ManageRequest.parse(null)).isEqualTo(ManageRequest.builder().build());
    ManageRequest empty = ManageRequest.parse("{}");
    assertThat(empty.lifetimeSeconds()).isZero();
    assertThat(empty.deviceActions()).isFalse();
    assertThat(empty.deviceInfoJson()).isNull();
  }

  @Test
  void theWireFormParsesBackToTheSameRequest() {
    ManageRequest m = ManageRequest.builder().lifetimeSeconds(3600).firmwareActions(true)
        .deviceInfoJson("{\"model\":\"x1\"}").metadataJson("{\"a\":[1,2]}").build();
    assertThat(m.toDataJson()).isEqualTo("{\"lifetime\":3600,\"supports\":{\"deviceActions\":false,"
        + "\"firmwareActions\":true},\"deviceInfo\":{\"model\":\"x1\"},\"metadata\":{\"a\":[1,2]}}");
    assertThat(ManageRequest.parse(m.toDataJson())).isEqualTo(m);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"lifetime\":60}|lifetime must be 0 (never dormant) or at least 3600",
      "{\"lifetime\":\"3600\"}|d.lifetime must be an integer",
      "{\"lifetime\":3600.5}|d.lifetime must be an integer",
      "{\"supports\":true}|d.supports must be a JSON object",
      "{\"supports\":{\"deviceActions\":\"yes\"}}|d.supports.deviceActions must be true or false",
      "{\"deviceInfo\":{\"model\":7}}|d.deviceInfo.model must be a string",
      "{\"metadata\":[]}|d.metadata must be a JSON object",
      "[1]|manage request d must be a JSON object"})
  void membersBreakingTheirRuleAreRefusedByName(String json, String message) {
    assertThatThrownBy(() -> ManageRequest.parse(json)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void builderRefusesALifetimeUnderAnHour() {
    assertThatThrownBy(() -> ManageRequest.builder().lifetimeSeconds(3599))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3599");
  }

  @Test
  void hasValueEquality() {
    EqualsVerifier.forClass(ManageRequest.class).verify();
  }
}
