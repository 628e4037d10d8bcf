// The device twin over MQTT: requests correlated by $rid, retries, timeouts, desired updates kept in order.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.FlowableSubscriber;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.core.SingleEmitter;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.processors.PublishProcessor;
import io.rxiothub.transport.TransportState.Status;
import io.rxiothub.device.IotHubClientStateException;
import io.rxiothub.device.IotHubException;
import io.rxiothub.device.IotHubProtocolException;
import io.rxiothub.device.IotHubRequestException;
import io.rxiothub.device.IotHubTimeoutException;
import io.rxiothub.device.TwinOperations;
import io.rxiothub.twin.DesiredStateTracker;
import io.rxiothub.twin.Twin;
import io.rxiothub.twin.TwinPatch;
import io.rxiothub.twin.TwinRequest;
import io.rxiothub.twin.TwinRequestCorrelator;
import io.rxiothub.twin.TwinResponse;
import io.rxiothub.twin.TwinResponseListener;
import io.rxiothub.twin.TwinTopic;
import io.rxiothub.transport.internal.ClientCore;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Implements {@link TwinOperations} on a {@link ClientCore}. Requests wait until the response
 * subscription of the current connection is acknowledged, then are registered with the correlator
 * (which assigns the {@code $rid}) and published. Responses arrive on the response route's callback
 * worker and complete their request there, so a request costs one hop (I/O thread to callback
 * scheduler) and no polling. Desired changes go through a {@link DesiredStateTracker}, guarded by
 * {@code lock}; its output is emitted outside the lock by a serializing drain loop.
 */
public final class TwinEngine implements TwinOperations, ClientCore.ConnectionListener {

  private static final Logger LOG = LoggerFactory.getLogger(TwinEngine.class);
  private static final Charset UTF_8 = Charset.forName("UTF-8");
  private static final byte[] EMPTY = new byte[0];
  private static final Object COMPLETE = new Object();
  /** Retry jitter of every client: Random is thread-safe, and one per client costs 56 bytes. */
  private static final Random RANDOM = new Random();

  private final ClientCore core;
  private final FeatureSettings f;
  private final Scheduler callbacks;
  private final Scheduler time;
  private final String id;
  private final TwinRequestCorrelator correlator;
  private final Set<Exchange> active = ConcurrentHashMap.newKeySet();
  private final PublishProcessor<TwinPatch> desired = PublishProcessor.create();
  private final Flowable<TwinPatch> desiredUpdates;
  private final ConcurrentLinkedQueue<Object> toEmit = new ConcurrentLinkedQueue<>();
  private final AtomicInteger emitWip = new AtomicInteger();

  private final Object lock = new Object();
  // Guarded by lock.
  private final DesiredStateTracker tracker;
  private final List<Exchange> waiting = new ArrayList<>();
  private @Nullable Object connection;
  private @Nullable Object responsesReadyOn;
  private @Nullable Object desiredReadyOn;
  private boolean responsesStarted;
  private boolean desiredStarted;
  private boolean syncInFlight;
  private @Nullable Exchange syncExchange;
  private boolean closed;

  /** Creates the engine and registers it as a connection listener of {@code core}. */
  public TwinEngine(ClientCore core, FeatureSettings features) {
    this.core = core;
    this.f = features;
    this.callbacks = core.settings().callbackScheduler();
    this.time = core.settings().timeScheduler();
    this.id = core.settings().identity();
    this.correlator = TwinRequestCorrelator.builder().timeoutMillis(features.twinTimeoutMillis)
        .logId(id).build();
    this.tracker = DesiredStateTracker.builder().logId(id).build();
    this.desiredUpdates = desired.onBackpressureBuffer(FeatureSettings.BUFFER_ISLAND, false, true)
        .doOnSubscribe(s -> startDesired());
    core.addConnectionListener(this);
  }

  // ---------------------------------------------------------------- public operations

