// TransportState is a value: equal by status, reason and error, whether it is a shared constant or not.
package io.rxiothub.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rxiothub.transport.TransportState.Reason;
import io.rxiothub.transport.TransportState.Status;
import java.io.IOException;
import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import org.junit.jupiter.api.Test;

class TransportStateTest {

  @Test
  void equality() {
    EqualsVerifier.forClass(TransportState.class).suppress(Warning.NULL_FIELDS)
        .withIgnoredFields("PLAIN").verify();
  }

  @Test
  void statesWithoutAnErrorAreSharedAndStatesWithOneAreNot() {
    assertThat(TransportState.of(Status.CONNECTED, Reason.CONNECTION_OK, null))
        .isSameAs(TransportState.of(Status.CONNECTED, Reason.CONNECTION_OK, null));
    IOException lost = new IOException("lost");
    TransportState a = TransportState.of(Status.RECONNECTING, Reason.NETWORK_LOST, lost);
    TransportState b = TransportState.of(Status.RECONNECTING, Reason.NETWORK_LOST, lost);
    assertThat(a).isNotSameAs(b).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(TransportState.of(Status.RECONNECTING, Reason.NETWORK_LOST, null));
  }

  @Test
  void nullStatusOrReasonIsRefused() {
    assertThatThrownBy(() -> TransportState.of(null, Reason.CREATED, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("status and reason");
  }
}
