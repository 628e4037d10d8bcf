// Direct methods (protocol.md §7): the service's invocation published on $iothub/methods/POST/{name}/?$rid=, the
// device's response matched by $rid, 404 when it is not there to answer and 504 when it does not answer in time.
package io.rxiothub.emulator.internal;

import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.core.SingleEmitter;
import io.rxiothub.emulator.MethodResult;
import io.rxiothub.emulator.internal.TopicRules.PublishKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Method calls waiting for their responses. Thread-safe. */
public final class MethodCalls {

  private static final Logger LOG = LoggerFactory.getLogger(MethodCalls.class);

  private final ScheduledExecutorService timer;
  private final Sessions sessions;
  private final Publisher publisher;
  private final LongSupplier ids;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  /** A direct method waiting for its response; its time-out is armed once it is stored. */
  private static final class Pending {
    final Identity identity;
    final SingleEmitter<MethodResult> emitter;
    volatile @Nullable ScheduledFuture<?> timeout;

    Pending(Identity identity, SingleEmitter<MethodResult> emitter) {
      this.identity = identity;
      this.emitter = emitter;
    }

    void cancelTimeout() {
      ScheduledFuture<?> t = timeout;
      if (t != null) {
        t.cancel(false);
      }
    }
  }

  /** Creates the calls; {@code ids} gives unique numbers for {@code $rid}s. */
  public MethodCalls(ScheduledExecutorService timer, Sessions sessions, Publisher publisher, LongSupplier ids) {
    this.timer = timer;
    this.sessions = sessions;
    this.publisher = publisher;
    this.ids = ids;
  }

  /**
   * Checks the arguments of an invocation.
   *
   * @throws IllegalArgumentException if the name is empty or holds '/', '+' or '#', or the timeout is not positive
   */
  static void checkInvocation(@Nullable String methodName, @Nullable Duration timeout) {
    if (methodName == null || methodName.isEmpty() || methodName.contains("/") || methodName.contains("+")
        || methodName.contains("#")) {
      throw new IllegalArgumentException("methodName must be non-empty and contain no '/', '+' or '#'");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
  }

  /** Invokes a direct method on a registered identity (cold: each subscription is one invocation). */
  public Single<MethodResult> invoke(Identity identity, String methodName, @Nullable String payload,
      Duration timeout) {
    return Single.create(emitter -> {
      if (publisher.link() == null || !sessions.isSubscribed(identity, TopicRules.METHODS_FILTER)) {
        emitter.onSuccess(notFound("device '" + identity + "' is not online or not subscribed to methods"));
        return;
      }
      String rid = Long.toHexString(ids.getAsLong());
      Pending stored = new Pending(identity, emitter);
      // stored before its time-out is armed: a time-out that fires at once (a short one, a paused thread) finds it
      pending.put(rid, stored);
      stored.timeout = timer.schedule(() -> {
        Pending call = pending.remove(rid);
        if (call != null) {
          LOG.info("hub emulator: method '{}' on {} timed out (504101)", methodName, identity);
          call.emitter.onSuccess(MethodResult.of(504, RequestGrammar.errorText(504101,
              "timed out waiting for the response from device '" + identity + "'")));
        }
      }, timeout.toMillis(), TimeUnit.MILLISECONDS);
      emitter.setCancellable(() -> {
        Pending call = pending.remove(rid);
        if (call != null) {
          call.cancelTimeout();
        }
      });
      byte[] body = payload == null ? new byte[0] : payload.getBytes(StandardCharsets.UTF_8);
      publisher.publish(identity, RequestGrammar.methodRequest(methodName, rid), body, 0)
          .whenComplete((delivered, error) -> {
            if (error != null || !Boolean.TRUE.equals(delivered)) {
              Pending call = pending.remove(rid);
              if (call != null) {
                call.cancelTimeout();
                call.emitter.onSuccess(notFound("device '" + identity + "' is not subscribed to methods"));
              }
            }
          });
    });
  }

  /** A device's response on {@code $iothub/methods/res/{status}/?$rid=}: completes the call it answers. */
  public void response(Identity identity, String topic, byte[] payload) {
    Integer status = RequestGrammar.methodStatus(topic);
    String rid = RequestGrammar.rid(topic, PublishKind.METHOD_RESPONSE);
    Pending call = rid == null ? null : pending.get(rid);
    if (call == null || !call.identity.equals(identity) || status == null || !pending.remove(rid, call)) {
      LOG.info("hub emulator: ignored a method response from {} with unknown or expired $rid {}", identity, rid);
      return;
    }
    call.cancelTimeout();
    call.emitter.onSuccess(MethodResult.of(status, new String(payload, StandardCharsets.UTF_8)));
  }

  /** Fails every pending call with 404 (the hub is stopping). */
  public void abandon() {
    for (String rid : new ArrayList<>(pending.keySet())) {
      Pending call = pending.remove(rid);
      if (call != null) {
        call.cancelTimeout();
        call.emitter.onSuccess(notFound("the hub stopped"));
      }
    }
  }

  private static MethodResult notFound(String message) {
    return MethodResult.of(404, RequestGrammar.errorText(404103, message));
  }
}