  @Override
  public Single<Twin> get() {
    return Single.create(emitter -> {
      Exchange x = new Exchange(TwinRequest.Operation.GET, EMPTY, false, new Outcome() {
        @Override
        public void success(TwinResponse response) {
          Twin twin;
          try {
            twin = response.twin();
          } catch (IllegalArgumentException e) {
            emitter.tryOnError(new IotHubProtocolException("The twin of " + id + " sent by the hub "
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
      Exchange x = new Exchange(TwinRequest.Operation.UPDATE_REPORTED, body, false, new Outcome() {
        @Override
        public void success(TwinResponse response) {
          Long version = response.version();
          if (version == null) {
            emitter.tryOnError(new IotHubProtocolException("The hub accepted the reported patch of "
                + id + " ($rid=" + response.rid() + ") without a $version", null));
          } else {
            emitter.onSuccess(version);
          }
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
  public Flowable<TwinPatch> desiredUpdates() {
    return desiredUpdates;
  }

  /** Returns the number of requests waiting for their response (for tests). */
  int pendingCount() {
    return correlator.pendingCount();
  }

  private void start(Exchange x, SingleEmitter<?> emitter) {
    emitter.setCancellable(x::dispose);
    active.add(x);
    x.send();
  }

  // ---------------------------------------------------------------- connection events

  @Override
  public void connected(Object newConnection) {
    boolean sync = false;
    Exchange stale = null;
    List<Exchange> unanswered = new ArrayList<>();
    synchronized (lock) {
      connection = newConnection;
      responsesReadyOn = null;
      desiredReadyOn = null;
      for (Exchange x : active) {
        // Only PUBACKed requests: the client itself sends an unacknowledged one again, same $rid.
        if (x.sentOn != null && x.sentOn != newConnection && x.acked && !x.afterDesired) {
          unanswered.add(x);
        }
      }
      if (desiredStarted) {
        // Notifications sent while offline are lost: reconcile by a full GET (protocol.md §6). On
        // the first connection this GET is the baseline of a stream subscribed before connect().
        sync = tracker.onReconnected().getRequired();
        // A reconciliation GET of the old connection may have lost its answer with it.
        stale = syncExchange;
        syncExchange = null;
        syncInFlight = false;
      }
    }
    if (stale != null) {
      stale.dispose();
    }
    for (Exchange x : unanswered) {
      x.again();
    }
    if (sync) {
      startSync();
    }
  }

  @Override
  public void subscribed(String filter, Object on) {
    boolean responses = TwinTopic.RESPONSE_FILTER.equals(filter);
    if (!responses && !TwinTopic.DESIRED_PATCH_FILTER.equals(filter)) {
      return;
    }
    List<Exchange> ready = new ArrayList<>();
    synchronized (lock) {
      if (on != connection) {
        return;
      }
      if (responses) {
        responsesReadyOn = on;
      } else {
        desiredReadyOn = on;
      }
      for (java.util.Iterator<Exchange> it = waiting.iterator(); it.hasNext(); ) {
        Exchange x = it.next();
        if (readyFor(x)) {
          it.remove();
          ready.add(x);
        }
      }
    }
    for (Exchange x : ready) {
      x.transmit();
    }
  }

  /**
   * Whether {@code x} may be published now: its response subscription is acknowledged on the current
   * connection and, for the GET that reconciles desired properties, so is the desired subscription
   * (protocol.md §6: subscribe to desired notifications, then GET, or a change made in between is
   * neither in the GET nor notified). Call under {@code lock}.
   */
  private boolean readyFor(Exchange x) {
    return responsesReadyOn != null && core.isCurrentConnection(responsesReadyOn)
        && (!x.afterDesired || desiredReadyOn != null && core.isCurrentConnection(desiredReadyOn));
  }

  // ---------------------------------------------------------------- routes

  private void startResponses() {
    core.inbound(TwinTopic.RESPONSE_FILTER, publish -> new Inbound(
            TwinTopic.parse(publish.topic()), publish.payload()))
        .subscribe(new InternalSubscriber<Inbound>() {
          @Override
          void next(Inbound in) {
            correlator.onResponse(in.topic, in.body);
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
        .subscribe(new InternalSubscriber<TwinPatch>() {
          @Override
          void next(TwinPatch patch) {
            DesiredStateTracker.Step step;
            synchronized (lock) {
              step = tracker.onDesiredPatch(patch);
              toEmit.addAll(step.updates());
            }
            drainEmissions();
            if (step.getRequired()) {
              startSync();
            }
          }
        });
    startSync();
  }

  /** Feeds a GET result to the tracker (when desired updates are followed) and emits what it says. */
  private void feedTracker(Twin twin) {
    DesiredStateTracker.Step step;
    synchronized (lock) {
      if (!desiredStarted) {
        return;
      }
      step = tracker.onTwin(twin);
      toEmit.addAll(step.updates());
    }
    drainEmissions();
    if (step.getRequired()) {
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
    Exchange x = new Exchange(TwinRequest.Operation.GET, EMPTY, true, new Outcome() {
      @Override
      public void success(TwinResponse response) {
        if (!endSync(this)) {
          return;
        }
        try {
          feedTracker(response.twin());
        } catch (IllegalArgumentException e) {
          LOG.warn("{}: the hub sent an invalid twin document ($rid={}): {}", id, response.rid(),
              e.getMessage());
          retrySyncLater();
        }
      }

      @Override
      public void failure(Throwable error) {
        if (!endSync(this)) {
          return;
        }
        LOG.warn("{}: GET of the twin to reconcile desired properties failed: {}", id,
            error.getMessage());
        retrySyncLater();
      }
    });
    synchronized (lock) {
      syncExchange = x;
    }
    active.add(x);
    x.send();
  }

  /** Ends the reconciliation GET whose outcome is {@code outcome}; false if it was superseded. */
  private boolean endSync(Outcome outcome) {
    synchronized (lock) {
      Exchange x = syncExchange;
      if (x == null || x.outcome != outcome) {
        return false;
      }
      syncExchange = null;
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
    time.scheduleDirect(() -> {
      boolean again;
      synchronized (lock) {
        again = tracker.isGetRequired() && !closed;
      }
      if (again) {
        startSync();
      }
    }, f.twinRetryMaxMillis, TimeUnit.MILLISECONDS);
  }

  private void drainEmissions() {
    if (emitWip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    for (;;) {
      Object next;
      while ((next = toEmit.poll()) != null) {
        if (next == COMPLETE) {
          desired.onComplete();
        } else {
          desired.onNext((TwinPatch) next);
        }
      }
      missed = emitWip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  private void closed() {
    List<Exchange> all;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      waiting.clear();
      all = new ArrayList<>(active);
      toEmit.add(COMPLETE);
    }
    IotHubClientStateException error = closedError();
    for (Exchange x : all) {
      x.finish(null, error);
    }
    drainEmissions();
  }

  private IotHubClientStateException closedError() {
    return new IotHubClientStateException("Client of " + id + " is closed; its twin request was "
        + "not answered", null);
  }

  private long now() {
    return time.now(TimeUnit.MILLISECONDS);
  }

  // ---------------------------------------------------------------- one request

  /** What the caller of one request hears. */
  private interface Outcome {
    void success(TwinResponse response);

    void failure(Throwable error);
  }

  /** A twin received on a route: the parsed topic and the body. */
  private static final class Inbound {
    final TwinTopic topic;
    final byte[] body;

    Inbound(TwinTopic topic, byte[] body) {
      this.topic = topic;
      this.body = body;
    }
  }

  /**
   * One request from subscription to outcome, over its retries. Each attempt registers a fresh
   * {@code $rid} and has {@code twinTimeoutMillis} from its start, waiting for the subscriptions
   * included, so a request made while the client reconnects, or whose subscription is never
   * acknowledged, ends with a timeout instead of hanging; {@code done} makes the outcome happen at
   * most once.
   */
  private final class Exchange implements TwinResponseListener {
    final TwinRequest.Operation operation;
    final byte[] body;
    final boolean afterDesired;
    final Outcome outcome;
    final AtomicBoolean done = new AtomicBoolean();
    int retries;
    volatile long attemptStartMillis;
    volatile @Nullable String rid;
    /** The connection the current attempt was published on; guarded by {@code lock}. */
    @Nullable Object sentOn;
    /** Whether the hub acknowledged (PUBACK) the current attempt's PUBLISH. */
    volatile boolean acked;
    volatile @Nullable Disposable timer;
    volatile @Nullable Disposable waitTimer;
    volatile @Nullable Disposable retryTimer;
    volatile @Nullable Disposable publishing;

    Exchange(TwinRequest.Operation operation, byte[] body, boolean afterDesired, Outcome outcome) {
      this.operation = operation;
      this.body = body;
      this.afterDesired = afterDesired;
      this.outcome = outcome;
    }

    /** Sends now if the response subscription is active on the current connection, else waits. */
    void send() {
      boolean startRoute = false;
      boolean now = false;
      IotHubException refused = null;
      attemptStartMillis = now();
      synchronized (lock) {
        Status status = core.currentState().status();
        if (done.get()) {
          return;
        } else if (closed || status == Status.CLOSED) {
          refused = closedError();
        } else if (status == Status.DISCONNECTED) {
          refused = new IotHubClientStateException(id + " is not connected (connect() was not "
              + "called, or disconnect() was); call connect() first", null);
        } else if (readyFor(this)) {
          now = true;
        } else {
          waiting.add(this);
          startRoute = !responsesStarted;
          responsesStarted = true;
        }
      }
      if (!now && refused == null) {
        waitTimer = time.scheduleDirect(this::notSentInTime, f.twinTimeoutMillis,
            TimeUnit.MILLISECONDS);
      }
      if (refused != null) {
        IotHubException error = refused;
        callbacks.scheduleDirect(() -> finish(null, error));
      } else if (startRoute) {
        startResponses();
      } else if (now) {
        transmit();
      }
    }

    /** The attempt's time is up while it still waits for its subscriptions. */
    void notSentInTime() {
      boolean wasWaiting;
      synchronized (lock) {
        wasWaiting = waiting.remove(this);
      }
      if (wasWaiting) {
        callbacks.scheduleDirect(() -> finish(null, new IotHubTimeoutException("The twin "
            + operation + " of " + id + " could not be sent within " + f.twinTimeoutMillis
            + " ms: the client was not connected with its twin subscriptions acknowledged "
            + "meanwhile", null)));
      }
    }

    void transmit() {
      if (done.get()) {
        return;
      }
      synchronized (lock) {
        sentOn = connection;
      }
      acked = false;
      disposeQuietly(waitTimer);
      TwinRequest request = correlator.register(operation, attemptStartMillis, this);
      rid = request.rid();
      timer = time.scheduleDirect(() -> correlator.expire(now()),
          Math.max(0, request.deadlineMillis() - now()), TimeUnit.MILLISECONDS);
      if (done.get()) {
        correlator.cancel(request.rid());
        return;
      }
      publishing = core.publish(request.topic(), body, false, null).subscribe(() -> acked = true, error -> {
        if (correlator.cancel(request.rid())) {
          finish(null, error);
        }
      });
    }

    /**
     * The connection on which the hub acknowledged this attempt ended before the answer came (an
     * answer never crosses connections): publish it again, with a fresh {@code $rid} and time, on
     * the new connection. A reported patch may so be applied twice; its content is the same.
     */
    void again() {
      String r = rid;
      if (r == null || !correlator.cancel(r)) {
        return; // answered, timed out or disposed meanwhile
      }
      disposeQuietly(timer);
      synchronized (lock) {
        sentOn = null;
      }
      LOG.debug("{}: the connection of twin {} $rid={} ended before its answer; sending it again",
          id, operation, r);
      send();
    }

    @Override
    public void onResponse(TwinResponse response) {
      disposeQuietly(timer);
      if (response.isSuccess()) {
        finish(response, null);
      } else if (response.isRetryable() && retries < f.twinMaxRetries && !done.get()) {
        long delay = f.retryDelayMillis(retries, nextRandom());
        retries++;
        LOG.debug("{}: twin {} answered {} ($rid={}); retry {} of {} in {} ms", id, operation,
            response.status(), response.rid(), retries, f.twinMaxRetries, delay);
        retryTimer = time.scheduleDirect(this::send, delay, TimeUnit.MILLISECONDS);
      } else {
        String text = new String(response.body(), UTF_8);
        if (text.length() > 300) {
          text = text.substring(0, 300) + "…";
        }
        finish(null, new IotHubRequestException(response.status(), response.rid(), "The hub "
            + "answered the twin " + operation + " of " + id + " with status " + response.status()
            + " ($rid=" + response.rid() + (retries > 0 ? ", after " + retries + " retries" : "")
            + ")" + (text.isEmpty() ? "" : ": " + text), null));
      }
    }

    @Override
    public void onTimeout(TwinRequest request) {
      // Called on the time scheduler: the outcome reaches user code on the callback scheduler.
      callbacks.scheduleDirect(() -> finish(null, new IotHubTimeoutException("The hub did not "
          + "answer the twin " + operation + " of " + id + " ($rid=" + request.rid() + ") within "
          + f.twinTimeoutMillis + " ms", null)));
    }

    void finish(@Nullable TwinResponse response, @Nullable Throwable error) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      cleanUp();
      if (response != null) {
        outcome.success(response);
      } else {
        outcome.failure(error == null ? new IllegalStateException("no outcome") : error);
      }
    }

    void dispose() {
      if (done.compareAndSet(false, true)) {
        cleanUp();
        Disposable p = publishing;
        if (p != null) {
          p.dispose(); // a request still queued offline is forgotten
        }
      }
    }

    private void cleanUp() {
      active.remove(this);
      synchronized (lock) {
        waiting.remove(this);
      }
      String r = rid;
      if (r != null) {
        correlator.cancel(r);
      }
      disposeQuietly(timer);
      disposeQuietly(waitTimer);
      disposeQuietly(retryTimer);
    }
  }

  private static double nextRandom() {
    return RANDOM.nextDouble();
  }

  private static void disposeQuietly(@Nullable Disposable d) {
    if (d != null) {
      d.dispose();
    }
  }

  /** Consumes a route with unbounded demand; the route's completion means the client closed. */
  private abstract class InternalSubscriber<T> implements FlowableSubscriber<T> {
    @Override
    public void onSubscribe(Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(T t) {
      try {
        next(t);
      } catch (RuntimeException e) {
        LOG.warn("{}: could not process a twin message: {}", id, e.toString(), e);
      }
    }

    abstract void next(T t);

    @Override
    public void onError(Throwable t) {
      LOG.warn("{}: twin route failed", id, t);
      closed();
    }

    @Override
    public void onComplete() {
      closed();
    }
  }
}
