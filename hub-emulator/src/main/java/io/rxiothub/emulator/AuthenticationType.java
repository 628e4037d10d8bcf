// How an identity of the emulator's registry authenticates its MQTT connections (protocol.md §3, §15.5).
package io.rxiothub.emulator;

/** The IoT Hub authentication types: {@code sas}, {@code selfSigned}, {@code certificateAuthority}. */
public enum AuthenticationType {
  /** A SAS token signed with the identity's key or a policy key, in the CONNECT password. */
  SAS("sas"),
  /** A client certificate whose SHA-1 or SHA-256 thumbprint is the identity's primary or secondary one. */
  SELF_SIGNED("selfSigned"),
  /** A client certificate whose chain leads to a CA registered with the hub, and whose CN is the device id. */
  CERTIFICATE_AUTHORITY("certificateAuthority");

  private final String wireName;

  AuthenticationType(String wireName) {
    this.wireName = wireName;
  }

  /** The name in IoT Hub's REST API ({@code authentication.type}). */
  public String wireName() {
    return wireName;
  }

  /**
   * The type with that REST name.
   *
   * @throws IllegalArgumentException if it is none of {@code sas}, {@code selfSigned}, {@code certificateAuthority}
   */
  public static AuthenticationType fromWireName(String name) {
    for (AuthenticationType type : values()) {
      if (type.wireName.equals(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException("authentication type must be sas, selfSigned or certificateAuthority, got '"
        + name + "'");
  }
}
