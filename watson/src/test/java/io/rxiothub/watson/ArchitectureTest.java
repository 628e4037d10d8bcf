// Architecture rules: public API free of internal and Jackson types, no networking in this sans-I/O module.
package io.rxiothub.watson;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.rxiothub.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  private final JavaClasses classes = ArchitectureRules.productionClasses("io.rxiothub.watson");

  @Test
  void publicApiExposesNoInternalType() {
    ArchitectureRules.noInternalTypesInPublicApi("io.rxiothub.watson").check(classes);
  }

  @Test
  void watsonUsesNoNetworkingOrMqtt() {
    ArchitectureRules.noNetworkingOrMqtt("io.rxiothub.watson").check(classes);
  }

  @Test
  void jacksonStaysInsideInternal() {
    noClasses().that().resideInAPackage("io.rxiothub.watson")
        .should().dependOnClassesThat().resideInAPackage("com.fasterxml..")
        .check(classes);
  }

  @Test
  void onlyJacksonsStreamingApiIsUsedBecauseDatabindNeedsAndroid26() {
    noClasses().that().resideInAPackage("io.rxiothub.watson..")
        .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson.databind..")
        .check(classes);
  }

  @Test
  void publicMethodsReturningRxTypesCheckTheirReturnValue() {
    ArchitectureRules.coldTypesCheckReturnValue("io.rxiothub.watson").check(classes);
  }

  @Test
  void nullArgumentsFailWithIllegalArgumentException() {
    ArchitectureRules.nullArgumentsFailWithIllegalArgument("io.rxiothub.watson").check(classes);
  }
}
