// The DTDL rule for component, property and command names (protocol.md §17.3).
package io.rxiothub.twin.internal;

import java.util.regex.Pattern;

/** Checks names of Plug and Play components and properties against DTDL v2's "Name" rule. */
public final class DtdlNames {

  /** Longest name DTDL v2 allows. */
  public static final int MAX_LENGTH = 64;

  private static final Pattern NAME = Pattern.compile("[a-zA-Z](?:[a-zA-Z0-9_]*[a-zA-Z0-9])?");

  private DtdlNames() {}

  /**
   * Returns {@code name} if it is a DTDL name.
   *
   * @throws IllegalArgumentException naming {@code what} and the rule otherwise
   */
  public static String check(String what, String name) {
    if (name == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    if (name.length() > MAX_LENGTH || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " '" + name + "' is not a DTDL name: 1 to " + MAX_LENGTH
          + " characters, letters, digits and '_', starting with a letter and not ending with '_'");
    }
    return name;
  }
}
