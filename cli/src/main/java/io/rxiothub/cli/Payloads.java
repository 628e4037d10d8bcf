// Reads a payload from an argument, a file, or stdin, the same way for every command.
package io.rxiothub.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;

/** The argument wins, then --file, then stdin (refused when stdin is a terminal, so nothing waits silently). */
final class Payloads {

  private Payloads() {}

  static byte[] readBytes(@Nullable String argument, @Nullable Path file, CommandLine commandLine, String what) {
    if (argument != null && file != null) {
      throw new IllegalArgumentException("give " + what + " as an argument or with --file, not both");
    }
    if (argument != null) {
      return argument.equals("-") ? stdin(what) : argument.getBytes(StandardCharsets.UTF_8);
    }
    if (file != null) {
      try {
        return Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("--file " + file + " does not exist");
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read --file " + file + ": " + e.getMessage());
      }
    }
    if (System.console() != null) {
      throw new IllegalArgumentException("no " + what + ": give it as an argument, with --file, or on stdin");
    }
    return stdin(what);
  }

  static String read(@Nullable String argument, @Nullable Path file, CommandLine commandLine, String what) {
    return new String(readBytes(argument, file, commandLine, what), StandardCharsets.UTF_8);
  }

  private static byte[] stdin(String what) {
    try {
      return System.in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + " from stdin: " + e.getMessage());
    }
  }
}
