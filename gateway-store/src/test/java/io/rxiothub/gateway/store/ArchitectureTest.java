// Architecture rules of the gateway store: public API free of internal types, Rx and null rules.
package io.rxiothub.gateway.store;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.rxiothub.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  private final JavaClasses classes = ArchitectureRules.productionClasses("io.rxiothub.gateway.store");

  @Test
  void publicApiExposesNoInternalType() {
    ArchitectureRules.noInternalTypesInPublicApi("io.rxiothub.gateway.store").check(classes);
  }

  @Test
  void publicMethodsReturningRxTypesCheckTheirReturnValue() {
    ArchitectureRules.coldTypesCheckReturnValue("io.rxiothub.gateway.store").check(classes);
  }

  @Test
  void nullArgumentsFailWithIllegalArgumentException() {
    ArchitectureRules.nullArgumentsFailWithIllegalArgument("io.rxiothub.gateway.store").check(classes);
  }
}
