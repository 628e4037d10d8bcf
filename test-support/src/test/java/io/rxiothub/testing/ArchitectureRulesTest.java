package io.rxiothub.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class ArchitectureRulesTest {

  private static final String GOOD = "io.rxiothub.testing.fixtures.good";
  private static final String BAD = "io.rxiothub.testing.fixtures.bad";

  /** Each fixture package imported once for every case (the classes are immutable). */
  private static final Map<String, JavaClasses> IMPORTED = new ConcurrentHashMap<>();

  private static JavaClasses classes(String pkg) {
    return IMPORTED.computeIfAbsent(pkg, p -> new ClassFileImporter().importPackages(p));
  }

  @Test
  void classesOutsideTheImportAreNotReadFromTheClasspath() {
    // test-support's archunit.properties, which every module's ArchitectureTest gets; the cases below run with it
    assertThat(ArchConfiguration.get().resolveMissingDependenciesFromClassPath()).isFalse();
  }

  @Test
  void productionClassesAreTheFoldersClassesImportedOnce() {
    JavaClasses classes = ArchitectureRules.productionClasses("io.rxiothub.testing");

    assertThat(classes.contain(ArchitectureRules.class)).isTrue();
    assertThat(classes.contain(ArchitectureRulesTest.class)).as("a test class").isFalse();
    assertThat(classes.containPackage(GOOD)).as("the test fixtures").isFalse();
    assertThat(ArchitectureRules.productionClasses("io.rxiothub.testing")).isSameAs(classes);
    assertThatThrownBy(() -> ArchitectureRules.productionClasses("com.tngtech.archunit.core"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no classpath folder holds package com.tngtech.archunit.core");
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

  @Test
  void noInternalTypesInPublicApiFlagsAnInternalTypeInAPublicSignatureOnly() {
    assertThatCode(() -> ArchitectureRules.noInternalTypesInPublicApi(GOOD).check(classes(GOOD)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> ArchitectureRules.noInternalTypesInPublicApi(BAD).check(classes(BAD)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("BadApi.hidden() returns internal type " + BAD + ".internal.Hidden");
  }

  @Test
  void publicApiMentionsNoFlagsALibraryTypeOutsideTheImport() {
    DescribedPredicate<JavaClass> net = DescribedPredicate.describe("java.net",
        c -> c.getPackageName().equals("java.net"));

    assertThatCode(() -> ArchitectureRules.publicApiMentionsNo(GOOD, net).check(classes(GOOD)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> ArchitectureRules.publicApiMentionsNo(BAD, net).check(classes(BAD)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("BadApi.socket() returns java.net type java.net.Socket");
  }

  @Test
  void noNetworkingOrMqttFlagsAFieldOfANetworkingType() {
    assertThatThrownBy(() -> ArchitectureRules.noNetworkingOrMqtt(BAD).check(classes(BAD)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("BadApi.socket> has type <java.net.Socket>");
  }

  @Test
  void namedAsOrNestedInSeesAClassNestedInOneOutsideTheImport() {
    assertThatCode(() -> noClasses().that().resideInAPackage(GOOD + "..")
        .should().dependOnClassesThat(ArchitectureRules.namedAsOrNestedIn(Thread.class)).check(classes(GOOD)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> noClasses().that().resideInAPackage(BAD + "..")
        .should().dependOnClassesThat(ArchitectureRules.namedAsOrNestedIn(Thread.class)).check(classes(BAD)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("BadMachine.state> has type <java.lang.Thread$State>");
  }
}
