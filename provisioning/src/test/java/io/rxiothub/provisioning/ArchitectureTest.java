// Architecture rules: public API free of internal and Jackson types, no networking in this sans-I/O module.
package io.rxiothub.provisioning;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.rxiothub.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  private final JavaClasses classes = ArchitectureRules.productionClasses("io.rxiothub.provisioning");

  @Test
  void publicApiExposesNoInternalType() {
    ArchitectureRules.noInternalTypesInPublicApi("io.rxiothub.provisioning").check(classes);
  }

  @Test
  void provisioningUsesNoNetworkingOrMqtt() {
    ArchitectureRules.noNetworkingOrMqtt("io.rxiothub.provisioning").check(classes);
  }

  @Test
  void jacksonStaysInsideInternal() {
    noClasses().that().resideInAPackage("io.rxiothub.provisioning")
        .should().dependOnClassesThat().resideInAPackage("com.fasterxml..")
        .check(classes);
  }

  @Test
  void onlyJacksonsStreamingApiIsUsedBecauseDatabindNeedsAndroid26() {
    noClasses().that().resideInAPackage("io.rxiothub.provisioning..")
        .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson.databind..")
        .because("jackson-databind 2.14+ fails on Android API < 26 (ObjectMapper references BootstrapMethodError)")
        .check(classes);
  }

  @Test
  void publicSignaturesMentionNoJacksonType() {
    classes().that().resideInAPackage("io.rxiothub.provisioning").and().arePublic()
        .should(new ArchCondition<JavaClass>("mention no Jackson type in public signatures") {
          @Override
          public void check(JavaClass type, ConditionEvents events) {
            for (JavaCodeUnit unit : type.getCodeUnits()) {
              if (!unit.getModifiers().contains(JavaModifier.PUBLIC)) {
                continue;
              }
              unit.getReturnType().getAllInvolvedRawTypes().forEach(t -> flag(events, type, unit, t));
              unit.getParameterTypes().forEach(p -> p.getAllInvolvedRawTypes().forEach(t -> flag(events, type, unit, t)));
            }
          }

          private void flag(ConditionEvents events, JavaClass type, JavaCodeUnit unit, JavaClass involved) {
            if (involved.getPackageName().startsWith("com.fasterxml")) {
              events.add(SimpleConditionEvent.violated(type, unit.getFullName() + " mentions " + involved.getName()));
            }
          }
        })
        .check(classes);
  }

  @Test
  void publicMethodsReturningRxTypesCheckTheirReturnValue() {
    ArchitectureRules.coldTypesCheckReturnValue("io.rxiothub.provisioning").check(classes);
  }

  @Test
  void nullArgumentsFailWithIllegalArgumentException() {
    ArchitectureRules.nullArgumentsFailWithIllegalArgument("io.rxiothub.provisioning").check(classes);
  }
}
