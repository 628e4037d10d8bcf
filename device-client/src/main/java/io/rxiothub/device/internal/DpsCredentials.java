// The CONNECT of a DPS registration: client id = registration id, the DPS user name, a fresh registration SAS
// token per attempt (none for X.509).
package io.rxiothub.device.internal;

import io.rxiothub.device.IotHubTokenExpiredException;
import io.rxiothub.provisioning.DpsConnect;
import io.rxiothub.transport.ConnectCredentials;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** Immutable; the key never leaves this object except inside a signature. */
public final class DpsCredentials implements ConnectCredentials {

  private static final long TOKEN_TTL_SECONDS = 3600;

  private final String idScope;
  private final String registrationId;
  private final String username;
  private final @Nullable String deviceKey;

  /** Credentials signing with {@code deviceKey} (the individual or group-derived key), or none for X.509. */
  public DpsCredentials(String idScope, String registrationId, String clientVersion, @Nullable String deviceKey) {
    this.idScope = idScope;
    this.registrationId = registrationId;
    this.username = DpsConnect.userName(idScope, registrationId, clientVersion);
    this.deviceKey = deviceKey;
  }

  @Override
  public String clientId() {
    return registrationId;
  }

  @Override
  public String username() {
    return username;
  }

  @Override
  public byte @Nullable [] password(long nowMillis) {
    if (deviceKey == null) {
      return null;
    }
    return DpsConnect.sasToken(idScope, registrationId, deviceKey, nowMillis / 1000 + TOKEN_TTL_SECONDS).format()
        .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public long renewAtMillis() {
    return -1;
  }

  @Override
  public long expiresAtMillis() {
    return -1;
  }

  @Override
  public RuntimeException expired() {
    return new IotHubTokenExpiredException(0, "the registration token expired");
  }

  @Override
  public String toString() {
    return "DpsCredentials{registrationId=" + registrationId + ", key=<redacted>}";
  }
}
