// The gateway client's values: equality, the event builder's rules and messages.
package io.rxiothub.watson.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivex.rxjava3.schedulers.Schedulers;
import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {

  @Test
  void eventsAndCommandsHaveValueEquality() {
    EqualsVerifier.forClass(GatewayEvent.class).suppress(Warning.NULL_FIELDS).verify();
    EqualsVerifier.forClass(Command.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void anEventOverThePlatformsLimitIsRefusedNamingItsSize() {
    assertThatThrownBy(() -> GatewayEvent.builder().payload(new byte[131_073]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("131073 bytes")
        .hasMessageContaining("131072");
    assertThat(GatewayEvent.builder().device("t", "d").eventId("e").payload(new byte[131_072]).build().qos())
        .isEqualTo(1);
  }

  @Test
  void eventIdsAndQosFollowTheDialectsRules() {
    assertThatThrownBy(() -> GatewayEvent.builder().device("bad type", "d")).hasMessageContaining("typeId");
    assertThatThrownBy(() -> GatewayEvent.builder().eventId("+")).hasMessageContaining("eventId");
    assertThatThrownBy(() -> GatewayEvent.builder().qos(2)).hasMessageContaining("qos must be 0 or 1");
    assertThatThrownBy(() -> GatewayEvent.builder().device("t", "d").payload(new byte[0]).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("eventId is required");
  }

  @ParameterizedTest(name = "CONNACK {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void aRefusalIsRetryableOnlyForServerUnavailable(int returnCode) {
    assertThat(new WatsonException(WatsonException.Kind.REFUSED, returnCode, "refused", null).isRetryable())
        .isEqualTo(returnCode == 3);
  }

  @Test
  void theBuilderNamesWhatIsMissingAndTheTokenNeverShows() {
    assertThatThrownBy(() -> GatewayClient.builder().orgId("abc123").typeId("t").deviceId("d").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("token is required");
    assertThatThrownBy(() -> GatewayClient.builder().orgId("ABC"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("orgId");
    assertThatThrownBy(() -> WatsonDeviceClient.builder().timeScheduler(Schedulers.trampoline()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("timeScheduler must not run tasks on the calling thread");
    try (GatewayClient client = GatewayClient.builder().orgId("abc123").typeId("t").deviceId("d")
        .token("secret-token-0123456789").build()) {
      assertThat(client.clientId()).isEqualTo("g:abc123:t:d");
      assertThat(client.toString()).doesNotContain("secret-token");
    }
  }
}
