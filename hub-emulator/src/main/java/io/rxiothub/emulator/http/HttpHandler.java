// One route's handler in the emulator's HTTPS route table.
package io.rxiothub.emulator.http;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Single;

/**
 * Answers one HTTP call. Called on the emulator's HTTP worker threads (never an I/O thread), so it may block
 * briefly; a long wait (a direct method) should return a {@link Single} that completes later. An error signalled
 * by the {@link Single} or thrown is answered 500 with a JSON body naming the exception type only.
 */
@FunctionalInterface
public interface HttpHandler {

  /** The answer to {@code call}: cold, subscribed once per call. */
  @CheckReturnValue
  Single<HttpAnswer> handle(HttpCall call);
}
