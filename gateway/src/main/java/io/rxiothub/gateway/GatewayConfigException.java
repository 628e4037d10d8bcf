// A configuration file that cannot be used: names the file, the line and the rule.
package io.rxiothub.gateway;

/** Thrown for a configuration file that breaks a rule; the message names the file, the line and the rule. */
public final class GatewayConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final int line;

  /** Creates the exception for 1-based {@code line} (0 when the file as a whole is at fault). */
  public GatewayConfigException(String message, int line) {
    super(message);
    this.line = line;
  }

  /** Returns the 1-based line the error is about, or 0 for the whole file. */
  public int line() {
    return line;
  }
}
