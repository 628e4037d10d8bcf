// The exit codes every rxiothub command documents.
package io.rxiothub.samples.cli;

/** Exit codes of the {@code rxiothub} commands. */
final class ExitCodes {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private ExitCodes() {}
}
