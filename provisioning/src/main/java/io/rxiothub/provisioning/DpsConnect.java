// The CONNECT of a DPS registration (protocol.md §15.1): user name and the SAS token used as its password.
package io.rxiothub.provisioning;

import io.rxiothub.sas.DpsKeys;
import io.rxiothub.sas.PercentEncoding;
import io.rxiothub.sas.SasToken;

/** User name, token resource and SAS token of a DPS CONNECT. */
public final class DpsConnect {

  /** The api-version rxiothub sends (the C SDK's; Java and Node send 2019-03-31). */
  public static final String API_VERSION = "2021-06-01";
  /** The {@code skn} of a DPS registration token. */
  public static final String KEY_NAME = "registration";
  /** The default global endpoint. */
  public static final String GLOBAL_ENDPOINT = "global.azure-devices-provisioning.net";

  private DpsConnect() {}

  /**
   * Returns {@code {idScope}/registrations/{registrationId}/api-version=2021-06-01&ClientVersion={enc}}.
   *
   * @throws IllegalArgumentException if an argument is null or empty, or the scope or id holds a {@code /}
   */
  public static String userName(String idScope, String registrationId, String clientVersion) {
    checkScopeAndId(idScope, registrationId);
    if (clientVersion == null || clientVersion.isEmpty()) {
      throw new IllegalArgumentException("clientVersion must not be null or empty");
    }
    return idScope + "/registrations/" + registrationId + "/api-version=" + API_VERSION + "&ClientVersion="
        + PercentEncoding.encode(clientVersion);
  }

  /** Returns the resource a registration token covers: {@code {idScope}/registrations/{registrationId}}. */
  public static String tokenResource(String idScope, String registrationId) {
    checkScopeAndId(idScope, registrationId);
    return idScope + "/registrations/" + registrationId;
  }

  /**
   * Signs a registration token with the device's key: {@code sr} encoded, {@code skn=registration}.
   *
   * @param base64Key the individual enrollment's key, or the key derived from a group key ({@link #derivedKey})
   * @throws IllegalArgumentException naming the argument and the rule it breaks (never the key)
   */
  public static SasToken sasToken(String idScope, String registrationId, String base64Key, long expiryEpochSeconds) {
    return SasToken.generate(tokenResource(idScope, registrationId), base64Key, expiryEpochSeconds, KEY_NAME);
  }

  /**
   * The key of a device enrolled through a symmetric-key group: {@code base64(HMAC-SHA256(groupKey, registrationId))}.
   *
   * @throws IllegalArgumentException if the group key is not base64 or the registration id is empty
   */
  public static String derivedKey(String groupKeyBase64, String registrationId) {
    return DpsKeys.deriveDeviceKey(groupKeyBase64, registrationId);
  }

  private static void checkScopeAndId(String idScope, String registrationId) {
    if (idScope == null || idScope.isEmpty()) {
      throw new IllegalArgumentException("idScope must not be null or empty");
    }
    if (registrationId == null || registrationId.isEmpty()) {
      throw new IllegalArgumentException("registrationId must not be null or empty");
    }
    if (idScope.indexOf('/') >= 0 || registrationId.indexOf('/') >= 0) {
      throw new IllegalArgumentException("idScope and registrationId must not contain '/'");
    }
  }
}
