// Architecture rules for the gateway: its public API exposes no internal type, null arguments are refused as
// the style asks, and it never depends on the hub emulator (the emulator is only its test peer).
package io.rxiothub.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.rxiothub.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  private final JavaClasses classes = ArchitectureRules.productionClasses("io.rxiothub.gateway");

  @Test
  void publicApiExposesNoInternalType() {
    ArchitectureRules.noInternalTypesInPublicApi("io.rxiothub.gateway").check(classes);
  }

  @Test
  void nullArgumentsFailWithIllegalArgumentException() {
    ArchitectureRules.nullArgumentsFailWithIllegalArgument("io.rxiothub.gateway").check(classes);
  }

  @Test
  void theGatewayDoesNotDependOnTheEmulator() {
    noClasses().that().resideInAPackage("io.rxiothub.gateway..")
        .should().dependOnClassesThat().resideInAPackage("io.rxiothub.emulator..")
        .check(classes);
  }
}
