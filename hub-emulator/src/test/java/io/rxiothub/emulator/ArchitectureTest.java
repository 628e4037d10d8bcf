// Architecture rules for the emulator: its public API exposes no internal type.
package io.rxiothub.emulator;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.rxiothub.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  private final JavaClasses classes = ArchitectureRules.productionClasses("io.rxiothub.emulator");

  @Test
  void publicApiExposesNoInternalType() {
    ArchitectureRules.noInternalTypesInPublicApi("io.rxiothub.emulator").check(classes);
  }

  @Test
  void nullArgumentsFailWithIllegalArgumentException() {
    ArchitectureRules.nullArgumentsFailWithIllegalArgument("io.rxiothub.emulator").check(classes);
  }
}
