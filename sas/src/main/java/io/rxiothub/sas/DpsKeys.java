// Device Provisioning Service group enrollments: derive a device's symmetric key from the group key.
package io.rxiothub.sas;

import io.rxiothub.sas.internal.Base64Codec;
import io.rxiothub.sas.internal.Hmac;

/** Key derivation for DPS symmetric-key group enrollments. */
public final class DpsKeys {

  private DpsKeys() {}

  /**
   * Returns {@code base64(HMAC-SHA256(base64decode(groupKey), UTF-8(registrationId)))}, the key a
   * device enrolled through a group uses.
   *
   * @throws IllegalArgumentException if {@code groupKeyBase64} is not base64 or {@code registrationId}
   *     is empty
   */
  public static String deriveDeviceKey(String groupKeyBase64, String registrationId) {
    if (groupKeyBase64 == null || groupKeyBase64.isEmpty()) {
      throw new IllegalArgumentException("group key is missing");
    }
    byte[] groupKey = Base64Codec.decode(groupKeyBase64);
    if (groupKey == null || groupKey.length == 0) {
      throw new IllegalArgumentException("group key must be non-empty base64 text (RFC 4648, with '=' padding)");
    }
    if (registrationId == null || registrationId.isEmpty()) {
      throw new IllegalArgumentException("registration id is missing or empty");
    }
    return Base64Codec.encode(Hmac.sha256(groupKey, registrationId));
  }
}
