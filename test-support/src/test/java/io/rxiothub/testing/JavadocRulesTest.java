package io.rxiothub.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

class JavadocRulesTest {

  @Test
  void findsEveryKindOfReferenceToAnInternalTypeInExportedSourcesOnly() {
    Path root = Paths.get("src/test/resources/javadoc-fixture");

    assertThat(JavadocRules.linksToInternalTypes(root)).containsExactly(
        "io/example/Api.java:8 refers to internal type io.example.internal.Engine",
        "io/example/Api.java:8 refers to internal type io.example.internal.Engine",
        "io/example/Api.java:10 refers to internal type io.example.internal.Engine",
        "io/example/Api.java:14 refers to internal type io.example.internal.Engine");
  }
}
