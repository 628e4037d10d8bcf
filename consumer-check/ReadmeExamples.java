// Turns the README's "## Example: ..." Java blocks into one compilable class for the consumer check.
//
//   java consumer-check/ReadmeExamples.java README.md <output .java file>
//
// Each block under a heading "## Example: <title>" becomes a static method, named from the title
// ("Example: SAS tokens" -> sasTokens), whose body is the block verbatim; main(String... titles) runs the named
// ones in order. The README's blocks are snippets: the imports and the few free names they use (such as
// `readings`) are declared here, in TEMPLATE, once. A block that uses something else fails to compile, which is
// the point: the README shows code that compiles against the published artifacts.

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

public final class ReadmeExamples {

  private static final String TEMPLATE = String.join("\n",
      "// Generated from README.md by consumer-check/ReadmeExamples.java: edit the README, not this file.",
      "package io.rxiothub.consumer;",
      "",
      "import static java.nio.charset.StandardCharsets.UTF_8;",
      "",
      "import io.reactivex.rxjava3.core.Flowable;",
      "import io.reactivex.rxjava3.core.Single;",
      "import io.rxiothub.device.*;",
      "import io.rxiothub.methods.*;",
      "import io.rxiothub.sas.*;",
      "import io.rxiothub.twin.*;",
      "",
      "public final class ReadmeExamples {",
      "",
      "  /** The device example's readings: a few JSON payloads. */",
      "  static final Flowable<byte[]> readings =",
      "      Flowable.just(\"{\\\"t\\\":21.6}\", \"{\\\"t\\\":21.7}\").map(s -> s.getBytes(UTF_8));",
      "",
      "%s",
      "  public static void main(String... titles) throws Exception {",
      "    for (String title : titles) {",
      "      switch (title) {",
      "%s",
      "        default: throw new IllegalArgumentException(\"README.md has no example headed '## Example: \" + title + \"'\");",
      "      }",
      "      System.out.println(\"README example '\" + title + \"' ran\");",
      "    }",
      "  }",
      "}",
      "");

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: java ReadmeExamples.java README.md Output.java");
    }
    List<String> lines = Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8);
    StringBuilder methods = new StringBuilder();
    StringBuilder cases = new StringBuilder();
    List<String> titles = new ArrayList<>();
    String title = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("## ")) {
        title = line.startsWith("## Example: ") ? line.substring("## Example: ".length()).trim() : null;
      } else if (title != null && line.trim().equals("```java")) {
        String name = methodName(title);
        methods.append("  /** README.md, \"## Example: ").append(title).append("\" (line ").append(i + 2)
            .append("). */\n  static void ").append(name).append("() throws Exception {\n");
        for (i++; i < lines.size() && !lines.get(i).trim().equals("```"); i++) {
          methods.append("    ").append(lines.get(i)).append('\n');
        }
        methods.append("  }\n\n");
        cases.append("        case \"").append(title).append("\": ").append(name).append("(); break;\n");
        titles.add(title);
        title = null;                                    // one block per heading
      }
    }
    if (titles.isEmpty()) {
      throw new IllegalStateException(args[0] + " has no Java block under a '## Example: ...' heading");
    }
    Path out = Paths.get(args[1]);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.write(out, String.format(Locale.ROOT, TEMPLATE, methods, cases).getBytes(StandardCharsets.UTF_8));
    System.out.println("README examples: " + String.join(", ", titles));
  }

  /** "a device" -> aDevice, "SAS tokens" -> sasTokens. */
  static String methodName(String title) {
    StringBuilder name = new StringBuilder();
    for (String word : title.split("[^A-Za-z0-9]+")) {
      if (word.isEmpty()) {
        continue;
      }
      String lower = word.toLowerCase(Locale.ROOT);
      name.append(name.length() == 0 ? lower : Character.toUpperCase(lower.charAt(0)) + lower.substring(1));
    }
    if (name.length() == 0 || !Character.isJavaIdentifierStart(name.charAt(0))) {
      name.insert(0, "example");
    }
    return name.toString();
  }
}
