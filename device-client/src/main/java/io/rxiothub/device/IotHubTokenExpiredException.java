// A fixed SAS token given by the user expired; the client cannot renew it.
package io.rxiothub.device;

/**
 * The {@code SharedAccessSignature} supplied in the connection string has expired. The client cannot
 * make a new token without a key: build a new client with a fresh token, or with a
 * {@code SharedAccessKey} so that the client renews tokens itself. Not retryable.
 */
public class IotHubTokenExpiredException extends IotHubException {

  private static final long serialVersionUID = 1L;

  private final long expiryEpochSeconds;

  /** Creates the exception for a token that expired at {@code expiryEpochSeconds}. */
  public IotHubTokenExpiredException(long expiryEpochSeconds, String message) {
    super(message, null);
    this.expiryEpochSeconds = expiryEpochSeconds;
  }

  /** Returns when the token expired, in seconds since 1970-01-01T00:00:00Z. */
  public long expiryEpochSeconds() {
    return expiryEpochSeconds;
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
