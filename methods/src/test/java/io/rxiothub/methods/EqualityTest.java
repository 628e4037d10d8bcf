// EqualsVerifier checks of every value type in this module.
package io.rxiothub.methods;

import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import org.junit.jupiter.api.Test;

class EqualityTest {

  @Test
  void methodRequest() {
    EqualsVerifier.forClass(MethodRequest.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void methodResponse() {
    EqualsVerifier.forClass(MethodResponse.class).verify();
  }

  @Test
  void methodTopic() {
    EqualsVerifier.forClass(MethodTopic.class).suppress(Warning.NULL_FIELDS).verify();
  }

  @Test
  void commandName() {
    EqualsVerifier.forClass(CommandName.class).suppress(Warning.NULL_FIELDS).verify();
  }
}
