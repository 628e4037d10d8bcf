// One client's connection on the transport, as Rx types: the face a dialect builds its client on.
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.CompletableObserver;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Observable;
import io.reactivex.rxjava3.functions.Function;
import io.rxiothub.transport.TransportState;
import io.rxiothub.transport.internal.MqttConnector.InboundPublish;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

/**
 * The Rx face of one client's {@link ConnectionMachine}: connect and disconnect, the states, sends
 * (one or a stream), inbound routes and connection listeners. Everything here is dialect-neutral; the
 * dialect supplies credentials and errors ({@link CoreSettings}), topics, and decoders.
 */
public final class ClientCore {

  private final CoreSettings s;
  final ConnectionMachine machine;

  /** Creates the core; {@code onClose} runs once when the client closes. */
  public ClientCore(CoreSettings settings, MqttConnector connector, Runnable onClose) {
    this.s = settings;
    this.machine = new ConnectionMachine(settings, connector, onClose);
  }

  /** Returns the settings. */
  public CoreSettings settings() {
    return s;
  }

  /** Cold: each subscription asks for the connection and completes once connected. */
  public Completable connect() {
    return Completable.create(machine::connect).observeOn(s.callbackScheduler);
  }

  /** Cold: stops reconnecting, lets in-flight messages finish (bounded) and disconnects. */
  public Completable disconnect() {
    return Completable.create(machine::disconnect).observeOn(s.callbackScheduler);
  }

  /** Replays the current state, then every change, on the callback scheduler. */
  public Observable<TransportState> connectionStates() {
    return machine.observeOn(s.callbackScheduler);
  }

  /** Returns the current state. */
  public TransportState currentState() {
    return machine.state();
  }

  /**
   * Cold: publishes {@code payload} on {@code topic} through the queue; completes on PUBACK (QoS 1)
   * or once written (QoS 0).
   */
  public Completable publish(String topic, byte[] payload, boolean atMostOnce,
      @Nullable Long expiryEpochMillis) {
    return new Send(machine, topic, payload, atMostOnce, expiryEpochMillis);
  }

  /**
   * Cold: sends every message of {@code messages} through the queue, pulling them as its window
   * allows; see {@link SendStream}. {@code factory} makes each send, which is the result emitted:
   * {@code R} is the type its sends implement.
   */
  public <M, R> Flowable<R> sendAll(Publisher<M> messages, SendFactory<M> factory) {
    return new SendStream<M, R>(this, factory, messages);
  }

  /**
   * Returns the hot stream of inbound messages matching {@code filter}, decoded by {@code decoder}
   * (which returns null, after logging, for a message to skip). The filter is subscribed on the
   * server when the first subscriber arrives, and again after every reconnect.
   */
  public <T> Flowable<T> inbound(String filter, Function<InboundPublish, @Nullable T> decoder) {
    Route<T> route = new Route<>(machine, filter, decoder);
    synchronized (machine) {
      machine.routes.add(route);
    }
    return route.flowable();
  }

  /**
   * Hears, synchronously and outside the lock, each new connection (before any SUBSCRIBE is sent on
   * it) and each acknowledged subscription; used by a dialect's request/response features to know
   * when a response subscription is active and when to reconcile after a reconnect.
   */
  public interface ConnectionListener {
    /** A connection was established; {@code connection} identifies it for {@link #isCurrentConnection}. */
    void connected(Object connection);

    /** The server acknowledged the subscription to {@code filter} on {@code connection}. */
    void subscribed(String filter, Object connection);
  }

  /** Adds a connection listener. */
  public void addConnectionListener(ConnectionListener listener) {
    machine.routes.addListener(listener);
  }

  /** Returns whether {@code connection} (as passed to a listener) is the current connection. */
  public boolean isCurrentConnection(Object connection) {
    return machine.isCurrent(connection);
  }

  /** Closes at once: fails pending work, sends DISCONNECT, releases shared resources. Idempotent. */
  public void close() {
    machine.close();
  }

  /** Accepts a stream's batch of sends under one lock; see {@link ConnectionMachine#submitAll}. */
  void submitAll(List<PendingSend> batch) {
    machine.submitAll(batch);
  }

  /** Forgets the queued sends of {@code sink} (its stream was cancelled). */
  void cancelSends(SendSink sink) {
    machine.streamCancelled(sink);
  }

  /**
   * A cold send: each subscription is one accepted message. Its outcome reaches the observer on the
   * callback scheduler through this client's signal queue, so a burst of PUBACKs costs one callback
   * task instead of one per message (what {@code create(...).observeOn(...)} would do).
   */
  private static final class Send extends Completable {
    private final ConnectionMachine machine;
    private final String topic;
    private final byte[] payload;
    private final boolean atMostOnce;
    private final @Nullable Long expiry;

    Send(ConnectionMachine machine, String topic, byte[] payload, boolean atMostOnce,
        @Nullable Long expiry) {
      this.machine = machine;
      this.topic = topic;
      this.payload = payload;
      this.atMostOnce = atMostOnce;
      this.expiry = expiry;
    }

    @Override
    protected void subscribeActual(CompletableObserver observer) {
      PendingSend p = new PendingSend(machine, topic, payload, atMostOnce, expiry, observer, null);
      observer.onSubscribe(p);
      machine.submit(p);
    }
  }
}
