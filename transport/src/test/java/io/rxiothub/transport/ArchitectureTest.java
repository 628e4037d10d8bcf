// Architecture rules of transport: no dialect inside (imports or topic strings), the MQTT library only in
// its adapter package, no internal type in the public SPI.
package io.rxiothub.transport;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import io.rxiothub.testing.ArchitectureRules;
import io.rxiothub.transport.internal.ClientCore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  private final JavaClasses classes = ArchitectureRules.productionClasses("io.rxiothub.transport");

  /** The MQTT library and what it brings: HiveMQ, RxJava 2 (package io.reactivex), Netty. */
  private static final DescribedPredicate<JavaClass> MQTT_LIBRARY = DescribedPredicate.describe(
      "HiveMQ, RxJava 2 or Netty", c -> {
        String p = c.getPackageName();
        return p.startsWith("com.hivemq") || p.startsWith("io.netty")
            || p.equals("io.reactivex")
            || p.startsWith("io.reactivex.") && !p.startsWith("io.reactivex.rxjava3");
      });

  /** Topic and path fragments of the dialects: Azure IoT Hub, its DPS, IBM Watson IoT. */
  private static final List<String> DIALECT_STRINGS = List.of("devices/", "$iothub", "messages/events",
      "messages/devicebound", "$dps", "iot-2/", "azure-devices", "api-version");

  @Test
  void publicSpiExposesNoInternalType() {
    ArchitectureRules.noInternalTypesInPublicApi("io.rxiothub.transport").check(classes);
  }

  @Test
  void coldTypesCheckTheirReturnValue() {
    ArchitectureRules.coldTypesCheckReturnValue("io.rxiothub.transport").check(classes);
  }

  @Test
  void nullArgumentsFailWithIllegalArgumentException() {
    ArchitectureRules.nullArgumentsFailWithIllegalArgument("io.rxiothub.transport").check(classes);
  }

  @Test
  void importsNoDialectNorTheirProtocolModules() {
    noClasses().that().resideInAPackage("io.rxiothub.transport..")
        .should().dependOnClassesThat().resideInAnyPackage("io.rxiothub.device..",
            "io.rxiothub.sas..", "io.rxiothub.twin..", "io.rxiothub.methods..",
            "io.rxiothub.emulator..", "io.rxiothub.watson..", "io.rxiothub.provisioning..")
        .because("the transport is dialect-neutral: dialects build on it, never the other way")
        .check(classes);
  }

  /** The pure connection machine: events in, effects out (issue 14, item 2). */
  private static final String PURE_MACHINE = ".*\\.transport\\.internal\\.(ConnectionStateMachine|Outbox"
      + "|Timers|Waiters|Effects|Outgoing|ReconnectPolicy|Takeover|Backoff)(\\$.*)?";

  @Test
  void theConnectionStateMachineHasNoLockThreadClockRxOrDriverInside() {
    noClasses().that().haveNameMatching(PURE_MACHINE)
        .should().dependOnClassesThat().resideInAnyPackage("io.reactivex..", "java.util.concurrent..",
            "com.hivemq..", "io.netty..", "java.time..")
        .orShould().dependOnClassesThat(ArchitectureRules.namedAsOrNestedIn(Thread.class, System.class,
            Runtime.class))
        .orShould().dependOnClassesThat().haveNameMatching(".*\\.transport\\.internal\\."
            + "(ConnectionMachine|Attempt|PendingSend|OutboundBatch|SignalQueue|Routes?|ClientCore)(\\$.*)?")
        .because("the machine is pure: its driver holds the lock, reads the clock and runs the effects, "
            + "so the machine is tested by feeding it events (ConnectionStateMachineProperties)")
        .check(classes);
  }

  @Test
  void onlyTheHiveMqAdapterUsesTheMqttLibrary() {
    noClasses().that().resideInAPackage("io.rxiothub.transport..")
        .and().resideOutsideOfPackage("io.rxiothub.transport.internal.hivemq..")
        .should().dependOnClassesThat(MQTT_LIBRARY)
        .because("the connection machine talks to MQTT through MqttConnector only, so it is tested "
            + "with a scripted connector and the MQTT library can change")
        .check(classes);
  }

  @Test
  void noClassHoldsATopicStringOfADialect() throws IOException {
    Path root = Paths.get(ClientCore.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    assertThat(root).as("the module's compiled classes").isDirectory();
    List<String> found = new ArrayList<>();
    List<Path> classFiles;
    try (Stream<Path> files = Files.walk(root)) {
      classFiles = files.filter(f -> f.toString().endsWith(".class")).toList();
    }
    assertThat(classFiles).as("class files under " + root).hasSizeGreaterThan(20);
    for (Path file : classFiles) {
      // String constants sit in the constant pool as (modified) UTF-8: ASCII text appears as is.
      String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      for (String s : DIALECT_STRINGS) {
        if (bytes.contains(s)) {
          found.add(root.relativize(file) + " holds \"" + s + "\"");
        }
      }
    }
    assertThat(found).as("dialect strings in the transport's classes").isEmpty();
  }
}
