// Checks over every published module (a sibling folder holding `.published`), so a new one is covered at once.
package io.rxiothub.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PublishedModulesTest {

  private static List<Path> publishedModules() throws IOException {
    Path root = Paths.get("").toAbsolutePath().getParent();
    try (Stream<Path> dirs = Files.list(root)) {
      List<Path> modules = dirs.filter(d -> Files.exists(d.resolve(".published"))).sorted()
          .collect(Collectors.toList());
      assertThat(modules).as("published modules beside test-support").isNotEmpty();
      return modules;
    }
  }

  @Test
  void publicJavadocLinksToNoInternalType() throws IOException {
    for (Path module : publishedModules()) {
      assertThat(JavadocRules.linksToInternalTypes(module.resolve("src/main/java")))
          .as("Javadoc of %s's public packages (the published Javadoc leaves internal out)", module.getFileName())
          .isEmpty();
    }
  }

  @Test
  void everyPublishedModuleChecksItsPublicApiRules() throws IOException {
    for (Path module : publishedModules()) {
      String architectureTests;
      try (Stream<Path> files = Files.walk(module.resolve("src/test/java"))) {
        architectureTests = files.filter(p -> p.getFileName().toString().endsWith("ArchitectureTest.java"))
            .map(PublishedModulesTest::read).collect(Collectors.joining("\n"));
      }
      assertThat(architectureTests)
          .as("%s's *ArchitectureTest applies the public API rules of ArchitectureRules", module.getFileName())
          .contains("ArchitectureRules.noInternalTypesInPublicApi(",
              "ArchitectureRules.coldTypesCheckReturnValue(",
              "ArchitectureRules.nullArgumentsFailWithIllegalArgument(");
    }
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
