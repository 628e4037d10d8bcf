// The public API of device-client exposes no internal type.
package io.rxiothub.device;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.rxiothub.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  private final JavaClasses classes = ArchitectureRules.productionClasses("io.rxiothub.device");

  @Test
  void publicApiExposesNoInternalType() {
    ArchitectureRules.noInternalTypesInPublicApi("io.rxiothub.device").check(classes);
  }
}
