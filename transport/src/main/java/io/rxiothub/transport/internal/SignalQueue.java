// The callback signal queue: outcomes of one client's sends reach their observers in order, in batches.
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.core.Scheduler;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Queues decided sends for their observers. The queue is drained on the callback scheduler by one
 * task at a time, in order, at most {@link #SIGNAL_BATCH} signals per task before it yields the thread
 * to other clients, so a burst of PUBACKs costs one callback task instead of one per message. The
 * value of this AtomicBoolean says whether a drain is scheduled; the queue is its own drain task.
 */
final class SignalQueue extends AtomicBoolean implements Runnable {

  private static final long serialVersionUID = 1L;

  /** Send outcomes delivered by one callback task before it makes way for other clients. */
  static final int SIGNAL_BATCH = 256;

  private final Scheduler callbacks;
  private final ConcurrentLinkedQueue<PendingSend> signals = new ConcurrentLinkedQueue<>();

  SignalQueue(Scheduler callbacks) {
    this.callbacks = callbacks;
  }

  /** Queues the outcome of {@code p} for its observer. */
  void offer(PendingSend p) {
    signals.offer(p);
    if (compareAndSet(false, true)) {
      callbacks.scheduleDirect(this);
    }
  }

  @Override
  public void run() {
    for (int i = 0; i < SIGNAL_BATCH; i++) {
      PendingSend p = signals.poll();
      if (p == null) {
        set(false);
        // A signal offered after the poll and before the reset found the flag set: take it here,
        // unless its producer already scheduled a new drain.
        if (signals.isEmpty() || !compareAndSet(false, true)) {
          return;
        }
        continue;
      }
      p.deliver();
    }
    callbacks.scheduleDirect(this);
  }
}
