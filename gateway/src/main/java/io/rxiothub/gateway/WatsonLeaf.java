// One Watson IoT leaf the gateway accepts: its device type and id and the local token it connects with (§18.3).
package io.rxiothub.gateway;

import io.rxiothub.watson.WatsonIds;
import org.jspecify.annotations.Nullable;

/**
 * A Watson-style leaf device: it connects to the gateway's broker as {@code d:{org}:{typeId}:{deviceId}} with user
 * name {@code use-token-auth} and its {@link #token()}, and its events go upstream as events of
 * {@code typeId}/{@code deviceId} through the gateway's one Watson IoT connection. {@link #toString()} never shows
 * the token.
 */
public final class WatsonLeaf {

  private final String typeId;
  private final String deviceId;
  private final String token;

  private WatsonLeaf(String typeId, String deviceId, String token) {
    this.typeId = typeId;
    this.deviceId = deviceId;
    this.token = token;
  }

  /**
   * Returns a leaf of device type {@code typeId} and id {@code deviceId} that authenticates with {@code token}.
   *
   * @throws IllegalArgumentException if an id breaks the Watson id rule (1..36 of {@code A-Z a-z 0-9 - _ .}) or
   *     the token is not 8..128 characters without control characters
   */
  public static WatsonLeaf of(String typeId, String deviceId, String token) {
    return new WatsonLeaf(WatsonIds.requireId("typeId", typeId), WatsonIds.requireId("deviceId", deviceId),
        requireToken("token", token));
  }

  /** Checks a Watson token (protocol.md §14.1): 8..128 characters, no control character; never echoes it. */
  static String requireToken(String field, String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be null or empty");
    }
    if (token.length() < 8 || token.length() > 128) {
      throw new IllegalArgumentException(field + " must be 8..128 characters, got " + token.length());
    }
    for (int i = 0; i < token.length(); i++) {
      if (Character.isISOControl(token.charAt(i))) {
        throw new IllegalArgumentException(field + " must not hold a control character (at index " + i + ")");
      }
    }
    return token;
  }

  /** Returns the device type id. */
  public String typeId() {
    return typeId;
  }

  /** Returns the device id. */
  public String deviceId() {
    return deviceId;
  }

  /** Returns the local token the leaf connects with. */
  public String token() {
    return token;
  }

  /** Returns the leaf's downstream client id in organisation {@code orgId}: {@code d:{org}:{type}:{id}}. */
  public String clientId(String orgId) {
    return "d:" + orgId + ":" + typeId + ":" + deviceId;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof WatsonLeaf)) {
      return false;
    }
    WatsonLeaf other = (WatsonLeaf) o;
    return typeId.equals(other.typeId) && deviceId.equals(other.deviceId) && token.equals(other.token);
  }

  @Override
  public int hashCode() {
    return (typeId.hashCode() * 31 + deviceId.hashCode()) * 31 + token.hashCode();
  }

  @Override
  public String toString() {
    return "WatsonLeaf{" + typeId + "/" + deviceId + ", token=<redacted>}";
  }
}
