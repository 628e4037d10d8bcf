// ConnectionStatus: the mon status message built, written and parsed (protocol.md §14.7).
package io.rxiothub.watson;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import nl.jqno.equalsverifier.EqualsVerifier;
import org.junit.jupiter.api.Test;

class ConnectionStatusTest {

  @Test
  void aDisconnectCarriesItsConnectTimeReasonAndZeroCountersAndParsesBack() {
    ConnectionStatus down = ConnectionStatus.disconnect("g:abc123:gw:g1", 1_764_732_000_500L, "127.0.0.1", 8883,
        "mqtt4-tls", "use-token-auth", 1_764_732_000_000L, "The connection was lost");
    assertThat(down.toJson()).isEqualTo("{\"Action\":\"Disconnect\",\"Time\":\"2025-12-03T03:20:00.500Z\","
        + "\"ClientAddr\":\"127.0.0.1\",\"ClientID\":\"g:abc123:gw:g1\",\"Port\":8883,\"Protocol\":\"mqtt4-tls\","
        + "\"User\":\"use-token-auth\",\"ConnectTime\":\"2025-12-03T03:20:00.000Z\","
        + "\"Reason\":\"The connection was lost\",\"ReadBytes\":0,\"ReadMsg\":0,\"WriteBytes\":0,\"WriteMsg\":0}");
    assertThat(ConnectionStatus.parse(down.toBytes())).isEqualTo(down);
  }

  @Test
  void aConnectHasNoDisconnectMembersAndEveryMemberIsOptionalWhenParsed() {
    ConnectionStatus up = ConnectionStatus.connect("a:abc123:app", 0, "127.0.0.1", 1, "mqtt4-tls", "a-abc123-k");
    assertThat(up.toJson()).doesNotContain("Reason", "ConnectTime");
    assertThat(ConnectionStatus.parse(up.toBytes()).action()).isEqualTo(ConnectionStatus.CONNECT);
    ConnectionStatus bare = ConnectionStatus.parse("{}".getBytes(UTF_8));
    assertThat(bare.action()).isEmpty();
    assertThat(bare.port()).isZero();
  }

  @Test
  void membersOfTheWrongTypeAreNamed() {
    assertThatThrownBy(() -> ConnectionStatus.parse("{\"Port\":\"8883\"}".getBytes(UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Port must be an integer");
    assertThatThrownBy(() -> ConnectionStatus.parse("{\"Action\":1}".getBytes(UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Action must be a string");
    assertThatThrownBy(() -> ConnectionStatus.connect(null, 0, "", 0, "", ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("clientId must not be null");
  }

  @Test
  void hasValueEquality() {
    EqualsVerifier.forClass(ConnectionStatus.class).suppress(nl.jqno.equalsverifier.Warning.NULL_FIELDS).verify();
  }
}
