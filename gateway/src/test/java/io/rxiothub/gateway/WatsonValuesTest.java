// The Watson configuration values: equality contracts, tokens kept out of toString, id and token rules, and how
// they combine with the Azure side in GatewayConfig (protocol.md §18.3).
package io.rxiothub.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import org.junit.jupiter.api.Test;

class WatsonValuesTest {

  private static final String TOKEN = "gateway-token-123";
  private static final String LEAF_TOKEN = "leaf-token-4567";
  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  private static WatsonUpstream.Builder upstream() {
    return WatsonUpstream.builder().orgId("abc123").gateway("gwtype", "gw1").token(TOKEN)
        .leaf(WatsonLeaf.of("sensor", "s1", LEAF_TOKEN));
  }

  @Test
  void watsonLeaf() {
    EqualsVerifier.forClass(WatsonLeaf.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void watsonUpstream() {
    EqualsVerifier.forClass(WatsonUpstream.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void noTokenIsShown() {
    WatsonUpstream watson = upstream().build();
    GatewayConfig config = GatewayConfig.builder().watson(watson).build();

    assertThat(watson.leaves().get(0).toString()).contains("sensor/s1").doesNotContain(LEAF_TOKEN);
    assertThat(watson.toString()).contains("g:abc123:gwtype:gw1").doesNotContain(TOKEN).doesNotContain(LEAF_TOKEN);
    assertThat(config.toString()).contains("g:abc123:gwtype:gw1").doesNotContain(TOKEN)
        .doesNotContain(LEAF_TOKEN);
  }

  @Test
  void hostIsTheOrganisationsUnlessSetOutright() {
    assertThat(upstream().build().connectHost()).isEqualTo("abc123.messaging.internetofthings.ibmcloud.com");
    assertThat(upstream().domain("example.test").build().connectHost()).isEqualTo("abc123.messaging.example.test");
    assertThat(upstream().host("localhost").port(9883).build().connectHost()).isEqualTo("localhost");
    assertThat(WatsonLeaf.of("sensor", "s1", LEAF_TOKEN).clientId("abc123")).isEqualTo("d:abc123:sensor:s1");
  }

  @Test
  void settersRefuseBadValuesNamingTheRuleNotTheToken() {
    assertThatThrownBy(() -> WatsonUpstream.builder().orgId("ABC"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 characters of a-z 0-9");
    assertThatThrownBy(() -> WatsonUpstream.builder().gateway("gw type", "gw1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("gatewayType");
    assertThatThrownBy(() -> WatsonLeaf.of("sensor", "s/1", LEAF_TOKEN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("deviceId");
    assertThatThrownBy(() -> WatsonLeaf.of("sensor", "s1", "short"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("token must be 8..128 characters, got 5");
    assertThatThrownBy(() -> WatsonLeaf.of("sensor", "s1", "bad\ntoken-1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character")
        .hasMessageNotContaining("bad");
    assertThatThrownBy(() -> WatsonUpstream.builder().port(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("watson port must be 1..65535");
  }

  @Test
  void buildRefusesMissingAndConflictingSettings() {
    assertThatThrownBy(() -> WatsonUpstream.builder().gateway("gwtype", "gw1").token(TOKEN).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("orgId missing");
    assertThatThrownBy(() -> WatsonUpstream.builder().orgId("abc123").gateway("gwtype", "gw1").token(TOKEN).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no Watson leaf");
    assertThatThrownBy(() -> upstream().leaf(WatsonLeaf.of("sensor", "s1", "another-token")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("sensor/s1 is configured twice");
    assertThatThrownBy(() -> upstream().leaf(WatsonLeaf.of("gwtype", "gw1", LEAF_TOKEN)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("is the gateway itself");
    assertThatThrownBy(() -> GatewayConfig.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no upstream");
    assertThatThrownBy(() -> GatewayConfig.builder().watson(upstream().build()).hub("h.example", 8883)
        .leaf(LeafDevice.of("d:abc123:x:y", KEY)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("starts with 'd:'");
  }

  @Test
  void azureAndWatsonLeavesShareOneGateway() {
    GatewayConfig config = GatewayConfig.builder().hub("h.example", 8883).leaf(LeafDevice.of("leaf-1", KEY))
        .watson(upstream().build()).build();

    assertThat(config.leaves()).extracting(LeafDevice::deviceId).containsExactly("leaf-1");
    assertThat(config.watson()).isNotNull();
    assertThat(config.watson().leaves()).extracting(WatsonLeaf::deviceId).containsExactly("s1");
    assertThat(GatewayConfig.builder().watson(upstream().build()).build().hubHostName()).isNull();
  }
}
