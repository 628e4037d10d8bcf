// A telemetry stream: takes messages as its window allows, accepts them in batches, emits each outcome.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.FlowableSubscriber;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.exceptions.MissingBackpressureException;
import io.reactivex.rxjava3.operators.SpscArrayQueue;
import io.reactivex.rxjava3.operators.SpscLinkedArrayQueue;
import io.rxiothub.device.IotHubQueueFullException;
import io.rxiothub.device.IotHubTimeoutException;
import io.rxiothub.device.Message;
import io.rxiothub.device.SendResult;
import io.rxiothub.device.internal.ClientCore.PendingSend;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
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
public final class SendStream extends Flowable<SendResult> {

  /** Messages taken from the source whose result was not yet emitted, at most. */
  public static final int WINDOW = 1024;

  /** The source is requested again once this much room opened in the window. */
  static final int REPLENISH = WINDOW / 4;

  private final ClientCore core;
  private final MessageCodec codec;
  private final Function<Message, byte[]> payloads;
  private final Publisher<Message> source;

  SendStream(ClientCore core, MessageCodec codec, Function<Message, byte[]> payloads,
      Publisher<Message> source) {
    this.core = core;
    this.codec = codec;
    this.payloads = payloads;
    this.source = source;
  }

  @Override
  protected void subscribeActual(Subscriber<? super SendResult> downstream) {
    source.subscribe(new Sending(core, codec, payloads, core.settings().callbackScheduler,
        downstream));
  }

  /**
   * One subscription. Its drain loop runs one thread at a time (the work counter this class
   * extends); fields without a modifier comment are touched by the drain loop only.
   */
  static final class Sending extends AtomicInteger
      implements FlowableSubscriber<Message>, Subscription, ClientCore.SendSink, Runnable {

    private static final long serialVersionUID = 1L;
    private static final byte[] NO_PAYLOAD = new byte[0];

    private final ClientCore core;
    private final MessageCodec codec;
    private final Function<Message, byte[]> payloads;
    private final Scheduler callbacks;
    private final Subscriber<? super SendResult> downstream;
    /** Messages from the source, not yet accepted: one producer (the source), one consumer. */
    private final SpscArrayQueue<Message> incoming = new SpscArrayQueue<>(WINDOW);
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

    Sending(ClientCore core, MessageCodec codec, Function<Message, byte[]> payloads,
        Scheduler callbacks, Subscriber<? super SendResult> downstream) {
      this.core = core;
      this.codec = codec;
      this.payloads = payloads;
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
    public void onNext(Message message) {
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
      Message m;
      while ((m = incoming.poll()) != null) {
        pending--;
        outstanding++;
        Throwable ended = stop;
        if (ended != null) {
          // Came in before the source saw its cancellation: it still gets a result.
          core.newSend(m, "", NO_PAYLOAD, this).fail(ended);
          continue;
        }
        String topic;
        try {
          topic = codec.checkedTelemetryTopic(m);
        } catch (RuntimeException e) {
          core.newSend(m, "", NO_PAYLOAD, this).fail(e);
          continue;
        }
        batch.add(core.newSend(m, topic, payloads.apply(m), this));
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
        if (error != null && stop == null && endsStream(error)) {
          stop = error;
          requireUpstream().cancel();
        }
        downstream.onNext(p);
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

    /** Whether a message's error concerns the client rather than the message alone. */
    private static boolean endsStream(Throwable error) {
      return !(error instanceof IotHubTimeoutException || error instanceof IotHubQueueFullException
          || error instanceof IllegalArgumentException);
    }
  }
}
