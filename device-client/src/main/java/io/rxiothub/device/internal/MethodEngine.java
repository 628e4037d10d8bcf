// Direct methods over MQTT: the dispatch table of the methods module fed by the client's inbound route.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.CompletableEmitter;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.FlowableSubscriber;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.exceptions.Exceptions;
import io.reactivex.rxjava3.functions.Function;
import io.reactivex.rxjava3.processors.PublishProcessor;
import io.rxiothub.device.DirectMethods;
import io.rxiothub.device.MethodInvocation;
import io.rxiothub.methods.MethodDispatcher;
import io.rxiothub.methods.MethodHandler;
import io.rxiothub.methods.MethodReply;
import io.rxiothub.methods.MethodReplySink;
import io.rxiothub.methods.MethodRequest;
import io.rxiothub.methods.MethodResponse;
import io.rxiothub.methods.MethodTopic;
import io.rxiothub.transport.internal.ClientCore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Implements {@link DirectMethods} on a {@link ClientCore}. Requests arrive on the methods route's
 * callback worker and are dispatched there, so a handler is called one hop after the I/O thread; the
 * reply is handed straight to the client's send path on the thread that produced it.
 */
public final class MethodEngine implements DirectMethods, MethodReplySink, MethodHandler,
    FlowableSubscriber<MethodRequest> {

  private static final Logger LOG = LoggerFactory.getLogger(MethodEngine.class);

  private final ClientCore core;
  private final boolean atMostOnce;
  private final MethodDispatcher dispatcher;
  // A client that never calls requests() needs none of the stream's parts: they are made by the first
  // call (under this object's monitor), as is the map of replies awaited there.
  private volatile @Nullable PublishProcessor<MethodInvocation> invocations;
  private @Nullable Flowable<MethodInvocation> requests;
  private volatile @Nullable ConcurrentMap<MethodRequest, CompletableEmitter> replyWaiters;
  /** Subscribers of {@link #requests()} (only when there are some does it take requests). */
  private volatile int streamSubscribers;
  /** Guarded by this object's monitor: the methods route is subscribed. */
  private boolean started;
  /** Guarded by this object's monitor: the methods route ended (the client closed). */
  private boolean ended;

  private static final AtomicIntegerFieldUpdater<MethodEngine> STREAM_SUBSCRIBERS =
      AtomicIntegerFieldUpdater.newUpdater(MethodEngine.class, "streamSubscribers");

  /** Creates the engine; nothing is subscribed on the hub until a handler or subscriber appears. */
  public MethodEngine(ClientCore core, FeatureSettings features) {
    this.core = core;
    this.atMostOnce = features.methodRepliesAtMostOnce;
    this.dispatcher = MethodDispatcher.create(core.settings().identity());
  }

  @Override
  public Disposable handle(String methodName,
      Function<MethodRequest, Single<MethodResponse>> handler) {
    if (handler == null) {
      throw new IllegalArgumentException("handler of method '" + methodName + "' must not be null");
    }
    MethodDispatcher.Registration registration =
        dispatcher.register(methodName, (request, reply) -> run(handler, request, reply));
    start();
    return Disposable.fromAction(registration::unregister);
  }

  @Override
  public Disposable handleDefault(Function<MethodRequest, Single<MethodResponse>> handler) {
    if (handler == null) {
      throw new IllegalArgumentException("default method handler must not be null");
    }
    MethodDispatcher.Registration registration =
        dispatcher.registerDefault((request, reply) -> run(handler, request, reply));
    start();
    return Disposable.fromAction(registration::unregister);
  }

  @Override
  public Flowable<MethodInvocation> requests() {
    synchronized (this) {
      Flowable<MethodInvocation> r = requests;
      if (r == null) {
        PublishProcessor<MethodInvocation> p = PublishProcessor.create();
        if (ended) {
          p.onComplete();
        }
        invocations = p;
        r = p.onBackpressureBuffer(FeatureSettings.BUFFER_ISLAND, false, true)
            .doOnSubscribe(s -> {
              STREAM_SUBSCRIBERS.incrementAndGet(this);
              start();
            })
            .doFinally(() -> STREAM_SUBSCRIBERS.decrementAndGet(this));
        requests = r;
      }
      return r;
    }
  }

  /** Publishes the one reply of {@code request} (called by the dispatcher, on any thread). */
  @Override
  public void reply(MethodRequest request, MethodResponse response) {
    ConcurrentMap<MethodRequest, CompletableEmitter> waiters = replyWaiters;
    CompletableEmitter waiter = waiters == null ? null : waiters.remove(request);
    LOG.debug("{}: replying {} to method '{}' ($rid={})", id(), response.status(),
        request.methodName(), request.rid());
    core.publish(request.responseTopic(response.status()), response.payload(), atMostOnce, null)
        .subscribe(() -> {
          if (waiter != null) {
            waiter.onComplete();
          }
        }, error -> {
          LOG.warn("{}: reply {} to method '{}' ($rid={}) was not delivered: {}", id(),
              response.status(), request.methodName(), request.rid(), error.getMessage());
          if (waiter != null) {
            waiter.tryOnError(error);
          }
        });
  }

  /**
   * Hands a request nobody else takes to {@link #requests()} (called on the route's worker only, and
   * only while the stream has subscribers, so after it was made).
   */
  @Override
  public void handle(MethodRequest request, MethodReply reply) {
    PublishProcessor<MethodInvocation> p = invocations;
    if (p != null) {
      p.onNext(new Invocation(request, reply));
    }
  }

  private void start() {
    synchronized (this) {
      if (started) {
        return;
      }
      started = true;
    }
    core.inbound(MethodTopic.REQUEST_FILTER,
            publish -> MethodRequest.fromPublish(publish.topic(), publish.payload()))
        .subscribe(this);
  }

  /** The methods route: requests with unbounded demand. */
  @Override
  public void onSubscribe(Subscription s) {
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(MethodRequest request) {
    // Named handler, else default handler (the dispatcher's), else the stream, else 501.
    dispatcher.dispatch(request, this, streamSubscribers > 0 ? this : null);
  }

  @Override
  public void onError(Throwable t) {
    LOG.warn("{}: method route failed", id(), t);
    routeEnded();
  }

  @Override
  public void onComplete() {
    routeEnded();
  }

  private void routeEnded() {
    PublishProcessor<MethodInvocation> p;
    synchronized (this) {
      ended = true;
      p = invocations;
    }
    if (p != null) {
      p.onComplete();
    }
  }

  /** The identity, for log lines (read from the settings: one field less per client). */
  private String id() {
    return core.settings().identity();
  }

  /** The map of replies awaited by {@code respond(...)}, made by the first. */
  private ConcurrentMap<MethodRequest, CompletableEmitter> replyWaiters() {
    ConcurrentMap<MethodRequest, CompletableEmitter> w = replyWaiters;
    if (w == null) {
      synchronized (this) {
        w = replyWaiters;
        if (w == null) {
          w = new ConcurrentHashMap<>();
          replyWaiters = w;
        }
      }
    }
    return w;
  }

  private static void run(Function<MethodRequest, Single<MethodResponse>> handler,
      MethodRequest request, MethodReply reply) {
    Single<MethodResponse> result;
    try {
      result = handler.apply(request);
    } catch (Throwable e) {
      Exceptions.throwIfFatal(e);
      reply.fail(e);
      return;
    }
    if (result == null) {
      reply.fail(new NullPointerException("the handler of method '" + request.methodName()
          + "' returned null instead of a Single"));
      return;
    }
    result.subscribe(reply::send, reply::fail);
  }

  /** A request handed to a subscriber of {@link #requests()}. */
  private final class Invocation implements MethodInvocation {
    private final MethodRequest request;
    private final MethodReply reply;

    Invocation(MethodRequest request, MethodReply reply) {
      this.request = request;
      this.reply = reply;
    }

    @Override
    public MethodRequest request() {
      return request;
    }

    @Override
    public Completable respond(MethodResponse response) {
      if (response == null) {
        throw new IllegalArgumentException("method response must not be null; use "
            + "MethodResponse.of(status)");
      }
      return Completable.create(emitter -> {
        ConcurrentMap<MethodRequest, CompletableEmitter> waiters = replyWaiters();
        waiters.put(request, emitter);
        if (!reply.send(response)) {
          waiters.remove(request, emitter);
          emitter.tryOnError(new IllegalStateException("method '" + request.methodName()
              + "' ($rid=" + request.rid() + ") was answered already; only the first reply is "
              + "sent"));
        }
      });
    }

    @Override
    public boolean isAnswered() {
      return reply.isDone();
    }

    @Override
    public String toString() {
      return "MethodInvocation{" + request + ", answered=" + reply.isDone() + '}';
    }
  }
}
