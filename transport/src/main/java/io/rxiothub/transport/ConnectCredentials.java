// The CONNECT credentials a dialect gives the transport, asked for again before every attempt.
package io.rxiothub.transport;

import org.jspecify.annotations.Nullable;

/**
 * The identity and secret of one client's CONNECT. The transport asks for the password before every
 * connection attempt (so a dialect can issue a fresh token each time) and, once connected, asks when
 * to renew it ({@link #renewAtMillis}) or when it ends for good ({@link #expiresAtMillis}). Time is
 * passed in, from the transport's time scheduler.
 */
public interface ConnectCredentials {

  /** Returns the MQTT client identifier. */
  String clientId();

  /** Returns the CONNECT user name. */
  String username();

  /**
   * Returns the password of a CONNECT made at {@code nowMillis} (a secret), or null for none (for
   * example X.509 client certificates).
   *
   * @throws RuntimeException the dialect's error if no password can be made; one for which
   *     {@link Failures#isCredentialsExpired} holds ends the connection for good with reason
   *     {@link TransportState.Reason#TOKEN_EXPIRED}
   */
  byte @Nullable [] password(long nowMillis);

  /**
   * Returns when the password last made should be renewed (the transport then reconnects cleanly
   * with a fresh one), or -1 if it is not renewed.
   */
  long renewAtMillis();

  /** Returns when a password that cannot be renewed stops working, or -1 if none does. */
  long expiresAtMillis();

  /** Returns the error reported when the password of {@link #expiresAtMillis} has expired. */
  RuntimeException expired();

  /**
   * Returns how many refusals in a row an automatic reconnection retries with its backoff before it ends: a
   * CONNECT the server refused (a bad user name or password, not authorized) or a {@link #password} that failed
   * with anything but expired credentials. For passwords from a user's token source (an HSM, a TPM, a token
   * server), which may hand out a bad token now and then and a good one when asked again. The retries also end at
   * the give-up time, like those of a network failure; a {@code connect()} the user is waiting for reports a
   * refusal at once whatever this says. Default 0: a refusal ends the reconnection at once.
   */
  default int refusalsRetried() {
    return 0;
  }
}
