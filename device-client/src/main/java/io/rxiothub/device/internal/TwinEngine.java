// The device twin over MQTT: a thin Rx driver of the twin module's TwinSession, plus desired updates kept in order.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.core.SingleEmitter;
import io.rxiothub.device.IotHubClientStateException;
import io.rxiothub.device.IotHubProtocolException;
import io.rxiothub.device.TwinOperations;
import io.rxiothub.twin.Twin;
import io.rxiothub.twin.TwinPatch;
import io.rxiothub.twin.TwinEffect;
import io.rxiothub.twin.TwinRequest;
import io.rxiothub.twin.TwinResponse;
import io.rxiothub.twin.TwinSession;
import io.rxiothub.twin.TwinTopic;
import io.rxiothub.transport.TransportState.Status;
import io.rxiothub.transport.internal.ClientCore;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Implements {@link TwinOperations} on a {@link ClientCore}. The twin protocol's rules (subscribe before
 * the request, {@code $rid}s, retries, time-outs, resend after a reconnect) are the twin module's
 * {@link TwinSession}; this class feeds it the client's events under {@code lock} and runs the effects
 * it hands back outside the lock: publishes, timers on the {@code timeScheduler}, outcomes. Responses
 * arrive on the response route's callback worker and complete their request there. Desired changes go
 * through a {@link DesiredStream}.
 */
