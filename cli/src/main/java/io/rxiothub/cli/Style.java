// Colours and alignment for terminal output: ANSI when picocli detects a terminal, plain text when piped.
package io.rxiothub.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Styles fixed labels; user data is never passed through picocli's markup. */
final class Style {

  private final CommandLine.Help.Ansi ansi;

  private Style(CommandLine.Help.Ansi ansi) {
    this.ansi = ansi;
  }

  static Style of(CommandSpec spec) {
    return new Style(spec.commandLine().getColorScheme().ansi());
  }

  boolean enabled() {
    return ansi.enabled();
  }

  String ok(String text) {
    return styled("bold,green", text);
  }

  String failed(String text) {
    return styled("bold,red", text);
  }

  String bold(String text) {
    return styled("bold", text);
  }

  String dim(String text) {
    return styled("faint", text);
  }

  String cyan(String text) {
    return styled("cyan", text);
  }

  String yellow(String text) {
    return styled("yellow", text);
  }

  private String styled(String style, String text) {
    if (!ansi.enabled() || text.contains("|@") || text.contains("@|")) {
      return text;
    }
    return ansi.string("@|" + style + " " + text + "|@");
  }

  /** Pads {@code text} with spaces to {@code width} characters (not counting ANSI codes, which it must not hold). */
  static String pad(String text, int width) {
    StringBuilder out = new StringBuilder(text);
    while (out.length() < width) {
      out.append(' ');
    }
    return out.toString();
  }

  /** Milliseconds since {@code startNanos}, as {@code 12 ms} or {@code 1.4 s}. */
  static String since(long startNanos) {
    long millis = (System.nanoTime() - startNanos) / 1_000_000;
    return millis < 10_000 ? millis + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
