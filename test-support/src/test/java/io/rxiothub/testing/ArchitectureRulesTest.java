package io.rxiothub.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

class ArchitectureRulesTest {

  private static final String GOOD = "io.rxiothub.testing.fixtures.good";
  private static final String BAD = "io.rxiothub.testing.fixtures.bad";

  private static JavaClasses classes(String pkg) {
    return new ClassFileImporter().importPackages(pkg);
  }

  @Test
  void coldTypesCheckReturnValueFlagsAnUnannotatedRxMethodOnly() {
    assertThatCode(() -> ArchitectureRules.coldTypesCheckReturnValue(GOOD).check(classes(GOOD)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> ArchitectureRules.coldTypesCheckReturnValue(BAD).check(classes(BAD)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("BadApi.run() returns Completable but is not annotated @CheckReturnValue");
  }

  @Test
  void nullArgumentsFailWithIllegalArgumentFlagsNullPointerExceptionChecksOnly() {
    assertThatCode(() -> ArchitectureRules.nullArgumentsFailWithIllegalArgument(GOOD).check(classes(GOOD)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> ArchitectureRules.nullArgumentsFailWithIllegalArgument(BAD).check(classes(BAD)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("BadApi.check(java.lang.String)> calls method <java.util.Objects.requireNonNull("
            + "java.lang.Object, java.lang.String)>")
        .hasMessageContaining("BadApi.checkByHand(java.lang.String)> calls constructor <java.lang.NullPointerException");
  }
}
