// EqualsVerifier checks of every value type in this module.
package io.rxiothub.provisioning;

import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EqualityTest {

  private static final Registration A = Registration.builder().registrationId("a").build();
  private static final Registration B = Registration.builder().registrationId("b").build();

  @ParameterizedTest(name = "{0}")
  @ValueSource(classes = {Registration.class, OperationStatus.class, DpsError.class, RegistrationRequest.class,
      DpsResponseTopic.class, ProvisioningFailure.class, FlowStep.class})
  void valuesHonourEqualsAndHashCode(Class<?> type) {
    EqualsVerifier.forClass(type).withPrefabValues(Registration.class, A, B)
        .suppress(Warning.NULL_FIELDS).verify();
  }
}
