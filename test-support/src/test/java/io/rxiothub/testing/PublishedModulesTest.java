// Checks over every published module (a sibling folder holding `.published`), so a new one is covered at once.
package io.rxiothub.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

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

  @Test
  void theBomListsEveryPublishedModuleAtTheProjectVersion() throws Exception {
    Path root = Paths.get("").toAbsolutePath().getParent();
    Document bom = parse(root.resolve("bom/pom.xml"));
    List<String> managed = new ArrayList<>();
    NodeList dependencies = bom.getElementsByTagName("dependency");
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element dependency = (Element) dependencies.item(i);
      assertThat(child(dependency, "version")).as("version of %s in the BOM", child(dependency, "artifactId"))
          .isEqualTo("${project.version}");
      managed.add(child(dependency, "artifactId"));
    }
    List<String> published = new ArrayList<>();
    for (Path module : publishedModules()) {
      published.add(child(parse(module.resolve("pom.xml")).getDocumentElement(), "artifactId"));
    }
    assertThat(managed).as("artifacts in bom/pom.xml (every module holding .published, nothing else)")
        .containsExactlyInAnyOrderElementsOf(published);
  }

  @Test
  void theBomRepeatsTheParentsVersionAndReleaseMetadata() throws Exception {
    Path root = Paths.get("").toAbsolutePath().getParent();
    Element parent = parse(root.resolve("pom.xml")).getDocumentElement();
    Element bom = parse(root.resolve("bom/pom.xml")).getDocumentElement();
    assertThat(child(bom, "parent")).as("the BOM has no parent (it would leak the parent's versions)").isNull();
    for (String field : new String[] {"groupId", "version", "url", "inceptionYear", "licenses", "developers",
        "scm", "issueManagement"}) {
      assertThat(child(bom, field)).as("bom/pom.xml's <%s> (as in the parent pom)", field)
          .isNotNull().isEqualTo(child(parent, field));
    }
  }

  private static Document parse(Path pom) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(pom.toFile());
  }

  /** The whitespace-normalised text of {@code element}'s direct child {@code name}, or null without one. */
  private static String child(Element element, String name) {
    for (Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element && node.getNodeName().equals(name)) {
        return node.getTextContent().trim().replaceAll("\\s+", " ");
      }
    }
    return null;
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
