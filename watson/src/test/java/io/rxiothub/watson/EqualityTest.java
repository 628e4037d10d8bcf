// equals/hashCode contracts of the watson values.
package io.rxiothub.watson;

import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import org.junit.jupiter.api.Test;

class EqualityTest {

  @Test
  void clientIdHasValueEquality() {
    EqualsVerifier.forClass(ClientId.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void topicHasValueEquality() {
    EqualsVerifier.forClass(WatsonTopic.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void notificationHasValueEquality() {
    EqualsVerifier.forClass(Notification.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void dmMessageHasValueEquality() {
    EqualsVerifier.forClass(DmMessage.class).verify();
  }
}
