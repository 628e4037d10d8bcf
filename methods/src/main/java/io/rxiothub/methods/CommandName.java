// IoT Plug and Play: a command's method name, "{component}*{command}" or "{command}" (protocol.md §17.3).
package io.rxiothub.methods;

import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The name of an IoT Plug and Play command: a command of a component travels as the direct method
 * {@code {component}*{command}}, a command of the default component as {@code {command}}. Both names follow
 * DTDL v2's rule (1 to 64 letters, digits and {@code _}, starting with a letter, not ending with {@code _}),
 * so neither holds {@code *}.
 */
public final class CommandName {

  /** The separator between component and command. */
  public static final char SEPARATOR = '*';

  private static final Pattern DTDL_NAME = Pattern.compile("[a-zA-Z](?:[a-zA-Z0-9_]{0,62}[a-zA-Z0-9])?");

  private final @Nullable String component;
  private final String command;

  private CommandName(@Nullable String component, String command) {
    this.component = component;
    this.command = command;
  }

  /**
   * Returns the command {@code command} of {@code component} (null: the default component).
   *
   * @throws IllegalArgumentException if a name is null (command) or not a DTDL name
   */
  public static CommandName of(@Nullable String component, String command) {
    if (component != null) {
      check("component", component);
    }
    if (command == null) {
      throw new IllegalArgumentException("command must not be null");
    }
    check("command", command);
    return new CommandName(component, command);
  }

  /**
   * Parses a direct method name: the part before the first {@code *} is the component.
   *
   * @throws IllegalArgumentException if {@code methodName} is null, or the component or the command is not
   *     a DTDL name (a second {@code *} included)
   */
  public static CommandName parse(String methodName) {
    if (methodName == null) {
      throw new IllegalArgumentException("methodName must not be null");
    }
    int star = methodName.indexOf(SEPARATOR);
    return star < 0 ? of(null, methodName) : of(methodName.substring(0, star), methodName.substring(star + 1));
  }

  private static void check(String what, String name) {
    if (!DTDL_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " '" + name + "' is not a DTDL name: 1 to 64 characters, "
          + "letters, digits and '_', starting with a letter and not ending with '_'");
    }
  }

  /** Returns the component, or null for the default component. */
  public @Nullable String component() {
    return component;
  }

  /** Returns the command name within its component. */
  public String command() {
    return command;
  }

  /** Returns the direct method name: {@code {component}*{command}}, or {@code {command}}. */
  public String methodName() {
    return component == null ? command : component + SEPARATOR + command;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CommandName)) {
      return false;
    }
    CommandName other = (CommandName) o;
    return Objects.equals(component, other.component) && command.equals(other.command);
  }

  @Override
  public int hashCode() {
    return Objects.hash(component, command);
  }

  @Override
  public String toString() {
    return methodName();
  }
}
