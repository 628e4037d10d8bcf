// An application's API key and its token (protocol.md §14.1); the token is never shown by toString.
package io.rxiothub.emulator.watson;

import org.jspecify.annotations.Nullable;

/** An API key ({@code a-{org}-{suffix}}, the MQTT user name of an application) and its token (the password). */
public final class ApiKey {

  private final String key;
  private final String token;

  /** Creates the pair. */
  public ApiKey(String key, String token) {
    if (key == null) {
      throw new IllegalArgumentException("key must not be null");
    }
    if (token == null) {
      throw new IllegalArgumentException("token must not be null");
    }
    this.key = key;
    this.token = token;
  }

  /** Returns the API key (the user name). */
  public String key() {
    return key;
  }

  /** Returns the token (the password). */
  public String token() {
    return token;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ApiKey k && key.equals(k.key) && token.equals(k.token);
  }

  @Override
  public int hashCode() {
    return 31 * key.hashCode() + token.hashCode();
  }

  @Override
  public String toString() {
    return "ApiKey{key=" + key + ", token=<redacted>}";
  }
}
