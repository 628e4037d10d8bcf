// CONNECT credentials of a Watson gateway: g:{org}:{type}:{id}, use-token-auth, the token (never renewed).
package io.rxiothub.watson.client.internal;

import io.rxiothub.transport.ConnectCredentials;
import io.rxiothub.watson.client.WatsonException;
import java.nio.charset.Charset;

/** A gateway's token authentication (protocol.md §14.1): the token does not expire. */
public final class TokenCredentials implements ConnectCredentials {

  private final String clientId;
  private final byte[] token;

  /** Creates the credentials of {@code clientId}. */
  public TokenCredentials(String clientId, String token) {
    this.clientId = clientId;
    this.token = token.getBytes(Charset.forName("UTF-8"));
  }

  @Override
  public String clientId() {
    return clientId;
  }

  @Override
  public String username() {
    return "use-token-auth";
  }

  @Override
  public byte[] password(long nowMillis) {
    return token.clone();
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
    return new WatsonException(WatsonException.Kind.CLIENT_STATE, 0, "Watson tokens do not expire", null);
  }

  @Override
  public String toString() {
    return "TokenCredentials{" + clientId + ", token=<redacted>}";
  }
}
