// A telemetry stream: takes messages as its window allows, accepts them in batches, emits each outcome.
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.FlowableSubscriber;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.exceptions.MissingBackpressureException;
import io.reactivex.rxjava3.operators.SpscArrayQueue;
import io.reactivex.rxjava3.operators.SpscLinkedArrayQueue;
import io.rxiothub.transport.Failures;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * {@code sendAll}: each subscription subscribes to the source and sends what it emits. The source is
 * requested in batches, so a synchronous source hands over a batch per request, and the batch is
 * accepted by the client under one lock and handed to MQTT in one go. Outcomes arrive through the
 * client's signal queue (on the callback scheduler) and are emitted as the downstream requests them.
 */
public final class SendStream<M, R> extends Flowable<R> {

  /** Messages taken from the source whose result was not yet emitted, at most. */
  public static final int WINDOW = 1024;

  /** The source is requested again once this much room opened in the window. */
  static final int REPLENISH = WINDOW / 4;

  private final ClientCore core;
  private final SendFactory<M> factory;
  private final Publisher<M> source;

  SendStream(ClientCore core, SendFactory<M> factory, Publisher<M> source) {
    this.core = core;
    this.factory = factory;
    this.source = source;
  }

  @Override
  protected void subscribeActual(Subscriber<? super R> downstream) {
    source.subscribe(new Sending<M, R>(core, factory, core.settings().callbackScheduler,
        downstream));
  }

