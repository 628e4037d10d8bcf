// What DeviceClient and ModuleClient have in common: connection, telemetry, C2D, twin, direct methods.
package io.rxiothub.device;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Observable;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

/**
 * A connection of one IoT Hub identity (a device or a module) over MQTT.
 *
 * <p>Every I/O method returns a cold Rx type: nothing happens until subscription. Signals reach
 * user code on the client's {@code callbackScheduler}, never on an I/O thread. See
 * {@link DeviceClient} for the thread budget.
 */
public interface IotHubClient extends AutoCloseable {

  /** Returns the device id of the identity. */
  String deviceId();

  /** Returns the module id, or null for a device identity. */
  @Nullable String moduleId();

  /**
   * Returns a cold {@code Completable} that asks for the connection and completes once connected.
   * Each subscription is one request: while the client is meant to be connected it reconnects on
   * its own (exponential backoff with full jitter) until {@code disconnect()} or {@code close()}.
   *
   * <p>Errors: {@link IotHubConnectionRefusedException} (credentials or identity refused, not
   * retried), {@link IotHubTokenExpiredException} (a fixed token expired),
   * {@link IotHubConnectionException} (gave up retrying after the configured time),
   * {@link IotHubClientStateException} (closed, or {@code disconnect()} called first). Disposing
   * the only pending {@code connect()} before the first connection aborts it.
   */
  @CheckReturnValue
  Completable connect();

  /**
   * Returns a cold {@code Completable} that stops reconnecting, sends what was already accepted,
   * waits (bounded) for its acknowledgements, then sends DISCONNECT; completes when disconnected.
   * Messages still unacknowledged at that point fail with {@link IotHubClientStateException}.
   */
  @CheckReturnValue
  Completable disconnect();

  /**
   * Returns the connection states: the current one first, then every change, on the callback
   * scheduler; completes after {@link ConnectionState.Status#CLOSED}.
   */
  @CheckReturnValue
  Observable<ConnectionState> connectionStates();

  /** Returns the current connection state. */
  ConnectionState connectionState();

  /**
   * Returns a cold {@code Completable} that sends {@code message} as telemetry and completes on
   * PUBACK (QoS 1), or once written for {@link Message#atMostOnce()}. Many sends may be in flight at
   * once. While the client reconnects, sends wait in the bounded offline queue and go out in order
   * afterwards; a message whose PUBACK was lost with the connection is sent again (at least once).
   * Disposing a send that still waits in the queue removes it.
   *
   * <p>Errors: {@link IotHubClientStateException} (not connected: {@code connect()} was not called,
   * or {@code disconnect()} or {@code close()} was), {@link IotHubQueueFullException},
   * {@link IotHubTimeoutException} (the message's expiry passed in the queue),
   * {@link IotHubConnectionRefusedException} or {@link IotHubTokenExpiredException} (the client
   * stopped connecting while the message waited).
   *
   * @throws IllegalArgumentException at once if the message exceeds the hub's 256 KiB limit (payload,
   *     system property values and application property names and values)
   */
  @CheckReturnValue
  Completable send(Message message);

  /**
   * Returns a cold {@code Flowable} that sends the messages of {@code messages} as telemetry, in
   * their order, and emits one {@link SendResult} per message once it is decided: the fast path for
   * a stream of telemetry (one subscription instead of one {@code Completable} per message, and
   * messages handed to MQTT in batches). Results come in the order the hub acknowledges the
   * messages, normally the source order.
   *
   * <p>Flow control: at most 1024 messages taken
   * from {@code messages} wait for their result at once (in flight, in the offline queue while the
   * client reconnects, or emitted but not yet requested downstream); the source is requested more as
   * results are emitted. These messages are not refused for a full offline queue: the window bounds
   * them. The source is requested on the callback scheduler (so a synchronous source runs there), and results are emitted
   * there, as for {@link #send}; like any callback, a blocking source holds back the client's other
   * callbacks.
   *
   * <p>Every message taken from the source gets exactly one result. A result fails, and the stream
   * goes on, with {@link IotHubTimeoutException} (the message's expiry passed),
   * {@link IotHubQueueFullException} (dropped from the offline queue by
   * {@link OverflowPolicy#DROP_OLDEST} to make room for a single send) or
   * {@link IllegalArgumentException} (the message exceeds the hub's 256 KiB limit). Any other
   * error concerns the client (not connected, closed, refused, token expired, gave up reconnecting,
   * a failed publish): the stream stops taking messages, emits the results of those it took, then
   * ends with the first such error. An error of the source also ends the stream once the messages
   * taken before it have their results. Cancelling removes the stream's messages still waiting in
   * the offline queue; those already handed to MQTT cannot be recalled and are not reported.
   */
  @CheckReturnValue
  Flowable<SendResult> sendAll(Publisher<Message> messages);

  /**
   * Returns the hot stream of cloud-to-device messages. The first subscriber makes the client
   * subscribe to the devicebound topic (now or at the next connection, and again after every
   * reconnect). Each message goes to every current subscriber on the callback scheduler and is
   * acknowledged to the hub (PUBACK) only after {@code onNext} returned for all of them.
   *
   * <p>Backpressure: a message waits, unacknowledged, until every subscriber has requested it; the
   * hub sends no more than its in-flight window meanwhile. Messages that arrive with no subscriber
   * (a persistent session delivers right after connecting) wait for the first one. A message with a
   * malformed topic or property bag is logged as {@link IotHubProtocolException}, acknowledged and
   * skipped; the stream goes on. Completes when the client is closed.
   */
  @CheckReturnValue
  Flowable<CloudMessage> cloudMessages();

  /**
   * Returns the twin of this identity: {@code get()}, {@code updateReported(…)} and
   * {@code desiredUpdates()} (protocol.md §6). The same object on every call; nothing is subscribed
   * on the hub until it is used.
   */
  TwinOperations twin();

  /**
   * Returns the direct methods of this identity: handlers and the stream of requests
   * (protocol.md §7). The same object on every call; nothing is subscribed on the hub until a
   * handler or subscriber appears.
   */
  DirectMethods methods();

  /**
   * Returns file upload through the hub (protocol.md §16): streaming uploads to the Blob storage
   * linked to the hub, and the two low-level steps (SAS URI, notification). Uses the hub's HTTPS
   * endpoints (port 443, or the builder's {@code httpsPort}) with the client's credentials and TLS
   * trust; the MQTT connection need not be open. The same object on every call.
   */
  FileUploads files();

  /**
   * Closes the client at once: fails waiting sends with {@link IotHubClientStateException}, sends
   * DISCONNECT, completes the streams and releases the shared threads once no client uses them.
   * Idempotent.
   */
  @Override
  void close();
}
