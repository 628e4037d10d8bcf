// The callback signal queue: outcomes of one client's sends reach their observers in order, in batches.
package io.rxiothub.transport.internal;

import io.reactivex.rxjava3.core.Scheduler;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;

/**
 * Queues decided sends for their observers. The queue is drained on the callback scheduler by one
 * task at a time, in order, at most {@link #SIGNAL_BATCH} signals per task before it yields the thread
 * to other clients, so a burst of PUBACKs costs one callback task instead of one per message. The
 * value of this AtomicBoolean says whether a drain is scheduled; the queue is its own drain task.
 * The sends are linked through themselves ({@link PendingSend#nextSignal}; a send is decided, so
 * queued, once): {@link #offer} pushes onto a lock-free stack, newest first, and the drain takes the
 * whole stack at once and reverses it; so an idle client keeps no queue and a signal costs no node.
 */
final class SignalQueue extends AtomicBoolean implements Runnable {

  private static final long serialVersionUID = 1L;
  private static final AtomicReferenceFieldUpdater<SignalQueue, PendingSend> PUSHED =
      AtomicReferenceFieldUpdater.newUpdater(SignalQueue.class, PendingSend.class, "pushed");

  /** Send outcomes delivered by one callback task before it makes way for other clients. */
  static final int SIGNAL_BATCH = 256;

  private final Scheduler callbacks;
  /** Offered and not yet taken by a drain, newest first. */
  private volatile @Nullable PendingSend pushed;
  /** Taken by the drain and not yet delivered, oldest first; only the drain reads and writes it. */
  private @Nullable PendingSend taken;

  SignalQueue(Scheduler callbacks) {
    this.callbacks = callbacks;
  }

  /** Queues the outcome of {@code p} for its observer. */
  void offer(PendingSend p) {
    for (;;) {
      PendingSend top = pushed;
      p.nextSignal = top;
      if (PUSHED.compareAndSet(this, top, p)) {
        break;
      }
    }
    if (compareAndSet(false, true)) {
      callbacks.scheduleDirect(this);
    }
  }

  @Override
  public void run() {
    PendingSend p = taken;
    for (int i = 0; i < SIGNAL_BATCH; i++) {
      if (p == null) {
        p = takeAll();
        if (p == null) {
          taken = null;
          set(false);
          // A signal offered after the take and before the reset found the flag set: take it here,
          // unless its producer already scheduled a new drain.
          if (pushed == null || !compareAndSet(false, true)) {
            return;
          }
          continue;
        }
      }
      PendingSend next = p.nextSignal;
      p.nextSignal = null;
      p.deliver();
      p = next;
    }
    taken = p;
    callbacks.scheduleDirect(this);
  }

  /** Takes every offered send, oldest first, or null if none was offered. */
  private @Nullable PendingSend takeAll() {
    if (pushed == null) {
      return null;
    }
    PendingSend p = PUSHED.getAndSet(this, null);
    PendingSend reversed = null;
    while (p != null) {
      PendingSend below = p.nextSignal;
      p.nextSignal = reversed;
      reversed = p;
      p = below;
    }
    return reversed;
  }
}
