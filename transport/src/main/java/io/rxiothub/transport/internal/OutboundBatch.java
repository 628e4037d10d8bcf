// Outbound batching: hands publishes to MQTT in transmission order, a run of them at once.
package io.rxiothub.transport.internal;

import io.rxiothub.transport.internal.MqttConnector.MqttConnection;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;

/**
 * Publishes handed to connections (under the machine's lock) wait here until {@link #run} hands them
 * to MQTT outside the lock, from one thread at a time, telling the connection when more follow at
 * once so that it can send them together. The value of this AtomicInteger is the drain's
 * work-in-progress count; the batch is its own drain task. The waiting publishes are a stack linked
 * through themselves ({@link Outbound#next}), newest first: {@link #add} pushes (one producer at a
 * time, under the lock), the drain takes the whole stack at once and reverses it, so an idle client
 * keeps no queue and a publish costs no queue node.
 */
final class OutboundBatch extends AtomicInteger implements Runnable {

  private static final long serialVersionUID = 1L;
  private static final AtomicReferenceFieldUpdater<OutboundBatch, Outbound> PUSHED =
      AtomicReferenceFieldUpdater.newUpdater(OutboundBatch.class, Outbound.class, "pushed");

  private volatile @Nullable Outbound pushed;

  /** Under the machine's lock: queues {@code p} for {@code a}'s connection; then run this. */
  void add(PendingSend p, Attempt a) {
    Outbound o = new Outbound(p, a);
    for (;;) {
      Outbound top = pushed;
      o.next = top;
      if (PUSHED.compareAndSet(this, top, o)) {
        return;
      }
    }
  }

  @Override
  public void run() {
    if (getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    for (;;) {
      Outbound o = takeAll();
      while (o != null) {
        Outbound next = o.next;
        if (next == null) {
          next = takeAll();
        }
        o.next = null;
        boolean more = next != null && next.connection == o.connection;
        PendingSend p = o.send;
        o.connection.publish(p.topic, p.payload, p.atMostOnce, more, o);
        o = next;
      }
      missed = addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  /** Takes every waiting publish, oldest first, or null if none waits. */
  private @Nullable Outbound takeAll() {
    if (pushed == null) {
      return null;
    }
    Outbound o = PUSHED.getAndSet(this, null);
    Outbound reversed = null;
    while (o != null) {
      Outbound below = o.next;
      o.next = reversed;
      reversed = o;
      o = below;
    }
    return reversed;
  }

  /** A send handed to one connection, waiting to be published there; then its PUBACK callback. */
  private static final class Outbound implements MqttConnector.Callback {
    final PendingSend send;
    final Attempt attempt;
    final MqttConnection connection;
    /** While waiting: the publish below in the stack, or after it in a batch taken by the drain. */
    @Nullable Outbound next;

    Outbound(PendingSend send, Attempt attempt) {
      this.send = send;
      this.attempt = attempt;
      this.connection = attempt.connection();
    }

    @Override
    public void done(@Nullable Throwable error) {
      attempt.machine.onPublished(send, attempt, error);
    }
  }
}
