// Architecture rules of device-client: no internal type in the public API, which speaks RxJava 3 and
// our own types only; the HiveMQ client (and its RxJava 2 and Netty) stays inside the transport's adapter.
package io.rxiothub.device;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import io.rxiothub.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  private final JavaClasses classes = ArchitectureRules.productionClasses("io.rxiothub.device");

  /** The MQTT library and what it brings: HiveMQ, RxJava 2 (package io.reactivex), Netty. */
  private static final DescribedPredicate<JavaClass> MQTT_LIBRARY = DescribedPredicate.describe(
      "HiveMQ, RxJava 2 or Netty", c -> {
        String p = c.getPackageName();
        return p.startsWith("com.hivemq") || p.startsWith("io.netty")
            || p.equals("io.reactivex")
            || p.startsWith("io.reactivex.") && !p.startsWith("io.reactivex.rxjava3");
      });

  @Test
  void publicApiExposesNoInternalType() {
    ArchitectureRules.noInternalTypesInPublicApi("io.rxiothub.device").check(classes);
  }

  @Test
  void publicApiExposesOnlyRxJava3AndOurOwnTypes() {
    ArchitectureRules.publicApiMentionsNo("io.rxiothub.device", MQTT_LIBRARY
        .or(DescribedPredicate.describe("Jackson or BouncyCastle", c ->
            c.getPackageName().startsWith("com.fasterxml") || c.getPackageName().startsWith("org.bouncycastle"))))
        .check(classes);
  }

  @Test
  void onlyTheHiveMqAdapterUsesTheMqttLibrary() {
    noClasses().that().resideInAPackage("io.rxiothub.device..")
        .and().resideOutsideOfPackage("io.rxiothub.transport.internal.hivemq..")
        .should().dependOnClassesThat(MQTT_LIBRARY)
        .because("the state machine (ClientCore) talks to MQTT through MqttConnector only, so it is tested "
            + "with a scripted connector and the transport can change")
        .check(classes);
  }

  @Test
  void publicMethodsReturningRxTypesCheckTheirReturnValue() {
    ArchitectureRules.coldTypesCheckReturnValue("io.rxiothub.device").check(classes);
  }

  @Test
  void nullArgumentsFailWithIllegalArgumentException() {
    ArchitectureRules.nullArgumentsFailWithIllegalArgument("io.rxiothub.device").check(classes);
  }
}
