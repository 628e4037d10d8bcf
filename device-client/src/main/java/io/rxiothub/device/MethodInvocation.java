// One direct-method request taken from DirectMethods.requests(), with its reply channel.
package io.rxiothub.device;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Completable;
import io.rxiothub.methods.MethodRequest;
import io.rxiothub.methods.MethodResponse;

/** A direct-method request waiting for its one reply. Thread-safe. */
public interface MethodInvocation {

  /** Returns the request (method name, {@code $rid}, payload). */
  MethodRequest request();

  /**
   * Returns a cold {@code Completable} that, when subscribed, sends {@code response} as the reply
   * and completes on its PUBACK (or once written with QoS 0 replies), on the callback scheduler.
   * Only the first reply of a request is sent.
   *
   * <p>Errors: {@link IllegalStateException} if the request was answered already;
   * {@link IotHubClientStateException} if the client is not connected (closed or disconnected).
   *
   * @throws IllegalArgumentException at once if {@code response} is null
   */
  @CheckReturnValue
  Completable respond(MethodResponse response);

  /** Returns whether a reply has been sent (or handed to the client for sending). */
  boolean isAnswered();
}
