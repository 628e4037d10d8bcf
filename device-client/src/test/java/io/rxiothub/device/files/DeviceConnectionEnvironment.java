// The device connection string of a child JVM of this package's tests, passed in its environment: it holds the
// device's key, which on the command line would be visible to every user of the machine (ps, /proc/PID/cmdline).
package io.rxiothub.device.files;

import io.rxiothub.testing.ChildJvm;

final class DeviceConnectionEnvironment {

  /** The variable's name, the one the examples and Microsoft's samples read. */
  static final String NAME = "IOTHUB_DEVICE_CONNECTION_STRING";

  private DeviceConnectionEnvironment() {}

  /** Returns {@code child} with {@code connectionString} in its environment. */
  static ChildJvm.Builder pass(ChildJvm.Builder child, String connectionString) {
    return child.env(NAME, connectionString);
  }

  /** Returns this JVM's device connection string; fails, saying how to pass it, if the variable is unset. */
  static String read() {
    String value = System.getenv(NAME);
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException("the device connection string is missing: set the environment variable "
          + NAME + " (it is not taken as an argument, which would show the device's key in ps)");
    }
    return value;
  }
}
