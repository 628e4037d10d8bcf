// The handler of one direct method: a small functional interface, free of any reactive library.
package io.rxiothub.methods;

/**
 * Handles a direct-method request. The handler replies through {@code reply}, now or later, from any
 * thread; the dispatcher guarantees that exactly one reply goes out per request. Throwing before replying
 * makes the dispatcher reply 500 with a JSON error body.
 *
 * <p>An adapter for a reactive function is one line, e.g. with RxJava:
 * {@code (request, reply) -> fn.apply(request).subscribe(reply::send, reply::fail)}.
 */
public interface MethodHandler {

  /**
   * Handles {@code request}.
   *
   * @throws Exception any failure before replying; answered with status 500
   */
  void handle(MethodRequest request, MethodReply reply) throws Exception;
}
