// The calls the holders of the Sessions lock must not make while they hold it (a C2D message's state signals reach
// user code, publishes reach the broker; either may call back into the hub): queued under the lock, run after it.
package io.rxiothub.emulator.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls queued under a lock and run once it is released, in the order queued, one at a time. Thread-safe.
 *
 * <p>A call that queues more while they run (a subscriber that sends a C2D message when another ends, a publish the
 * broker acknowledges at once) never runs them inside itself: they wait behind the calls already queued and the
 * thread running those runs them next. So no loop over the hub's state is re-entered, a state signal or publish
 * reaches the outside in the order the state changed under the lock, and a thread that finds the calls running leaves
 * its own to the thread running them.
 */
final class CallOuts {

  private static final Logger LOG = LoggerFactory.getLogger(CallOuts.class);

  private final Object lock;
  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();

  /** Calls made outside {@code lock}. */
  CallOuts(Object lock) {
    this.lock = lock;
  }

  /** Queues a call; the caller holds the lock, so calls queue in the order of the changes they report. */
  void add(Runnable call) {
    queue.offer(call);
  }

  /**
   * Runs the queued calls, or leaves them to the thread running them already. A caller still holding the lock (one
   * lock section inside another) runs none: the outermost section runs them once it releases the lock.
   */
  void run() {
    if (Thread.holdsLock(lock) || pending.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      for (Runnable call = queue.poll(); call != null; call = queue.poll()) {
        try {
          call.run();
        } catch (RuntimeException e) {
          LOG.warn("hub emulator: a C2D state signal or publish failed: {}", e.toString(), e);
        }
      }
      missed = pending.addAndGet(-missed);
    } while (missed != 0);
  }
}
