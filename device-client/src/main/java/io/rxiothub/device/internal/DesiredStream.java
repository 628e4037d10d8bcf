// The desired-updates stream of one client: a DesiredStateTracker and the serialized emission of what it says.
package io.rxiothub.device.internal;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.processors.PublishProcessor;
import io.rxiothub.twin.DesiredStateTracker;
import io.rxiothub.twin.Twin;
import io.rxiothub.twin.TwinPatch;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Desired patches in strictly increasing {@code $version} order: the tracker is guarded by this object,
 * its output is emitted outside that lock by a serializing drain loop.
 */
final class DesiredStream {

  private static final Object COMPLETE = new Object();

  private final PublishProcessor<TwinPatch> desired = PublishProcessor.create();
  private final ConcurrentLinkedQueue<Object> toEmit = new ConcurrentLinkedQueue<>();
  private final AtomicInteger emitWip = new AtomicInteger();
  private final DesiredStateTracker tracker;

  DesiredStream(String logId) {
    this.tracker = DesiredStateTracker.builder().logId(logId).build();
  }

  /** Returns the hot stream; {@code onSubscribe} runs for each subscriber. */
  Flowable<TwinPatch> updates(Runnable onSubscribe) {
    return desired.onBackpressureBuffer(FeatureSettings.BUFFER_ISLAND, false, true)
        .doOnSubscribe(s -> onSubscribe.run());
  }

  /** Applies a desired notification and emits what follows; returns whether a GET is needed. */
  boolean onPatch(TwinPatch patch) {
    DesiredStateTracker.Step step;
    synchronized (this) {
      step = tracker.onDesiredPatch(patch);
      toEmit.addAll(step.updates());
    }
    drain();
    return step.getRequired();
  }

  /** Applies a GET result and emits what follows; returns whether another GET is needed. */
  boolean onTwin(Twin twin) {
    DesiredStateTracker.Step step;
    synchronized (this) {
      step = tracker.onTwin(twin);
      toEmit.addAll(step.updates());
    }
    drain();
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
    toEmit.add(COMPLETE);
    drain();
  }

  private void drain() {
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
}
