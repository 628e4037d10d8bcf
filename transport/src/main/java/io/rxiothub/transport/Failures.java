// The errors of a dialect: the transport makes and classifies its failures through this, so users see
// the dialect's own exception types.
package io.rxiothub.transport;

import org.jspecify.annotations.Nullable;

/**
 * Makes the exceptions the transport reports (the texts are the transport's, the types the
 * dialect's) and classifies the errors it meets. Implementations are stateless and thread-safe.
 */
public interface Failures {

  /** The client is closed, not connected or disconnecting: an operation made at the wrong time. */
  RuntimeException clientState(String message);

  /** A connection failed or was lost; {@code cause} says why. */
  RuntimeException connection(String message, @Nullable Throwable cause);

  /**
   * The server refused the CONNECT with MQTT 3.1.1 return code {@code returnCode};
   * {@code certificate}: the client authenticated with a client certificate, not a password.
   */
  RuntimeException refused(int returnCode, boolean certificate, Throwable cause);

  /** The offline queue of {@code capacity} messages was full. */
  RuntimeException queueFull(int capacity, String message);

  /** A message expired. */
  RuntimeException timeout(String message);

  /** Whether {@code error} of a connection attempt is a refusal, which is never retried. */
  boolean isRefused(Throwable error);

  /**
   * Whether {@code error} of a connection attempt must not be retried (a refusal or any other error
   * the dialect marks so).
   */
  boolean isFatal(Throwable error);

  /** Whether {@code error}, thrown by {@link ConnectCredentials#password}, says the credentials expired. */
  boolean isCredentialsExpired(Throwable error);

  /** Whether {@code error} is one of the dialect's own exceptions (others get wrapped in {@link #connection}). */
  boolean isOwn(Throwable error);

  /**
   * Whether {@code error} of one message of a stream concerns only that message (an expiry, an
   * eviction from the queue, a message the dialect refused to encode) rather than the client, whose
   * errors end the stream.
   */
  boolean concernsMessageOnly(Throwable error);
}
