// The exit codes every rxiothub command documents.
package io.rxiothub.cli;

/** Exit codes of the {@code rxiothub} commands (also listed by {@code rxiothub --help}). */
final class ExitCodes {
  /** Success. */
  static final int OK = 0;
  /** The operation ran but failed: an invalid token, a demo step that failed, a method that answered an error. */
  static final int FAILED = 1;
  /** Bad usage or bad input: unknown option, malformed connection string, unreadable file. */
  static final int USAGE = 2;
  /** The launcher could not build the command line (the ./rxiothub script only). */
  static final int BUILD_FAILED = 3;
  /** Could not connect: unreachable host, TLS failure, refused credentials, no running emulator. */
  static final int CONNECTION = 4;
  /** --timeout passed before the expected work was done (for example fewer than --count messages). */
  static final int TIMEOUT = 5;
  /**
   * Stopped by Ctrl-C. A signal makes the JVM exit with 128 + its number whatever the command returns, so this is
   * documentation: commands finish cleanly (acks in flight, summary) from a shutdown hook first.
   */
  static final int INTERRUPTED = 130;

  static final String[] DESCRIPTIONS = {
      "0:success",
      "1:the operation failed (invalid token, failed demo step, error answer); the message says why",
      "2:bad usage or bad input (unknown option, malformed connection string, unreadable file)",
      "3:the ./rxiothub launcher could not build the command line (see cli/build.log)",
      "4:could not connect (unreachable host, TLS failure, refused credentials, no running emulator)",
      "5:--timeout passed before the expected work was done",
      "130:stopped by Ctrl-C (the JVM's code for SIGINT), after the command finished cleanly"};

  private ExitCodes() {}
}
