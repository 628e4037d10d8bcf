// The device twin of a client's identity: read it, report properties, follow desired changes.
package io.rxiothub.device;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.twin.PnpPatch;
import io.rxiothub.twin.Twin;
import io.rxiothub.twin.TwinPatch;
import io.rxiothub.twin.WritablePropertyAck;
import io.rxiothub.twin.WritablePropertyUpdate;

/**
 * The twin of the client's identity (device or module twin), over the {@code $iothub/twin/…}
 * topics of protocol.md §6. Obtain it with {@link IotHubClient#twin()}.
 *
 * <p>The client subscribes to {@code $iothub/twin/res/#} when the first request is made and waits
 * for that subscription's SUBACK before it publishes any request; it subscribes to
 * {@code $iothub/twin/PATCH/properties/desired/#} when {@link #desiredUpdates()} gets its first
 * subscriber. Both subscriptions are renewed after every reconnect. Each request gets a {@code $rid}
 * unique for the client's lifetime, registered before the PUBLISH, so no response can arrive
 * unmatched. Answers 429 and 5xx are retried with backoff on the client's {@code timeScheduler}
 * ({@link ClientBuilder#twinRetry}); every other non-2xx answer fails the request. Each attempt waits
 * at most {@link ClientBuilder#twinRequestTimeoutMillis}, counted from its start (waiting for a
 * connection included). All signals reach user code on the
 * client's {@code callbackScheduler}.
 */
public interface TwinOperations {

  /**
   * Returns a cold {@code Single} that reads the whole twin ({@code desired} and {@code reported},
   * with their versions): each subscription publishes one {@code GET} (retried on 429/5xx) and
   * emits the twin on a 200 answer. Disposing forgets the {@code $rid}: a late answer is ignored.
   * Requests made while the client reconnects wait and go out on the next connection, within the
   * request timeout; a request whose connection ends after the hub acknowledged it but before the
   * answer is sent again at once on the next connection, with a fresh {@code $rid}.
   *
   * <p>Errors: {@link IotHubRequestException} (the hub answered another status, or 429/5xx after the
   * last retry; carries status and {@code $rid}), {@link IotHubTimeoutException} (no answer in
   * time), {@link IotHubProtocolException} (the answer is not a twin document),
   * {@link IotHubClientStateException} (not connected: {@code connect()} was not called, or
   * {@code disconnect()} or {@code close()} was).
   */
  @CheckReturnValue
  Single<Twin> get();

  /**
   * Returns a cold {@code Single} that patches the reported properties: each subscription publishes
   * {@code patch} as JSON (members update or add, {@code null} deletes, nested objects merge) and
   * emits the new reported {@code $version} from the hub's 2xx answer. Retries, timeout, disposal
   * and errors as {@link #get()}; a 400 answer means the hub rejected the patch (e.g. a twin limit).
   *
   * @throws IllegalArgumentException at once if {@code patch} is null or carries a {@code $version}
   */
  @CheckReturnValue
  Single<Long> updateReported(TwinPatch patch);

  /**
   * Returns the hot stream of changes to the desired properties, each a {@link TwinPatch} with its
   * {@code $version}, in strictly increasing version order, on the callback scheduler.
   *
   * <p>The first subscriber makes the client subscribe to desired notifications and, once that
   * subscription is acknowledged, GET the twin as the baseline (on the first connection when
   * subscribed before {@code connect()}); later notifications are applied in order (a gap triggers a GET). After every
   * reconnect the client GETs the twin again and emits what changed while it was offline as one
   * patch carrying the new version; notifications already covered are dropped, so no version is
   * emitted twice or after a newer one. Subscribe first, then call {@link #get()} for the current
   * state: every change newer than that GET's desired version is emitted.
   *
   * <p>Backpressure: each subscriber has its own unbounded buffer (desired changes are rare: the hub
   * allows about 50 twin updates a second per hub unit). The stream completes when the client is
   * closed and never errors; failed reconciliation GETs are retried and logged at WARN.
   */
  @CheckReturnValue
  Flowable<TwinPatch> desiredUpdates();

  /**
   * Returns the hot stream of IoT Plug and Play writable property updates: each patch of
   * {@link #desiredUpdates()} split per component and property with
   * {@link WritablePropertyUpdate#fromPatch(TwinPatch)}, in order, with the same subscription,
   * backpressure and scheduler behaviour. Answer each with
   * {@link #acknowledge(WritablePropertyAck...)}. What the twin held before the first subscription is not
   * in the stream: read it with {@link #get()} and {@link WritablePropertyUpdate#fromTwin(Twin)}.
   */
  @CheckReturnValue
  default Flowable<WritablePropertyUpdate> writablePropertyUpdates() {
    return desiredUpdates().concatMapIterable(WritablePropertyUpdate::fromPatch);
  }

  /**
   * Returns a cold {@code Single} that reports the acks of writable properties in one reported patch
   * ({@code {"value", "ac", "av", "ad"}} per property, inside its component's {@code "__t": "c"} section),
   * as {@link #updateReported(TwinPatch)} does, and emits the new reported {@code $version}.
   *
   * @throws IllegalArgumentException at once if no ack is given, an ack is null, or the patch breaks a
   *     twin limit
   */
  @CheckReturnValue
  default Single<Long> acknowledge(WritablePropertyAck... acks) {
    if (acks == null) {
      throw new IllegalArgumentException("acks must not be null");
    }
    if (acks.length == 0) {
      throw new IllegalArgumentException("acks must hold at least one ack");
    }
    PnpPatch.Builder patch = PnpPatch.builder();
    for (WritablePropertyAck ack : acks) {
      patch.ack(ack);
    }
    return updateReported(patch.build());
  }
}
