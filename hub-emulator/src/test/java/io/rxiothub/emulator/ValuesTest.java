// The emulator's service-side values: equality contracts (STYLE.md §3) and keys kept out of toString.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void telemetryMessage() {
    EqualsVerifier.forClass(TelemetryMessage.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void edgeRouteIsItsText() {
    EqualsVerifier.forClass(io.rxiothub.emulator.edge.EdgeRoute.class).suppress(Warning.NULL_FIELDS)
        .withOnlyTheseFields("text").verify();
  }

  @Test
  void deviceIdentity() {
    EqualsVerifier.forClass(DeviceIdentity.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void methodResult() {
    EqualsVerifier.forClass(MethodResult.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void deviceIdentityNeverShowsItsKeys() {
    String primary = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    String secondary = "HxwdGhsYGRYXFBUSExAREA4PDA0KCwgJBgcEBQIDAAE=";
    DeviceIdentity id = DeviceIdentity.builder().hostName("hub.localhost").deviceId("dev1")
        .primaryKey(primary).secondaryKey(secondary).build();
    assertThat(id.toString()).contains("dev1").doesNotContain(primary).doesNotContain(secondary)
        .doesNotContain("AAECAw");
  }
}
