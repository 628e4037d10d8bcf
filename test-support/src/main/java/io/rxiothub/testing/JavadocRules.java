// Source checks for Javadoc that bytecode cannot show: public Javadoc never points into an internal package.
package io.rxiothub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds Javadoc in exported packages that refers to a type of an {@code internal} package: the
 * published Javadoc leaves {@code internal} out, so such a reference is a dead link (or, for
 * {@code {@value}}, a build error) and tells users about a type they must not use.
 */
public final class JavadocRules {

  private static final Pattern COMMENT = Pattern.compile("/\\*\\*.*?\\*/", Pattern.DOTALL);
  private static final Pattern REFERENCE = Pattern.compile(
      "(?:\\{@(?:link|linkplain|value)|@see|@throws|@exception)\\s+([A-Za-z_$][\\w$.]*)");
  private static final Pattern IMPORT = Pattern.compile(
      "^import\\s+(?:static\\s+)?([\\w$.]+)\\.([\\w$]+)\\s*;", Pattern.MULTILINE);

  private JavadocRules() {}

  /**
   * Returns one line per Javadoc reference to an internal type in the sources under
   * {@code sourceRoot} outside {@code internal} packages: written out in full
   * ({@code io.rxiothub.x.internal.Y}) or by a simple name imported from an internal package.
   */
  public static List<String> linksToInternalTypes(Path sourceRoot) {
    List<String> violations = new ArrayList<>();
    for (Path file : exportedSources(sourceRoot)) {
      String text = read(file);
      Map<String, String> imported = new HashMap<>();
      Matcher imports = IMPORT.matcher(text);
      while (imports.find()) {
        imported.put(imports.group(2), imports.group(1) + "." + imports.group(2));
      }
      Matcher comment = COMMENT.matcher(text);
      while (comment.find()) {
        Matcher reference = REFERENCE.matcher(comment.group());
        while (reference.find()) {
          String name = reference.group(1);
          String first = name.split("\\.", 2)[0];
          String resolved = imported.getOrDefault(first, name);
          if (isInternal(name) || isInternal(resolved)) {
            int line = lineOf(text, comment.start() + reference.start());
            violations.add(sourceRoot.relativize(file) + ":" + line + " refers to internal type "
                + (isInternal(name) ? name : resolved));
          }
        }
      }
    }
    return violations;
  }

  /** Returns the {@code .java} files under {@code sourceRoot} outside {@code internal} packages. */
  static List<Path> exportedSources(Path sourceRoot) {
    if (!Files.isDirectory(sourceRoot)) {
      throw new IllegalArgumentException("sourceRoot " + sourceRoot.toAbsolutePath() + " is not a directory");
    }
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      return files
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> !isInternal(sourceRoot.relativize(p).toString().replace('\\', '/').replace('/', '.')))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isInternal(String dottedName) {
    return dottedName.contains(".internal.") || dottedName.startsWith("internal.");
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
