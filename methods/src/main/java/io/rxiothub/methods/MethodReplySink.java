// Where the dispatcher delivers the one reply of each request (the device client publishes it).
package io.rxiothub.methods;

/**
 * Receives the reply of each dispatched request exactly once; the caller publishes it on
 * {@code request.responseTopic(response.status())}. May be called on the handler's thread.
 */
public interface MethodReplySink {

  /** Delivers the reply to {@code request}. */
  void reply(MethodRequest request, MethodResponse response);
}
