// The one-shot reply channel a MethodHandler answers through.
package io.rxiothub.methods;

/**
 * The reply channel of one request. Only the first call of {@link #send} or {@link #fail} counts; later
 * calls return false and are logged. Thread-safe.
 */
public interface MethodReply {

  /**
   * Replies with {@code response}.
   *
   * @return true if this was the request's reply, false if it had been answered already
   * @throws IllegalArgumentException if {@code response} is null
   */
  boolean send(MethodResponse response);

  /**
   * Replies 500 with a JSON error body naming the method and the failure's type (never its message, which
   * could hold secrets).
   *
   * @return true if this was the request's reply, false if it had been answered already
   */
  boolean fail(Throwable error);

  /** Returns whether the request has been answered. */
  boolean isDone();
}
