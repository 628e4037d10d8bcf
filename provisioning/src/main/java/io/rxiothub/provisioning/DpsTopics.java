// The DPS topic grammar (protocol.md §15.2): the two request topics the device publishes and the response filter.
package io.rxiothub.provisioning;

/** Topics of DPS over MQTT. */
public final class DpsTopics {

  /** The filter a device subscribes to before its first request: {@code $dps/registrations/res/#}. */
  public static final String RESPONSE_FILTER = "$dps/registrations/res/#";
  /** Every response topic starts with this. */
  public static final String RESPONSE_PREFIX = "$dps/registrations/res/";
  /** The register request topic up to its query. */
  public static final String REGISTER_PREFIX = "$dps/registrations/PUT/iotdps-register/?";
  /** The operation status request topic up to its query. */
  public static final String STATUS_PREFIX = "$dps/registrations/GET/iotdps-get-operationstatus/?";

  private DpsTopics() {}

  /** Returns {@code $dps/registrations/PUT/iotdps-register/?$rid={rid}}. */
  public static String register(long requestId) {
    return REGISTER_PREFIX + "$rid=" + requestId;
  }

  /**
   * Returns {@code $dps/registrations/GET/iotdps-get-operationstatus/?$rid={rid}&operationId={operationId}}.
   *
   * @throws IllegalArgumentException if the operation id is empty or holds a character that would break the topic
   *     ({@code &}, {@code #}, {@code +}, {@code /}, a control character)
   */
  public static String operationStatus(long requestId, String operationId) {
    if (operationId == null || operationId.isEmpty()) {
      throw new IllegalArgumentException("operationId must not be null or empty");
    }
    for (int i = 0; i < operationId.length(); i++) {
      char c = operationId.charAt(i);
      if (c == '&' || c == '#' || c == '+' || c == '/' || c == '=' || c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("operationId must not contain '&', '=', '#', '+', '/' or control "
            + "characters (position " + i + ")");
      }
    }
    return STATUS_PREFIX + "$rid=" + requestId + "&operationId=" + operationId;
  }
}
