// The desired-updates stream of one client: a DesiredStateTracker and the emission of what it says, in order.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.core.Flowable;
import io.rxiothub.twin.DesiredStateTracker;
import io.rxiothub.twin.Twin;
import io.rxiothub.twin.TwinPatch;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Desired patches in strictly increasing {@code $version} order, as a hot stream: each subscriber gets
 * the patches decided after it subscribed, buffered (unbounded) until it requests them, and the
 * completion after them. The tracker and the subscribers are guarded by this object; a patch is queued
 * to every subscriber under that lock (so in the tracker's order) and delivered outside it.
 *
 * <p>Every client has this stream and keeps it for life, so it is lean: no processor and no buffer
 * operator per subscriber (about 450 bytes with RxJava's {@code PublishProcessor} and
 * {@code onBackpressureBuffer}), and a subscriber's buffer exists only while it holds patches.
 */
final class DesiredStream extends Flowable<TwinPatch> {

  private static final Sub[] NONE = new Sub[0];

  private final DesiredStateTracker tracker;
  private final Runnable onSubscribe;
  // Guarded by this.
  private Sub[] subscribers = NONE;
  private boolean completed;

  /** A stream whose {@code onSubscribe} runs for each subscriber, once it is subscribed. */
  DesiredStream(String logId, Runnable onSubscribe) {
    this.tracker = DesiredStateTracker.builder().logId(logId).build();
    this.onSubscribe = onSubscribe;
  }

  @Override
  protected void subscribeActual(Subscriber<? super TwinPatch> subscriber) {
    Sub sub = new Sub(this, subscriber);
    subscriber.onSubscribe(sub);
    boolean done;
    synchronized (this) {
      done = completed;
      if (!done) {
        Sub[] grown = Arrays.copyOf(subscribers, subscribers.length + 1);
        grown[subscribers.length] = sub;
        subscribers = grown;
      }
    }
    if (done) {
      sub.finish();
      return;
    }
    onSubscribe.run();
  }

  /** Applies a desired notification and emits what follows; returns whether a GET is needed. */
  boolean onPatch(TwinPatch patch) {
    DesiredStateTracker.Step step;
    Sub[] subs;
    synchronized (this) {
      step = tracker.onDesiredPatch(patch);
      subs = queue(step.updates());
    }
    drain(subs);
    return step.getRequired();
  }

  /** Applies a GET result and emits what follows; returns whether another GET is needed. */
  boolean onTwin(Twin twin) {
    DesiredStateTracker.Step step;
    Sub[] subs;
    synchronized (this) {
      step = tracker.onTwin(twin);
      subs = queue(step.updates());
    }
    drain(subs);
    return step.getRequired();
  }

  /** A new connection: notifications sent meanwhile are lost. Returns whether a GET is needed. */
  synchronized boolean onReconnected() {
    return tracker.onReconnected().getRequired();
  }

  /** Returns whether the tracker still waits for a GET result. */
  synchronized boolean isGetRequired() {
    return tracker.isGetRequired();
  }

  /** Completes the stream after what is queued. */
  void complete() {
    Sub[] subs;
    synchronized (this) {
      completed = true;
      subs = subscribers;
      subscribers = NONE;
      for (Sub s : subs) {
        s.finishAfterQueued();
      }
    }
    drain(subs);
  }

  /** Under this lock: queues {@code updates} to every subscriber; returns the subscribers to drain. */
  private Sub[] queue(List<TwinPatch> updates) {
    Sub[] subs = subscribers;
    if (updates.isEmpty()) {
      return NONE;
    }
    for (Sub s : subs) {
      s.offer(updates);
    }
    return subs;
  }

  private static void drain(Sub[] subs) {
    for (Sub s : subs) {
      s.drain();
    }
  }

  private synchronized void remove(Sub sub) {
    Sub[] old = subscribers;
    for (int i = 0; i < old.length; i++) {
      if (old[i] == sub) {
        Sub[] shrunk = old.length == 1 ? NONE : new Sub[old.length - 1];
        System.arraycopy(old, 0, shrunk, 0, i);
        System.arraycopy(old, i + 1, shrunk, i, old.length - 1 - i);
        subscribers = shrunk;
        return;
      }
    }
  }

  /**
   * One subscriber: its demand, its buffer and its delivery, all guarded by its own monitor. One
   * thread delivers at a time ({@code emitting}); a thread that finds another delivering leaves the
   * work to it, which checks for more under the monitor before it stops.
   */
  private static final class Sub implements Subscription {
    private final DesiredStream stream;
    private final Subscriber<? super TwinPatch> actual;
    private @Nullable ArrayDeque<TwinPatch> queue;
    private long requested;
    private boolean emitting;
    private boolean done;
    private boolean cancelled;

    Sub(DesiredStream stream, Subscriber<? super TwinPatch> actual) {
      this.stream = stream;
      this.actual = actual;
    }

    synchronized void offer(List<TwinPatch> updates) {
      if (cancelled || done) {
        return;
      }
      ArrayDeque<TwinPatch> q = queue;
      if (q == null) {
        q = new ArrayDeque<>(Math.max(2, updates.size()));
        queue = q;
      }
      q.addAll(updates);
    }

    synchronized void finishAfterQueued() {
      done = true;
    }

    /** Completes a subscriber that came after the stream completed. */
    void finish() {
      finishAfterQueued();
      drain();
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        boolean first;
        synchronized (this) {
          first = !cancelled;
          cancelled = true;
          queue = null;
        }
        stream.remove(this);
        if (first) {
          actual.onError(new IllegalArgumentException(
              "Reactive Streams rule 3.9: request(n) needs n > 0, got " + n));
        }
        return;
      }
      synchronized (this) {
        long r = requested + n;
        requested = r < 0 ? Long.MAX_VALUE : r;
      }
      drain();
    }

    @Override
    public void cancel() {
      synchronized (this) {
        cancelled = true;
        queue = null;
      }
      stream.remove(this);
    }

    void drain() {
      synchronized (this) {
        if (emitting) {
          return;
        }
        emitting = true;
      }
      for (;;) {
        TwinPatch next;
        synchronized (this) {
          ArrayDeque<TwinPatch> q = queue;
          if (cancelled) {
            emitting = false;
            return;
          }
          if (q != null && requested > 0) {
            next = q.poll();
            if (requested != Long.MAX_VALUE) {
              requested--;
            }
            if (q.isEmpty()) {
              queue = null;
            }
          } else if (q == null && done) {
            cancelled = true; // terminal: nothing more reaches this subscriber
            next = null;
          } else {
            emitting = false;
            return;
          }
        }
        if (next == null) {
          actual.onComplete();
          return;
        }
        actual.onNext(next);
      }
    }
  }
}
