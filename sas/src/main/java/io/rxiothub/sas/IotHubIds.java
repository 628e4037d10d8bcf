// The hub's rules for device and module ids (protocol.md §1), shared by the SDK and the emulator's registry.
package io.rxiothub.sas;

/**
 * Validation of IoT Hub device and module ids: case-sensitive, 1 to 128 characters, ASCII letters and
 * digits plus {@code - : . + % _ # * ? ! ( ) , = @ ; $ '}.
 */
public final class IotHubIds {

  /** The longest id the hub accepts. */
  public static final int MAX_LENGTH = 128;

  private static final String PUNCTUATION = "-:.+%_#*?!(),=@;$'";

  private IotHubIds() {}

  /**
   * Returns {@code deviceId} if it is a valid device id.
   *
   * @throws IllegalArgumentException naming the rule that {@code deviceId} breaks
   */
  public static String checkDeviceId(String deviceId) {
    return check("DeviceId", deviceId);
  }

  /**
   * Returns {@code moduleId} if it is a valid module id.
   *
   * @throws IllegalArgumentException naming the rule that {@code moduleId} breaks
   */
  public static String checkModuleId(String moduleId) {
    return check("ModuleId", moduleId);
  }

  /** Returns whether {@code id} is a valid device or module id. */
  public static boolean isValid(String id) {
    return problem(id) == null;
  }

  /**
   * Returns whether {@code id} can appear in an MQTT topic: ids containing {@code +} or {@code #} are
   * valid for the hub but cannot be used over MQTT (MQTT 3.1.1 §4.7).
   */
  public static boolean isMqttSafe(String id) {
    return id.indexOf('+') < 0 && id.indexOf('#') < 0;
  }

  static String check(String field, String id) {
    String problem = problem(id);
    if (problem != null) {
      throw new IllegalArgumentException(field + " " + problem);
    }
    return id;
  }

  private static @org.jspecify.annotations.Nullable String problem(@org.jspecify.annotations.Nullable String id) {
    if (id == null) {
      return "is missing";
    }
    if (id.isEmpty()) {
      return "is empty";
    }
    if (id.length() > MAX_LENGTH) {
      return "is " + id.length() + " characters long; the maximum is " + MAX_LENGTH;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
          || PUNCTUATION.indexOf(c) >= 0;
      if (!ok) {
        return "contains an illegal character at index " + i + " ("
            + describe(c) + "); allowed are ASCII letters, digits and " + PUNCTUATION;
      }
    }
    return null;
  }

  private static String describe(char c) {
    if (c > 0x20 && c < 0x7f) {
      return "'" + c + "'";
    }
    String hex = Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT);
    return "U+" + "0000".substring(hex.length()) + hex;
  }
}
