// A failure a command reports as one clear line and an exit code.
package io.rxiothub.cli;

import org.jspecify.annotations.Nullable;

/** Ends a command with {@link #exitCode()} after printing {@code error: <message>} (and, with --verbose, the cause). */
final class CliException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliException(int exitCode, String message) {
    this(exitCode, message, null);
  }

  CliException(int exitCode, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
