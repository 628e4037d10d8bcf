// Receives the single outcome of one twin request.
package io.rxiothub.twin;

/**
 * The outcome of one registered twin request. The correlator calls exactly one of these methods at most
 * once per request, on the thread that delivered the response or ran {@link TwinRequestCorrelator#expire};
 * never after {@link TwinRequestCorrelator#cancel} returned true.
 */
public interface TwinResponseListener {

  /** The hub answered (any status). */
  void onResponse(TwinResponse response);

  /** No response arrived before the request's deadline. */
  void onTimeout(TwinRequest request);
}