public final class TwinEngine implements TwinOperations, ClientCore.ConnectionListener,
    IntToLongFunction, Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(TwinEngine.class);
  private static final byte[] EMPTY = new byte[0];
  /** Retry jitter of every client: Random is thread-safe, and one per client costs 56 bytes. */
  private static final Random RANDOM = new Random();

  final ClientCore core;
  private final FeatureSettings f;
  // The schedulers and the identity are read from the core's settings (three fields less per client).
  private final DesiredStream desired;

  /** The session, which is also the lock of this engine. */
  final Object lock;
  // Guarded by lock.
  final TwinSession session;
  /** The requests under way by their session id; an empty shared map while there are none. */
  private Map<Long, TwinExchange> exchanges = Collections.emptyMap();
  private @Nullable Object connection;
  private boolean desiredStarted;
  private boolean syncInFlight;
  private @Nullable TwinExchange syncTwinExchange;
  private boolean closed;

  /** Creates the engine and registers it as a connection listener of {@code core}. */
  public TwinEngine(ClientCore core, FeatureSettings features) {
    this.core = core;
    this.f = features;
    String id = core.settings().identity();
    this.session = TwinSession.builder().timeoutMillis(features.twinTimeoutMillis)
        .maxRetries(features.twinMaxRetries)
        .retryDelayMillis(this)
        .logId(id).build();
    this.lock = session;
    this.desired = new DesiredStream(id, this);
    core.addConnectionListener(this);
  }

  /** The session's retry delay (this engine is it, and the desired stream's hook: no lambdas). */
  @Override
  public long applyAsLong(int retry) {
    return f.retryDelayMillis(retry, RANDOM.nextDouble());
  }

  /** A subscriber of {@code desiredUpdates()} arrived: follows desired updates from now on. */
  @Override
  public void run() {
    startDesired();
  }

  @Override
  public Single<Twin> get() {
    return Single.create(emitter -> {
      TwinExchange x = new TwinExchange(this, TwinRequest.Operation.GET, EMPTY, false, new TwinExchange.Outcome() {
        @Override
        public void success(TwinResponse response) {
          Twin twin;
          try {
            twin = response.twin();
          } catch (IllegalArgumentException e) {
            emitter.tryOnError(new IotHubProtocolException("The twin of " + id() + " sent by the hub "
                + "($rid=" + response.rid() + ") is not a valid twin document: " + e.getMessage(),
                e));
            return;
          }
          feedTracker(twin);
          emitter.onSuccess(twin);
        }

        @Override
        public void failure(Throwable error) {
          emitter.tryOnError(error);
        }
      });
      start(x, emitter);
    });
  }

  @Override
  public Single<Long> updateReported(TwinPatch patch) {
    if (patch == null) {
      throw new IllegalArgumentException("reported patch must not be null");
    }
    if (patch.version() != null) {
      throw new IllegalArgumentException("a reported patch must not carry a $version (the hub "
          + "assigns it); build it without version(...)");
    }
    byte[] body = patch.toJsonBytes();
    return Single.create(emitter -> {
      TwinExchange.Outcome outcome = new TwinExchange.Outcome() {
        @Override
        public void success(TwinResponse response) {
          Long version = response.version();
          if (version == null) {
            emitter.tryOnError(new IotHubProtocolException("The hub accepted the reported patch of "
                + id() + " ($rid=" + response.rid() + ") without a $version", null));
          } else {
            emitter.onSuccess(version);
          }
        }

        @Override
        public void failure(Throwable error) {
          emitter.tryOnError(error);
        }
      };
      TwinExchange x = new TwinExchange(this, TwinRequest.Operation.UPDATE_REPORTED, body, false, outcome);
      start(x, emitter);
    });
  }

  @Override
  public Flowable<TwinPatch> desiredUpdates() {
    return desired;
  }

  /** Returns the number of requests waiting for their response (for tests). */
  int pendingCount() {
    synchronized (lock) {
      return session.pendingCount();
    }
  }

  private void start(TwinExchange x, SingleEmitter<?> emitter) {
    emitter.setCancellable(x::dispose);
    x.send();
  }

  @Override
  public void connected(Object newConnection) {
    boolean sync = false;
    TwinExchange stale = null;
    List<TwinEffect> fx;
    synchronized (lock) {
      connection = newConnection;
      // Requests the hub acknowledged on an older connection go out again (the session's rule).
      session.connected(newConnection, now());
      if (desiredStarted) {
        // Notifications sent while offline are lost: reconcile by a full GET (protocol.md §6). On
        // the first connection this GET is the baseline of a stream subscribed before connect().
        sync = desired.onReconnected();
        // A reconciliation GET of the old connection may have lost its answer with it.
        stale = syncTwinExchange;
        syncTwinExchange = null;
        syncInFlight = false;
      }
      fx = drain();
    }
    if (stale != null) {
      stale.dispose();
    }
    run(fx, false);
    if (sync) {
      startSync();
    }
  }

  @Override
  public void subscribed(String filter, Object on) {
    if (!TwinTopic.RESPONSE_FILTER.equals(filter) && !TwinTopic.DESIRED_PATCH_FILTER.equals(filter)) {
      return;
    }
    List<TwinEffect> fx;
    synchronized (lock) {
      checkConnection();
      session.subscribed(filter, on);
      fx = drain();
    }
    run(fx, false);
  }

  /** Tells the session when the connection it knows has ended. Call under {@code lock}. */
  void checkConnection() {
    Object c = connection;
    if (c != null && !core.isCurrentConnection(c)) {
      connection = null;
      session.connectionLost();
    }
  }

  /** Takes the session's effects. Call under {@code lock}. */
  List<TwinEffect> drain() {
    List<TwinEffect> fx = new ArrayList<>(2);
    for (TwinEffect e = session.poll(); e != null; e = session.poll()) {
      fx.add(e);
    }
    return fx;
  }

  /** Runs effects outside the lock; time-outs reach their caller on the callback scheduler. */
  void run(List<TwinEffect> fx, boolean onTimer) {
    for (TwinEffect e : fx) {
      if (e.kind() == TwinEffect.Kind.FOLLOW_RESPONSES) {
        startResponses();
        continue;
      }
      TwinExchange x;
      synchronized (lock) {
        x = e.kind() == TwinEffect.Kind.COMPLETE || e.kind() == TwinEffect.Kind.FAIL
            ? forget(e.id()) : exchanges.get(e.id());
      }
      if (x == null) {
        continue; // disposed meanwhile
      }
      switch (e.kind()) {
        case PUBLISH:
          x.publish(e);
          break;
        case TIMER:
          x.arm(e.atMillis(), e.isRetry());
          break;
        case COMPLETE:
          x.finish(e.response(), null);
          break;
        default:
          Throwable error = TwinErrors.of(e, x.operation, id(), f.twinTimeoutMillis);
          if (onTimer) {
            core.settings().callbackScheduler().scheduleDirect(() -> x.finish(null, error));
          } else {
            x.finish(null, error);
          }
          break;
      }
    }
  }

  private void startResponses() {
    // A response on the route: its parsed topic and its body.
    core.inbound(TwinTopic.RESPONSE_FILTER, publish -> new SimpleImmutableEntry<>(
            TwinTopic.parse(publish.topic()), publish.payload()))
        .subscribe(new TwinRouteSubscriber<Map.Entry<TwinTopic, byte[]>>(id()) {
          @Override
          void ended() {
            closed();
          }
          @Override
          void next(Map.Entry<TwinTopic, byte[]> in) {
            List<TwinEffect> fx;
            synchronized (lock) {
              session.response(in.getKey(), in.getValue(), now());
              fx = drain();
            }
            run(fx, false);
          }
        });
  }

  private void startDesired() {
    synchronized (lock) {
      if (desiredStarted || closed) {
        return;
      }
      desiredStarted = true;
    }
    core.inbound(TwinTopic.DESIRED_PATCH_FILTER, publish -> TwinPatch.fromDesiredNotification(
            TwinTopic.parse(publish.topic()), publish.payload()))
        .subscribe(new TwinRouteSubscriber<TwinPatch>(id()) {
          @Override
          void ended() {
            closed();
          }
          @Override
          void next(TwinPatch patch) {
            if (desired.onPatch(patch)) {
              startSync();
            }
          }
        });
    startSync();
  }

  /** Feeds a GET result to the tracker (when desired updates are followed) and emits what it says. */
  private void feedTracker(Twin twin) {
    synchronized (lock) {
      if (!desiredStarted) {
        return;
      }
    }
    if (desired.onTwin(twin)) {
      startSync();
    }
  }

  /** GETs the twin for the tracker, unless such a GET is already under way. */
  private void startSync() {
    synchronized (lock) {
      if (syncInFlight || closed) {
        return;
      }
      syncInFlight = true;
    }
    TwinExchange x = new TwinExchange(this, TwinRequest.Operation.GET, EMPTY, true, new TwinExchange.Outcome() {
      @Override
      public void success(TwinResponse response) {
        if (!endSync(this)) {
          return;
        }
        try {
          feedTracker(response.twin());
        } catch (IllegalArgumentException e) {
          LOG.warn("{}: the hub sent an invalid twin document ($rid={}): {}", id(), response.rid(),
              e.getMessage());
          retrySyncLater();
        }
      }

      @Override
      public void failure(Throwable error) {
        if (!endSync(this)) {
          return;
        }
        LOG.warn("{}: GET of the twin to reconcile desired properties failed: {}", id(),
            error.getMessage());
        retrySyncLater();
      }
    });
    synchronized (lock) {
      syncTwinExchange = x;
    }
    x.send();
  }

  /** Ends the reconciliation GET whose outcome is {@code outcome}; false if it was superseded. */
  private boolean endSync(TwinExchange.Outcome outcome) {
    synchronized (lock) {
      TwinExchange x = syncTwinExchange;
      if (x == null || x.outcome != outcome) {
        return false;
      }
      syncTwinExchange = null;
      syncInFlight = false;
      return true;
    }
  }

  /** The tracker still needs a GET result (the GET failed): try again while the client connects. */
  private void retrySyncLater() {
    Status status = core.currentState().status();
    if (status == Status.CLOSED || status == Status.DISCONNECTED) {
      return; // the next connection reconciles
    }
    core.settings().timeScheduler().scheduleDirect(() -> {
      boolean again;
      synchronized (lock) {
        again = !closed;
      }
      if (again) {
        again = desired.isGetRequired();
      }
      if (again) {
        startSync();
      }
    }, f.twinRetryMaxMillis, TimeUnit.MILLISECONDS);
  }

  private void closed() {
    List<TwinEffect> fx;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      session.close();
      fx = drain();
    }
    run(fx, false);
    desired.complete();
  }

  long now() {
    return core.settings().timeScheduler().now(TimeUnit.MILLISECONDS);
  }

  String id() {
    return core.settings().identity();
  }

  /** Under {@code lock}: keeps {@code x} under its session id while it is under way. */
  void register(long sessionId, TwinExchange x) {
    if (exchanges.isEmpty()) {
      exchanges = new HashMap<>(4);
    }
    exchanges.put(sessionId, x);
  }

  /** Returns why a request cannot start now, or null. Call under {@code lock}. */
  @Nullable IotHubClientStateException refusal() {
    Status status = core.currentState().status();
    if (closed || status == Status.CLOSED) {
      return TwinErrors.closed(id());
    } else if (status == Status.DISCONNECTED) {
      return new IotHubClientStateException(id() + " is not connected (connect() was not "
          + "called, or disconnect() was); call connect() first", null);
    }
    return null;
  }

  /** Under {@code lock}: takes the exchange of {@code sessionId} out; the map goes when it empties. */
  @Nullable TwinExchange forget(long sessionId) {
    TwinExchange x = exchanges.remove(sessionId);
    if (x != null && exchanges.isEmpty()) {
      exchanges = Collections.emptyMap();
    }
    return x;
  }
}