  /**
   * One subscription. Its drain loop runs one thread at a time (the work counter this class
   * extends); fields without a modifier comment are touched by the drain loop only.
   */
  static final class Sending<M, R> extends AtomicInteger
      implements FlowableSubscriber<M>, Subscription, SendSink, Runnable {

    private static final long serialVersionUID = 1L;
    private static final byte[] NO_PAYLOAD = new byte[0];

    private final ClientCore core;
    private final SendFactory<M> factory;
    private final Failures failures;
    private final Scheduler callbacks;
    private final Subscriber<? super R> downstream;
    /** Messages from the source, not yet accepted: one producer (the source), one consumer. */
    private final SpscArrayQueue<M> incoming = new SpscArrayQueue<>(WINDOW);
    /**
     * Decided sends, not yet emitted: one producer (the signal queue's drain), one consumer. Not
     * bounded, so that no result is dropped even for a source that ignores backpressure.
     */
    private final SpscLinkedArrayQueue<PendingSend> results = new SpscLinkedArrayQueue<>(256);
    private final AtomicLong requested = new AtomicLong();
    private final ArrayList<PendingSend> batch = new ArrayList<>();
    private @Nullable Subscription upstream;
    /** Written by the source before it calls the drain. */
    private volatile boolean sourceDone;
    private @Nullable Throwable sourceError;
    /** Set by cancel() or once a terminal signal was emitted. */
    private volatile boolean cancelled;
    /** A request of zero or less: reported by the drain loop, so that signals stay serial. */
    private volatile @Nullable Throwable badRequest;
    /** Taken from {@code incoming}, result not yet emitted. */
    private int outstanding;
    /** Requested from the source, not yet taken from {@code incoming}. */
    private long pending;
    private long emitted;
    /** The first error that ends the stream, once the taken messages have their results. */
    private @Nullable Throwable stop;

    Sending(ClientCore core, SendFactory<M> factory, Scheduler callbacks,
        Subscriber<? super R> downstream) {
      this.core = core;
      this.factory = factory;
      this.failures = core.settings().failures();
      this.callbacks = callbacks;
      this.downstream = downstream;
    }

    // ------------------------------------------------------------------ from the source

    @Override
    public void onSubscribe(Subscription s) {
      if (upstream != null) {
        s.cancel();
        return;
      }
      upstream = s;
      downstream.onSubscribe(this);
      schedule();
    }

    @Override
    public void onNext(M message) {
      if (!incoming.offer(message)) {
        // The source ignored the requested amount: nothing more is taken from it.
        requireUpstream().cancel();
        onError(new MissingBackpressureException("sendAll: the source emitted more messages than "
            + "requested (at most " + WINDOW + " are taken at once)"));
        return;
      }
      schedule();
    }

    @Override
    public void onError(Throwable t) {
      sourceError = t;
      sourceDone = true;
      schedule();
    }

    @Override
    public void onComplete() {
      sourceDone = true;
      schedule();
    }

    // ------------------------------------------------------------------ from the downstream

    @Override
    public void request(long n) {
      if (n <= 0) {
        badRequest = new IllegalArgumentException("request(" + n + "): the amount must be "
            + "positive (Reactive Streams rule 3.9)");
        requireUpstream().cancel();
        core.cancelSends(this);
        schedule();
        return;
      }
      for (;;) {
        long r = requested.get();
        long next = r + n < 0 ? Long.MAX_VALUE : r + n;
        if (requested.compareAndSet(r, next)) {
          break;
        }
      }
      schedule();
    }

    @Override
    public void cancel() {
      if (!cancelled) {
        cancelled = true;
        requireUpstream().cancel();
        core.cancelSends(this);
        schedule();
      }
    }

    // ------------------------------------------------------------------ from the client

    /** On the callback scheduler, from the client's signal queue: drains right here. */
    @Override
    public void outcome(PendingSend p) {
      results.offer(p);
      if (getAndIncrement() == 0) {
        drain();
      }
    }

    // ------------------------------------------------------------------ the drain loop

    private void schedule() {
      if (getAndIncrement() == 0) {
        callbacks.scheduleDirect(this);
      }
    }

    @Override
    public void run() {
      drain();
    }

    private void drain() {
      int missed = 1;
      for (;;) {
        Throwable bad = badRequest;
        if (bad != null && !cancelled) {
          cancelled = true;
          downstream.onError(bad);
        }
        if (cancelled) {
          incoming.clear();
          results.clear();
        } else {
          accept();
          emit();
          if (!cancelled) {
            requestMore();
          }
        }
        missed = addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }

    /** Turns the messages taken from the source into sends and hands them to the client at once. */
    private void accept() {
      M m;
      while ((m = incoming.poll()) != null) {
        pending--;
        outstanding++;
        Throwable ended = stop;
        if (ended != null) {
          // Came in before the source saw its cancellation: it still gets a result.
          factory.newSend(core, m, "", NO_PAYLOAD, this).fail(ended);
          continue;
        }
        String topic;
        try {
          topic = factory.topic(m);
        } catch (RuntimeException e) {
          factory.newSend(core, m, "", NO_PAYLOAD, this).fail(e);
          continue;
        }
        batch.add(factory.newSend(core, m, topic, factory.payload(m), this));
      }
      if (!batch.isEmpty()) {
        core.submitAll(batch);
        batch.clear();
      }
    }

    /** Emits results while the downstream wants them, then the terminal signal once nothing is left. */
    private void emit() {
      long r = requested.get();
      long e = emitted;
      while (e != r) {
        PendingSend p = results.poll();
        if (p == null) {
          break;
        }
        outstanding--;
        Throwable error = p.error();
        if (error != null && stop == null && !failures.concernsMessageOnly(error)) {
          stop = error;
          requireUpstream().cancel();
        }
        downstream.onNext(result(p));
        e++;
        if (cancelled) {
          return;
        }
      }
      emitted = e;
      if (outstanding != 0) {
        return;
      }
      Throwable ended = stop;
      if (ended != null) {
        cancelled = true;
        downstream.onError(ended);
        return;
      }
      boolean done = sourceDone;
      if (done && incoming.isEmpty()) {
        cancelled = true;
        Throwable error = sourceError;
        if (error != null) {
          downstream.onError(error);
        } else {
          downstream.onComplete();
        }
      }
    }

    /** Asks the source for more once a quarter of the window is free (or the stream is idle). */
    private void requestMore() {
      if (stop != null || sourceDone) {
        return;
      }
      long room = WINDOW - outstanding - pending;
      if (room >= REPLENISH || room > 0 && outstanding + pending == 0) {
        pending += room;
        requireUpstream().request(room);
      }
    }

    private Subscription requireUpstream() {
      Subscription s = upstream;
      if (s == null) {
        throw new IllegalStateException("sendAll: no subscription from the source yet");
      }
      return s;
    }

    /** The send is the result: {@link SendFactory} makes sends that implement {@code R}. */
    @SuppressWarnings("unchecked")
    private R result(PendingSend p) {
      return (R) p;
    }
  }
}
