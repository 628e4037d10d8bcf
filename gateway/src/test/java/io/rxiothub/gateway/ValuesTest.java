// The gateway's configuration values: equality contracts (STYLE.md §3), secrets kept out of toString, builder rules.
package io.rxiothub.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import org.junit.jupiter.api.Test;

class ValuesTest {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  @Test
  void leafDevice() {
    EqualsVerifier.forClass(LeafDevice.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void gatewayConfig() {
    EqualsVerifier.forClass(GatewayConfig.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void leafProvisioning() {
    EqualsVerifier.forClass(LeafProvisioning.class).suppress(Warning.NULL_FIELDS).verify();
    LeafProvisioning dps = LeafProvisioning.builder().idScope("0ne1").groupKey(KEY).build();
    assertThat(dps.toString()).contains("0ne1").doesNotContain(KEY);
    assertThat(GatewayConfig.builder().hub("h.example", 8883).provisioning(dps).build().leaves()).isEmpty();
    assertThatThrownBy(() -> LeafProvisioning.builder().groupKey(KEY).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("idScope missing");
    assertThatThrownBy(() -> LeafProvisioning.builder().groupKey("%%%"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("groupKey must be the group's base64");
  }

  @Test
  void neitherShowsASecret() {
    LeafDevice leaf = LeafDevice.of("leaf-1", KEY, "local-pass-9");
    GatewayConfig config = GatewayConfig.builder().hub("hub.example", 8883).leaf(leaf).build();

    assertThat(leaf.toString()).contains("leaf-1").doesNotContain(KEY).doesNotContain("local-pass-9");
    assertThat(config.toString()).contains("hub.example").doesNotContain(KEY).doesNotContain("local-pass-9");
  }

  @Test
  void buildRefusesMissingAndConflictingSettings() {
    LeafDevice leaf = LeafDevice.of("leaf-1", KEY);
    assertThatThrownBy(() -> GatewayConfig.builder().leaf(leaf).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("hub host name missing");
    assertThatThrownBy(() -> GatewayConfig.builder().hub("h.example", 8883).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no leaf");
    assertThatThrownBy(() -> GatewayConfig.builder().hub("h.example", 8883).leaf(leaf).leaf(leaf).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'leaf-1' is configured twice");
    assertThatThrownBy(() -> GatewayConfig.builder().hub("h.example", 8883).leaf(leaf).tlsPort(-1).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("both downstream ports are off");
  }

  @Test
  void settersRefuseBadValuesNamingThem() {
    assertThatThrownBy(() -> GatewayConfig.builder().tlsPort(70000))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("tlsPort must be");
    assertThatThrownBy(() -> GatewayConfig.builder().store(10, 1, StoreOverflow.DROP_OLDEST))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBytes");
    assertThatThrownBy(() -> GatewayConfig.builder().tlsCertificate(null, Path.of("k")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("certificateFile must not be null");
    assertThatThrownBy(() -> LeafDevice.of("a/b", KEY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("deviceId must not contain");
    assertThatThrownBy(() -> LeafDevice.of("a", ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("key must not be null or empty");
  }
}
