// Architecture rules: public API free of internal and Jackson types, no networking in a sans-I/O module.
package io.rxiothub.methods;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.rxiothub.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  private final JavaClasses classes = ArchitectureRules.productionClasses("io.rxiothub.methods");

  @Test
  void publicApiExposesNoInternalType() {
    ArchitectureRules.noInternalTypesInPublicApi("io.rxiothub.methods").check(classes);
  }

  @Test
  void methodsUsesNoNetworkingOrMqtt() {
    ArchitectureRules.noNetworkingOrMqtt("io.rxiothub.methods").check(classes);
  }

  @Test
  void publicMethodsReturningRxTypesCheckTheirReturnValue() {
    ArchitectureRules.coldTypesCheckReturnValue("io.rxiothub.methods").check(classes);
  }

  @Test
  void nullArgumentsFailWithIllegalArgumentException() {
    ArchitectureRules.nullArgumentsFailWithIllegalArgument("io.rxiothub.methods").check(classes);
  }
}
