// Direct methods of a client's identity: named handlers, a default handler, a stream of requests.
package io.rxiothub.device;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.functions.Function;
import io.rxiothub.methods.CommandName;
import io.rxiothub.methods.MethodRequest;
import io.rxiothub.methods.MethodResponse;
import org.jspecify.annotations.Nullable;

/**
 * Answers the direct methods the back end invokes on the client's identity (protocol.md §7).
 * Obtain it with {@link IotHubClient#methods()}.
 *
 * <p>The client subscribes to {@code $iothub/methods/POST/#} when the first handler is registered
 * or {@link #requests()} gets its first subscriber, and again after every reconnect. Each request
 * goes to the handler registered for its name, else to the default handler, else to the
 * subscribers of {@link #requests()}, else it is answered 501 with a JSON error body. Exactly one
 * reply goes out per request, on {@code $iothub/methods/res/{status}/?$rid={rid}} with QoS 1 (QoS 0
 * with {@link ClientBuilder#methodRepliesAtMostOnce}); a handler that fails gets a 500 reply with a
 * JSON error body naming the method and the error type (never its message). Handlers are called on
 * the client's {@code callbackScheduler}, one request after the other; do long work inside the
 * returned {@code Single} on a scheduler of your own. A request nobody answers is answered by the
 * hub: 504 to the caller after the method's response timeout.
 */
public interface DirectMethods {

  /**
   * Registers {@code handler} for the method {@code methodName}. For each request the client calls
   * {@code handler.apply(request)} on the callback scheduler, subscribes to the returned
   * {@code Single} and replies with its {@link MethodResponse}; an exception thrown by
   * {@code apply}, a {@code null} return or an error of the {@code Single} is answered 500.
   *
   * @return the registration; disposing it unregisters the handler (a request already being
   *     handled still gets its reply)
   * @throws IllegalArgumentException if {@code methodName} is not a valid method name (empty, or
   *     holding {@code /}, {@code +} or {@code #}) or {@code handler} is null
   * @throws IllegalStateException if a handler for {@code methodName} is registered already
   */
  Disposable handle(String methodName, Function<MethodRequest, Single<MethodResponse>> handler);

  /**
   * Registers the handler of every method without a handler of its own; as
   * {@link #handle(String, Function)} otherwise.
   *
   * @throws IllegalArgumentException if {@code handler} is null
   * @throws IllegalStateException if a default handler is registered already
   */
  Disposable handleDefault(Function<MethodRequest, Single<MethodResponse>> handler);

  /**
   * Returns the hot stream of the requests no handler takes (neither named nor default), as
   * {@link MethodInvocation}s to answer with {@link MethodInvocation#respond}. While the stream has
   * at least one subscriber such requests are not answered 501; each goes to every current
   * subscriber on the callback scheduler and the first {@code respond} wins.
   *
   * <p>Backpressure: each subscriber has its own unbounded buffer; an invocation left waiting in a
   * buffer past the method's timeout can still be answered, but the hub has already answered the
   * caller 504. Completes when the client is closed.
   */
  @CheckReturnValue
  Flowable<MethodInvocation> requests();

  /**
   * Registers {@code handler} for the IoT Plug and Play command {@code command} of {@code component}
   * (null: the default component), that is for the direct method {@code {component}*{command}}
   * ({@link CommandName}); as {@link #handle(String, Function)} otherwise.
   *
   * @throws IllegalArgumentException if a name is not a DTDL name or {@code handler} is null
   * @throws IllegalStateException if a handler for that command is registered already
   */
  default Disposable handleCommand(@Nullable String component, String command,
      Function<MethodRequest, Single<MethodResponse>> handler) {
    return handle(CommandName.of(component, command).methodName(), handler);
  }
}
