// The status of a DPS registration operation (protocol.md §15.2).
package io.rxiothub.provisioning;

import java.util.Locale;

/** {@code unassigned}, {@code assigning}, {@code assigned}, {@code failed} or {@code disabled}. */
public enum RegistrationStatus {
  UNASSIGNED, ASSIGNING, ASSIGNED, FAILED, DISABLED;

  /** The wire form, lower case. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the operation is over (assigned, failed or disabled). */
  public boolean isFinal() {
    return this == ASSIGNED || this == FAILED || this == DISABLED;
  }

  /**
   * The status of a wire name, case-insensitive.
   *
   * @throws IllegalArgumentException if the name is none of the five
   */
  public static RegistrationStatus fromWire(String name) {
    if (name == null) {
      throw new IllegalArgumentException("status is missing");
    }
    for (RegistrationStatus status : values()) {
      if (status.name().equalsIgnoreCase(name)) {
        return status;
      }
    }
    throw new IllegalArgumentException("status must be unassigned, assigning, assigned, failed or disabled");
  }
}
